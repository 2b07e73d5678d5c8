package org.testimonyintake.intake.metadata;

import java.io.IOException;
import java.io.OutputStream;

/**
 * JPEG (ITU T.81 annex B) as photo-metadata.mjs cleans it: the frame, tables and scans are kept; of the application
 * segments only JFIF (APP0) and Adobe (APP14), which decoders need for colour. EXIF and XMP are APP1, ICC profiles
 * APP2, IPTC APP13, comments COM; what follows EOI is dropped.
 */
final class Jpeg {
    private static final int SOS = 0xDA;
    private static final int EOI = 0xD9;
    private static final int COM = 0xFE;
    private static final int APP0 = 0xE0;
    private static final int APP14 = 0xEE;
    private static final byte[] JFIF = {'J', 'F', 'I', 'F', 0};

    private Jpeg() {
    }

    static void clean(Source source, OutputStream out) throws IOException, UnreadableMedia {
        source.copy(2, out); // SOI
        while (source.fill(2)) {
            if (source.peek(0) != 0xFF) {
                throw new UnreadableMedia("no JPEG marker where one belongs");
            }
            int marker = source.peek(1);
            if (marker == 0xFF) {
                source.consume(1); // fill
            } else if (marker == EOI) {
                source.copy(2, out);
                break;
            } else if (isStandalone(marker)) {
                source.copy(2, out);
            } else {
                segment(source, marker, out);
                if (marker == SOS) {
                    copyEntropyCodedData(source, out);
                }
            }
        }
        source.rest(null);
    }

    private static void segment(Source source, int marker, OutputStream out) throws IOException, UnreadableMedia {
        if (!source.fill(4)) {
            throw new UnreadableMedia("a JPEG segment runs past the end");
        }
        long length = 2 + ((source.peek(2) << 8) | source.peek(3));
        source.fill(9);
        if (keep(source, marker)) {
            source.copy(length, out);
        } else {
            source.skip(length);
        }
    }

    private static boolean keep(Source source, int marker) {
        if (marker == COM) {
            return false;
        }
        if (marker == APP0) { // JFIF, not JFXX thumbnails
            if (source.buffered() < 9) {
                return false;
            }
            for (int i = 0; i < JFIF.length; i++) {
                if (source.peek(4 + i) != JFIF[i]) {
                    return false;
                }
            }
            return true;
        }
        return marker == APP14 || marker < 0xE0 || marker > 0xEF;
    }

    private static boolean isStandalone(int marker) {
        return marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7); // TEM, RST0 to RST7
    }

    /** Entropy-coded data ends at the first 0xFF that is neither stuffing (0xFF00), a restart marker nor fill. */
    private static void copyEntropyCodedData(Source source, OutputStream out) throws IOException {
        while (source.fill(2)) {
            byte[] bytes = source.array();
            int from = source.offset();
            int last = from + source.buffered() - 1; // an 0xFF there needs the octet after it
            for (int i = from; i < last; i++) {
                if (bytes[i] == (byte) 0xFF) {
                    int next = bytes[i + 1] & 0xFF;
                    if (next != 0x00 && next != 0xFF && !(next >= 0xD0 && next <= 0xD7)) {
                        out.write(bytes, from, i - from);
                        source.consume(i - from);
                        return;
                    }
                }
            }
            out.write(bytes, from, last - from);
            source.consume(last - from);
        }
        source.rest(out);
    }
}
