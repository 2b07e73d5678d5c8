package org.testimonyintake.intake.submission;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HandOffOutputStreamTest {
    @Test
    void everyOctetArrivesInOrderBeforeCloseReturns() throws IOException {
        byte[] data = new byte[5_000_000];
        new Random(11).nextBytes(data);
        Sink sink = new Sink(Integer.MAX_VALUE);
        Random sizes = new Random(12);
        try (OutputStream out = new HandOffOutputStream(sink, "test-writer")) {
            for (int at = 0; at < data.length; ) {
                int n = Math.min(data.length - at, sizes.nextInt(300_000));
                if (n == 1) {
                    out.write(data[at]);
                } else {
                    out.write(data, at, n);
                }
                at += n;
                if (sizes.nextInt(20) == 0) {
                    out.flush();
                }
            }
        }
        assertTrue(sink.closed);
        assertArrayEquals(data, sink.toByteArray());
    }

    @Test
    void aFailureBeneathSurfacesInTheWriterWithoutHanging() {
        Sink sink = new Sink(1_000_000);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            OutputStream out = new HandOffOutputStream(sink, "test-writer");
            IOException failure = assertThrows(IOException.class, () -> {
                try (out) {
                    for (int i = 0; i < 1000; i++) {
                        out.write(new byte[100_000]);
                    }
                }
            });
            assertEquals("disk full", rootCause(failure).getMessage());
            assertThrows(IOException.class, () -> out.write(1), "closed");
            out.close(); // again: nothing more to do
        });
        assertEquals(false, sink.closed, "a failed stream is not finished by closing it");
    }

    private static Throwable rootCause(Throwable e) {
        return e.getCause() == null ? e : rootCause(e.getCause());
    }

    /** Takes so many octets, then fails like a full disk. */
    private static final class Sink extends OutputStream {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final int capacity;
        volatile boolean closed;

        Sink(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (received.size() + len > capacity) {
                throw new IOException("disk full");
            }
            received.write(b, off, len);
        }

        byte[] toByteArray() {
            return received.toByteArray();
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
