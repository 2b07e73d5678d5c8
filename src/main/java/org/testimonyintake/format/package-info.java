/**
 * The on-the-wire and at-rest formats of FORMAT.md: the office key profile, the office certificate as a keyset with
 * one current encryption subkey, the testimony document, and how messages are encrypted to the office. This is the
 * one place that knows OpenPGP rules. It holds public-key operations only; secret keys live in
 * {@code org.testimonyintake.office}. Depends on Bouncy Castle and Jackson (jackson-jr, jackson-core), nothing else of the project.
 */
package org.testimonyintake.format;
