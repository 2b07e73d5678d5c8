package org.testimonyintake.intake.metadata;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The file being cleaned, read through one buffer; octets are looked at there before they are copied or skipped. */
final class Source {
    static final int BUFFER_BYTES = 1 << 16;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int start;
    private int end;
    private boolean ended;
    private long position;

    Source(InputStream in) {
        this.in = in;
    }

    /** Buffers at least {@code count} octets (at most the buffer's size) unless the file ends first; says if it did. */
    boolean fill(int count) throws IOException {
        if (end - start >= count) {
            return true;
        }
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        while (end < count && !ended) {
            int n = in.read(buffer, end, buffer.length - end);
            if (n < 0) {
                ended = true;
            } else {
                end += n;
            }
        }
        return end - start >= count;
    }

    /** Octets buffered now, from {@link #offset()} in {@link #array()}. */
    int buffered() {
        return end - start;
    }

    byte[] array() {
        return buffer;
    }

    int offset() {
        return start;
    }

    /** The octet {@code index} places ahead, which {@link #fill} made available. */
    int peek(int index) {
        return buffer[start + index] & 0xFF;
    }

    /** How many octets of the file were consumed. */
    long position() {
        return position;
    }

    boolean atEnd() throws IOException {
        return !fill(1);
    }

    byte[] readExactly(int count) throws IOException, UnreadableMedia {
        byte[] bytes = new byte[count];
        int done = 0;
        while (done < count) {
            if (!fill(1)) {
                throw new UnreadableMedia("the file ends too soon");
            }
            int n = Math.min(count - done, end - start);
            System.arraycopy(buffer, start, bytes, done, n);
            consume(n);
            done += n;
        }
        return bytes;
    }

    /** Copies {@code count} octets to {@code out}; a file that ends first is unreadable. */
    void copy(long count, OutputStream out) throws IOException, UnreadableMedia {
        transfer(count, out);
    }

    /** Skips {@code count} octets; a file that ends first is unreadable. */
    void skip(long count) throws IOException, UnreadableMedia {
        transfer(count, null);
    }

    /** Copies everything left, or drops it if {@code out} is null. */
    void rest(OutputStream out) throws IOException {
        while (fill(1)) {
            if (out != null) {
                out.write(buffer, start, end - start);
            }
            consume(end - start);
        }
    }

    void consume(int count) {
        start += count;
        position += count;
    }

    private void transfer(long count, OutputStream out) throws IOException, UnreadableMedia {
        long left = count;
        while (left > 0) {
            if (!fill(1)) {
                throw new UnreadableMedia("the file ends too soon");
            }
            int n = (int) Math.min(left, end - start);
            if (out != null) {
                out.write(buffer, start, n);
            }
            consume(n);
            left -= n;
        }
    }

    /** {@code count} zeros, for what is blanked. */
    static void writeZeros(long count, OutputStream out) throws IOException {
        for (long left = count; left > 0; left -= ZEROS.length) {
            out.write(ZEROS, 0, (int) Math.min(left, ZEROS.length));
        }
    }

    private static final byte[] ZEROS = new byte[BUFFER_BYTES];
}
