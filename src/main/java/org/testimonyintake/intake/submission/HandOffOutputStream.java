package org.testimonyintake.intake.submission;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * An output stream whose writes reach the stream beneath on a thread of its own: the writer only copies into one of a
 * few buffers while that thread writes the ones before. With JavaScript off it lets an attachment's encryption run
 * beside the reading, parsing and hashing of the request, on the machine's other core: SEIPDv1's AES-CFB is sequential,
 * so this is the one way to split the work. Memory stays bounded: {@link #BUFFERS} buffers of {@link #BUFFER_BYTES}.
 * A failure of the stream beneath surfaces in a later write or in {@link #close}.
 */
public final class HandOffOutputStream extends OutputStream {
    private static final int BUFFERS = 4;
    private static final int BUFFER_BYTES = 1 << 16;

    private record Filled(byte[] bytes, int length) {
    }

    private static final Filled END = new Filled(new byte[0], 0);

    private final OutputStream out;
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    /** Room for every buffer and the end: putting the end never waits. */
    private final BlockingQueue<Filled> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final Thread writer;
    private volatile Throwable failure;
    private byte[] buffer;
    private int length;
    private boolean closed;

    public HandOffOutputStream(OutputStream out, String threadName) {
        this.out = out;
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[BUFFER_BYTES]);
        }
        writer = new Thread(this::writeFilled, threadName);
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int count) throws IOException {
        requireOpen();
        while (count > 0) {
            if (buffer == null) {
                buffer = waitFor(free);
            }
            int n = Math.min(count, buffer.length - length);
            System.arraycopy(bytes, offset, buffer, length, n);
            length += n;
            offset += n;
            count -= n;
            if (length == buffer.length) {
                handOff();
            }
        }
    }

    /** Hands on what is buffered; it reaches the stream beneath soon, not before this returns. */
    @Override
    public void flush() throws IOException {
        requireOpen();
        if (length > 0) {
            handOff();
        }
    }

    /**
     * Waits until every write reached the stream beneath, then closes it; after a failure it only stops the thread.
     * Always called (try-with-resources), so the thread never outlives the request.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (length > 0) {
                filled.put(new Filled(buffer, length));
            }
            filled.put(END);
            writer.join();
        } catch (InterruptedException e) {
            writer.interrupt();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while finishing the writes");
        }
        rethrowFailure();
        out.close();
    }

    private void handOff() throws IOException {
        try {
            filled.put(new Filled(buffer, length));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
        buffer = null;
        length = 0;
        rethrowFailure();
    }

    /** The thread: writes each filled buffer and gives it back; after a failure it only gives them back. */
    private void writeFilled() {
        try {
            for (Filled next; (next = filled.take()) != END; ) {
                if (failure == null) {
                    try {
                        out.write(next.bytes(), 0, next.length());
                    } catch (Throwable e) { // whatever it is, the writer must learn of it rather than wait for a buffer
                        failure = e;
                    }
                }
                free.put(next.bytes());
            }
        } catch (InterruptedException e) {
            failure = e;
        }
    }

    private void requireOpen() throws IOException {
        if (closed) {
            throw new IOException("the stream is closed");
        }
        rethrowFailure();
    }

    /** A new exception each time: one thrown by a write and again by close must not be suppressed by itself. */
    private void rethrowFailure() throws IOException {
        if (failure != null) {
            throw new IOException("writing on the hand-off thread failed", failure);
        }
    }

    private static byte[] waitFor(BlockingQueue<byte[]> queue) throws InterruptedIOException {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
    }
}
