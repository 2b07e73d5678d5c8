/**
 * The HTML pages staff open on the office laptop: {@link org.testimonyintake.render.TestimonyView} turns a decrypted
 * {@link org.testimonyintake.format.TestimonyDocument} into a standalone testimony page, and lists a case folder in an
 * index page. Testimony is hostile input: every string is escaped as text with hidden characters made visible, the
 * generated body passes an allowlist sanitizer that must find nothing to remove, and a Content-Security-Policy lets
 * nothing load, run or submit. {@link org.testimonyintake.render.Thumbnail} redraws JPEG and PNG attachments from
 * their pixels alone, for inline thumbnails. Depends on {@code format}, the OWASP Java HTML Sanitizer and the JDK's
 * image I/O only.
 */
package org.testimonyintake.render;
