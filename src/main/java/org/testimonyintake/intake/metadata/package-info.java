/**
 * Removes the metadata of photos and videos (FORMAT.md section 5.1) from a file as it streams, for the server's
 * JavaScript-off path: JPEG segments and PNG chunks are dropped; MP4, QuickTime and HEIF files are blanked in place,
 * their media data streamed through. Memory stays bounded whatever the file's size. It is the twin of the browser's
 * photo-metadata.mjs and media-metadata.mjs and gives the same octets. It depends on nothing of this project;
 * {@code SubmissionPackageTest} checks that.
 */
package org.testimonyintake.intake.metadata;
