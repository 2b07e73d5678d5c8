/**
 * The office side, run on an offline machine: the secret office key (a keyset with one current encryption subkey),
 * its rotation and retirement, and decryption of what the intake server collected. {@link
 * org.testimonyintake.office.SecretKeyFile} is the only way into secret key material; reviewers grep for it. Depends on
 * {@code format} and {@code render}; nothing of the web server may depend on this package.
 */
package org.testimonyintake.office;
