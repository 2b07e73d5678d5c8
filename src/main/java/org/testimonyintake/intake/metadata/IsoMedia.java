package org.testimonyintake.intake.metadata;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * MP4, QuickTime and HEIF (ISO/IEC 14496-12 boxes) as media-metadata.mjs cleans them, in one pass: the top-level
 * boxes stream through, but for a moov or moof box (read whole, at most {@link #MAX_BOX_IN_MEMORY}, its metadata
 * boxes blanked and its times zeroed), a metadata box (written as a free box of zeros) and a HEIF file's meta box
 * (read whole to find its Exif and XMP items, whose octets are then zeroed as they pass).
 */
final class IsoMedia {
    static final int MAX_BOX_IN_MEMORY = 64 << 20;
    /** Types a first box of an ISO base media file has (QuickTime files may start without ftyp). */
    private static final Set<String> FIRST_BOXES = Set.of("ftyp", "moov", "mdat", "wide", "free", "skip", "pnot");
    /** Boxes that may hold metadata, or what an editor left behind: they become zeroed free boxes. */
    private static final Set<String> BLANKED = Set.of("udta", "meta", "uuid", "free", "skip");
    /** Boxes whose children are boxes, walked for the above. */
    private static final Set<String> CONTAINERS = Set.of("moov", "trak", "mdia", "minf", "stbl", "edts", "dinf",
            "mvex", "moof", "traf");
    /** Full boxes that open with a creation and a modification time. */
    private static final Set<String> TIMED = Set.of("mvhd", "tkhd", "mdhd");
    private static final Set<String> HEIF_BRANDS = Set.of("mif1", "msf1");
    private static final byte[] FREE = "free".getBytes(StandardCharsets.US_ASCII);

    private IsoMedia() {
    }

    /** A box header: its type, the header's length and the box's size (-1: to the end of the file). */
    record Box(String type, int header, long size) {
    }

    static boolean startsWithBox(Source source) {
        return source.buffered() >= 8 && FIRST_BOXES.contains(type(source.array(), source.offset() + 4));
    }

    static void clean(Source source, OutputStream out) throws IOException, UnreadableMedia {
        ZeroingOutput zeroing = new ZeroingOutput(out);
        boolean heif = false;
        while (!source.atEnd()) {
            long start = source.position();
            source.fill(16);
            byte[] head = java.util.Arrays.copyOfRange(source.array(), source.offset(),
                    source.offset() + Math.min(16, source.buffered()));
            Box box = boxAt(head, 0, Long.MAX_VALUE);
            if (box.type.equals("ftyp")) {
                byte[] bytes = readBox(source, box);
                heif = brands(bytes, box).stream().anyMatch(HEIF_BRANDS::contains);
                zeroing.write(bytes);
            } else if (box.type.equals("moov") || box.type.equals("moof")) {
                byte[] bytes = readBox(source, box);
                cleanChildren(bytes, box.header, bytes.length);
                zeroing.write(bytes);
            } else if (box.type.equals("meta") && heif) {
                byte[] bytes = readBox(source, box);
                for (long[] range : HeifItems.metadataRanges(bytes, box, start)) {
                    zeroing.zero(range[0], range[1]);
                }
                zeroing.write(bytes);
            } else if (BLANKED.contains(box.type)) {
                if (box.size > MAX_BOX_IN_MEMORY) {
                    throw new UnreadableMedia("a " + box.type + " box too large to blank");
                }
                byte[] header = source.readExactly(box.header);
                System.arraycopy(FREE, 0, header, 4, 4);
                zeroing.write(header);
                if (box.size < 0) {
                    Source.writeZeros(countRest(source), zeroing);
                } else {
                    source.skip(box.size - box.header);
                    Source.writeZeros(box.size - box.header, zeroing);
                }
            } else if (box.size < 0) {
                source.rest(zeroing);
            } else {
                source.copy(box.size, zeroing);
            }
        }
        zeroing.finish();
    }

    /** The box whose header starts at bytes[at]; {@code room} is how many octets it may take (to its parent's end). */
    static Box boxAt(byte[] bytes, int at, long room) throws UnreadableMedia {
        if (room < 8 || at + 8 > bytes.length) {
            throw new UnreadableMedia("a box header runs past the end");
        }
        long size = u32(bytes, at);
        String type = type(bytes, at + 4);
        int header = 8;
        if (size == 1) {
            if (room < 16 || at + 16 > bytes.length) {
                throw new UnreadableMedia("a box header runs past the end");
            }
            size = (u32(bytes, at + 8) << 32) | u32(bytes, at + 12);
            header = 16;
            if (size < 0 || size > Long.MAX_VALUE / 2) {
                throw new UnreadableMedia("a box too large");
            }
        } else if (size == 0) {
            size = room == Long.MAX_VALUE ? -1 : room;
        }
        if ((size >= 0 && size < header) || size > room) {
            throw new UnreadableMedia("a box runs past its container");
        }
        return new Box(type, header, size);
    }

    private static byte[] readBox(Source source, Box box) throws IOException, UnreadableMedia {
        if (box.size < 0) {
            byte[] rest = readRest(source);
            if (rest.length < box.header) {
                throw new UnreadableMedia("a box header runs past the end");
            }
            return rest;
        }
        if (box.size > MAX_BOX_IN_MEMORY) {
            throw new UnreadableMedia("a " + box.type + " box too large to read");
        }
        return source.readExactly((int) box.size);
    }

    private static byte[] readRest(Source source) throws IOException, UnreadableMedia {
        java.io.ByteArrayOutputStream rest = new java.io.ByteArrayOutputStream();
        while (source.fill(1)) {
            if (rest.size() + source.buffered() > MAX_BOX_IN_MEMORY) {
                throw new UnreadableMedia("a box too large to read");
            }
            rest.write(source.array(), source.offset(), source.buffered());
            source.consume(source.buffered());
        }
        return rest.toByteArray();
    }

    private static long countRest(Source source) throws IOException, UnreadableMedia {
        long count = 0;
        while (source.fill(1)) {
            count += source.buffered();
            if (count > MAX_BOX_IN_MEMORY) {
                throw new UnreadableMedia("a box too large to blank");
            }
            source.consume(source.buffered());
        }
        return count;
    }

    /** The major and compatible brands of an ftyp box (its minor version is no brand). */
    private static List<String> brands(byte[] bytes, Box box) {
        List<String> found = new ArrayList<>();
        int end = Math.min(bytes.length, 4096);
        for (int at = box.header; at + 4 <= end; at += 4) {
            if (at != box.header + 4) {
                found.add(type(bytes, at));
            }
        }
        return found;
    }

    /** Blanks metadata boxes and zeroes times among the boxes in bytes[from, to), and in their containers' children. */
    static void cleanChildren(byte[] bytes, int from, int to) throws UnreadableMedia {
        int at = from;
        while (to - at >= 8) {
            Box box = boxAt(bytes, at, to - at);
            int end = (int) (at + box.size);
            if (BLANKED.contains(box.type)) {
                System.arraycopy(FREE, 0, bytes, at + 4, 4);
                java.util.Arrays.fill(bytes, at + box.header, end, (byte) 0);
            } else if (CONTAINERS.contains(box.type)) {
                cleanChildren(bytes, at + box.header, end);
            } else if (TIMED.contains(box.type)) {
                int content = at + box.header;
                int timesEnd = content + (bytes[content] == 1 ? 20 : 12); // version 1: 64-bit times
                if (timesEnd > end) {
                    throw new UnreadableMedia("a " + box.type + " box too short for its times");
                }
                java.util.Arrays.fill(bytes, content + 4, timesEnd, (byte) 0);
            }
            at = end;
        }
        // QuickTime may end a list of boxes with a 32-bit zero; anything else there is no box.
        for (int i = at; i < to; i++) {
            if (bytes[i] != 0) {
                throw new UnreadableMedia("octets that are no box");
            }
        }
    }

    static long u32(byte[] bytes, int at) {
        return ((bytes[at] & 0xFFL) << 24) | ((bytes[at + 1] & 0xFF) << 16) | ((bytes[at + 2] & 0xFF) << 8)
                | (bytes[at + 3] & 0xFF);
    }

    static String type(byte[] bytes, int at) {
        return new String(bytes, at, 4, StandardCharsets.ISO_8859_1);
    }

    /** Passes octets on, zeroing those in the ranges it was given; a range must lie ahead of what has passed. */
    private static final class ZeroingOutput extends OutputStream {
        private final OutputStream out;
        private final List<long[]> ranges = new ArrayList<>();
        private long position;

        ZeroingOutput(OutputStream out) {
            this.out = out;
        }

        void zero(long from, long to) throws UnreadableMedia {
            if (from < position) {
                throw new UnreadableMedia("HEIF metadata before the box that locates it");
            }
            for (long[] range : ranges) {
                if (from < range[1] && range[0] < to) {
                    throw new UnreadableMedia("items that overlap");
                }
            }
            ranges.add(new long[] {from, to});
        }

        @Override
        public void write(int octet) throws IOException {
            write(new byte[] {(byte) octet}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            long end = position + length;
            byte[] written = bytes;
            int writtenOffset = offset;
            for (long[] range : ranges) {
                if (range[0] < end && position < range[1]) {
                    if (written == bytes) {
                        written = java.util.Arrays.copyOfRange(bytes, offset, offset + length);
                        writtenOffset = 0;
                    }
                    java.util.Arrays.fill(written, (int) (Math.max(range[0], position) - position),
                            (int) (Math.min(range[1], end) - position), (byte) 0);
                }
            }
            out.write(written, writtenOffset, length);
            position = end;
            ranges.removeIf(range -> range[1] <= position);
        }

        /** Every range must have passed: one past the end belongs to no file. */
        void finish() throws UnreadableMedia {
            if (!ranges.isEmpty()) {
                throw new UnreadableMedia("items that overlap or pass the end");
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
