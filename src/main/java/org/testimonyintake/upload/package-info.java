/**
 * Resumable uploads of browser-encrypted ciphertext (FORMAT.md section 7.1): a partial upload is one owner-only file
 * under {@code <data>/uploads}, named by 128 random bits, that grows chunk by chunk until the intake server checks it
 * at packet level and hands it to the store, or until it is abandoned for a day and deleted. It holds ciphertext only
 * (its first octet must open an OpenPGP PKESK packet) and no time finer than a date. It depends on nothing of the
 * project and on SLF4J only; it knows nothing of HTTP.
 */
package org.testimonyintake.upload;
