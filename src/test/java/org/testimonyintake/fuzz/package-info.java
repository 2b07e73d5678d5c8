/**
 * What the fuzz tests share: reads of random sizes, the committed TEST-ONLY office key, and the property every target
 * checks. The fuzz tests themselves live beside the code they fuzz; their seed inputs are committed under
 * src/test/resources in Jazzer's layout ({@code <package>/<TestClass>Inputs/<method>/}), replayed by every test run, and
 * {@code bench/fuzz.sh} fuzzes each target for a given time. Test code only; depends on nothing of the server.
 */
package org.testimonyintake.fuzz;
