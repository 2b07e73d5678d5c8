/**
 * Returning sources on the intake server (FORMAT.md section 10): the receipt a source keeps, the Argon2id derivation
 * of a case's lookup id and wrapping key from it under a global bound on concurrent checks, and each case's reply key.
 * {@link org.testimonyintake.returning.ReplySecretKey} is the server's only way into secret key material, and only
 * into a per-case reply key whose wrapping key the source's receipt just gave; the office key is never read here.
 * Depends on {@code format}, {@code store} (its {@code CaseStore}), Bouncy Castle and argon2-jvm; knows nothing of HTTP.
 */
package org.testimonyintake.returning;
