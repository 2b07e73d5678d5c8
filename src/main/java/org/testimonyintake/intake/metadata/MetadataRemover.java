package org.testimonyintake.intake.metadata;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies a file without its photo or video metadata (FORMAT.md section 5.1), telling its type by its first octets:
 * JPEG, PNG, or an ISO base media file (MP4, QuickTime, HEIF). Any other file is copied as it is. The input is read to
 * its end either way, so the next part of a form follows.
 */
public final class MetadataRemover {
    private MetadataRemover() {
    }

    public static void copy(InputStream in, OutputStream out) throws IOException, UnreadableMedia {
        Source source = new Source(in);
        source.fill(8);
        if (source.buffered() >= 3 && source.peek(0) == 0xFF && source.peek(1) == 0xD8 && source.peek(2) == 0xFF) {
            Jpeg.clean(source, out);
        } else if (Png.startsWithSignature(source)) {
            Png.clean(source, out);
        } else if (IsoMedia.startsWithBox(source)) {
            IsoMedia.clean(source, out);
        } else {
            source.rest(out);
        }
    }
}
