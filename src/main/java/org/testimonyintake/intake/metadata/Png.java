package org.testimonyintake.intake.metadata;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;

/**
 * PNG (ISO 15948) as photo-metadata.mjs cleans it: the critical chunks and the ancillary ones that change how the
 * image looks or moves are kept; eXIf, tEXt, zTXt, iTXt (where XMP lives), tIME, iCCP and every private or unknown
 * ancillary chunk are dropped, and so is what follows IEND.
 */
final class Png {
    private static final int[] SIGNATURE = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A};
    private static final Set<String> KEEP = Set.of("tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "bKGD", "hIST", "pHYs",
            "sPLT", "cICP", "cLLI", "mDCV", "acTL", "fcTL", "fdAT");

    private Png() {
    }

    static boolean startsWithSignature(Source source) {
        if (source.buffered() < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (source.peek(i) != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    static void clean(Source source, OutputStream out) throws IOException, UnreadableMedia {
        source.copy(SIGNATURE.length, out);
        while (source.fill(12)) {
            long length = IsoMedia.u32(source.array(), source.offset());
            String type = IsoMedia.type(source.array(), source.offset() + 4);
            boolean critical = (source.peek(4) & 0x20) == 0;
            if (critical || KEEP.contains(type)) {
                source.copy(12 + length, out);
            } else {
                source.skip(12 + length);
            }
            if (type.equals("IEND")) {
                break;
            }
        }
        source.rest(null);
    }
}
