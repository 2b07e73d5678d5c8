package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A part larger than its buffers, written in uneven pieces, reaches its file octet for octet, whether its full buffers
 * go out with O_DIRECT (the temporary directory's file system permitting) or, once flushed mid-way, through the page
 * cache; an abandoned one is never renamed into place and leaves no writing thread behind.
 */
class PartOutputStreamTest {
    private static final LocalDate RECEIVED = LocalDate.of(2026, 12, 7);

    @TempDir
    Path directory;

    @Test
    void unevenWritesArriveOctetForOctet() throws IOException {
        byte[] content = random((3 << 20) + 5, 1);
        try (PartOutputStream part = PartOutputStream.create(directory, "attachment-1.pgp", RECEIVED)) {
            writeUnevenly(part, content, 0, content.length);
        }
        assertArrayEquals(content, Files.readAllBytes(directory.resolve("attachment-1.pgp")));
    }

    @Test
    void aPartFlushedMidWayStillArrivesOctetForOctet() throws IOException {
        byte[] content = random((2 << 20) + 77, 2);
        int half = (1 << 20) + 3;
        try (PartOutputStream part = PartOutputStream.create(directory, "attachment-1.pgp", RECEIVED)) {
            writeUnevenly(part, content, 0, half);
            part.flush();
            writeUnevenly(part, content, half, content.length);
        }
        assertArrayEquals(content, Files.readAllBytes(directory.resolve("attachment-1.pgp")));
    }

    @Test
    void anAbandonedPartIsNeverRenamedAndItsWriterStops() throws IOException {
        PartOutputStream part = PartOutputStream.create(directory, "attachment-1.pgp", RECEIVED);
        writeUnevenly(part, random(3 << 20, 3), 0, 3 << 20);
        part.abandon();
        part.close();

        assertFalse(part.isComplete());
        assertFalse(Files.exists(directory.resolve("attachment-1.pgp")));
        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("part-writer")).toList());
    }

    private static void writeUnevenly(PartOutputStream part, byte[] content, int from, int to) throws IOException {
        Random sizes = new Random(from);
        for (int at = from; at < to; ) {
            int n = Math.min(to - at, sizes.nextBoolean() ? 1 + sizes.nextInt(20) : 1 + sizes.nextInt(400_000));
            part.write(content, at, n);
            at += n;
        }
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
