package org.testimonyintake.intake.metadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a HEIF file keeps its Exif and XMP items (ISO/IEC 14496-12 iinf and iloc boxes, ISO/IEC 23008-12 items),
 * read from its meta box as media-metadata.mjs reads it.
 */
final class HeifItems {
    private static final String XMP_TYPE = "application/rdf+xml";

    private HeifItems() {
    }

    /** A child box of meta: where it starts in the meta box's octets, and its header. */
    private record Child(int at, IsoMedia.Box box) {
        int end() {
            return (int) (at + box.size());
        }
    }

    /** The ranges {from, to} of the file holding the Exif and XMP items' data; {@code offset} is the meta box's. */
    static List<long[]> metadataRanges(byte[] bytes, IsoMedia.Box meta, long offset) throws UnreadableMedia {
        Map<String, Child> children = new HashMap<>();
        for (int at = meta.header() + 4; bytes.length - at >= 8; ) { // meta is a full box: version and flags
            IsoMedia.Box box = IsoMedia.boxAt(bytes, at, bytes.length - at);
            children.putIfAbsent(box.type(), new Child(at, box));
            at += (int) box.size();
        }
        Child iinf = children.get("iinf");
        if (iinf == null) {
            return List.of();
        }
        Set<Long> items = metadataItems(bytes, iinf);
        if (items.isEmpty()) {
            return List.of();
        }
        Child iloc = children.get("iloc");
        if (iloc == null) {
            throw new UnreadableMedia("HEIF items without locations");
        }
        Child idat = children.get("idat");
        List<long[]> ranges = new ArrayList<>();
        Reader reader = new Reader(bytes, iloc.at + iloc.box.header(), iloc.end());
        int version = reader.u8();
        reader.skip(3);
        if (version > 2) {
            throw new UnreadableMedia("an iloc box of an unknown version");
        }
        int sizes = (int) reader.u16();
        int offsetSize = sizes >> 12;
        int lengthSize = (sizes >> 8) & 15;
        int baseSize = (sizes >> 4) & 15;
        int indexSize = version == 0 ? 0 : sizes & 15;
        long count = version < 2 ? reader.u16() : reader.u32();
        for (long i = 0; i < count; i++) {
            long id = version < 2 ? reader.u16() : reader.u32();
            int method = version == 0 ? 0 : (int) (reader.u16() & 15);
            if (reader.u16() != 0 && method == 0) {
                throw new UnreadableMedia("a HEIF item in another file");
            }
            long base = reader.sized(baseSize);
            boolean wanted = items.contains(id);
            if (wanted && (method == 2 || (method == 1 && idat == null))) {
                throw new UnreadableMedia("a HEIF item that cannot be located");
            }
            for (long extent = reader.u16(); extent > 0; extent--) {
                reader.sized(indexSize);
                long extentOffset = reader.sized(offsetSize);
                long length = reader.sized(lengthSize);
                if (!wanted) {
                    continue;
                }
                if (length == 0) {
                    throw new UnreadableMedia("a HEIF item of unknown length");
                }
                long from = (method == 1 ? offset + idat.at + idat.box.header() : 0) + base + extentOffset;
                if (method == 1 && from + length > offset + idat.end()) {
                    throw new UnreadableMedia("a HEIF item past its idat");
                }
                ranges.add(new long[] {from, from + length});
            }
        }
        return ranges;
    }

    /** The ids of the Exif and XMP items an iinf box names. */
    private static Set<Long> metadataItems(byte[] bytes, Child iinf) throws UnreadableMedia {
        Reader reader = new Reader(bytes, iinf.at + iinf.box.header(), iinf.end());
        int version = reader.u8();
        reader.skip(3);
        reader.skip(version == 0 ? 2 : 4); // the entry count; the infe boxes that follow say as much
        Set<Long> ids = new HashSet<>();
        while (reader.left() >= 8) {
            IsoMedia.Box infe = IsoMedia.boxAt(bytes, reader.at, reader.left());
            Reader entry = new Reader(bytes, reader.at + infe.header(), (int) (reader.at + infe.size()));
            reader.skip((int) infe.size());
            if (!infe.type().equals("infe")) {
                continue;
            }
            int infeVersion = entry.u8();
            entry.skip(3);
            if (infeVersion >= 2) {
                long id = infeVersion == 2 ? entry.u16() : entry.u32();
                entry.skip(2); // protection index
                String itemType = IsoMedia.type(entry.bytes(4), 0);
                entry.string(); // item name
                if (itemType.equals("Exif") || (itemType.equals("mime") && entry.string().equals(XMP_TYPE))) {
                    ids.add(id);
                }
            } else {
                long id = entry.u16();
                entry.skip(2);
                entry.string();
                if (entry.string().equals(XMP_TYPE)) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    /** Reads big-endian fields from bytes[at, end); reading past the end means the box is broken. */
    private static final class Reader {
        private final byte[] array;
        private final int end;
        private int at;

        Reader(byte[] array, int at, int end) {
            this.array = array;
            this.at = at;
            this.end = end;
        }

        int left() {
            return end - at;
        }

        byte[] bytes(int length) throws UnreadableMedia {
            if (length > left()) {
                throw new UnreadableMedia("a box ends too soon");
            }
            at += length;
            return java.util.Arrays.copyOfRange(array, at - length, at);
        }

        void skip(int length) throws UnreadableMedia {
            bytes(length);
        }

        int u8() throws UnreadableMedia {
            return (int) sized(1);
        }

        long u16() throws UnreadableMedia {
            return sized(2);
        }

        long u32() throws UnreadableMedia {
            return sized(4);
        }

        /** An unsigned number of 0, 1, 2, 4 or 8 octets, as media-metadata.mjs takes it (at most 2^53 - 1). */
        long sized(int length) throws UnreadableMedia {
            if (length != 0 && length != 1 && length != 2 && length != 4 && length != 8) {
                throw new UnreadableMedia("a field of a size no box has");
            }
            long value = 0;
            for (byte octet : bytes(length)) {
                if (value > (1L << 45)) {
                    throw new UnreadableMedia("an offset too large");
                }
                value = value * 256 + (octet & 0xFF);
            }
            if (value > (1L << 53) - 1) {
                throw new UnreadableMedia("an offset too large");
            }
            return value;
        }

        /** A null-terminated UTF-8 string; a missing terminator ends it at the box's end. */
        String string() throws UnreadableMedia {
            int zero = -1;
            for (int i = at; i < end; i++) {
                if (array[i] == 0) {
                    zero = i;
                    break;
                }
            }
            int length = zero < 0 ? end - at : zero - at + 1;
            byte[] raw = bytes(length);
            return new String(raw, 0, zero < 0 ? length : length - 1, StandardCharsets.UTF_8);
        }
    }
}
