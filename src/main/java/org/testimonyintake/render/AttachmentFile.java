package org.testimonyintake.render;

import java.util.Objects;
import java.util.Optional;

/**
 * An attachment as it lies in a case folder beside its testimony page, after its size and hashes matched the
 * testimony document.
 *
 * @param part the attachment's number in the testimony document
 * @param link where the file is, relative to the testimony page; a {@link RelativeLink}
 * @param thumbnailPng a {@link Thumbnail} for images, else empty
 */
public record AttachmentFile(int part, RelativeLink link, Optional<byte[]> thumbnailPng) {
    public AttachmentFile {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(thumbnailPng, "thumbnailPng");
    }
}
