/**
 * What the two command-line tools share: exit codes, the failure type that carries a hint, and the runner that turns
 * failures into {@code NAME: error: ...} and {@code NAME: hint: ...} lines. Depends on picocli and {@code format}
 * only, so both jars can hold it.
 */
package org.testimonyintake.cli;
