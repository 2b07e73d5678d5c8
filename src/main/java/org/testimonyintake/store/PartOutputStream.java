package org.testimonyintake.store;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes one part to a temporary name; {@link #close} makes it durable and renames it to its part name, so a part
 * file under its own name is always complete.
 *
 * <p>A part that outgrows one buffer (an attachment) bypasses the page cache: each full buffer is written with
 * O_DIRECT by a thread of the part's own while the caller fills the next, and only the short last one goes through
 * the page cache. The server never reads a part back while it runs, so caching one only cost: every octet copied
 * into pages freshly taken (on a virtual machine the host may have to supply each), then all of them written back by
 * the final fsync, which waited for the whole file. Now the disk writes while the part arrives, and the fsync finds
 * the tail and the metadata. What is durable at {@link #close} is unchanged. Where the file system refuses O_DIRECT,
 * every buffer goes through the page cache as before.
 */
final class PartOutputStream extends OutputStream {
    /** One direct write: a multiple of any file system's block size. */
    private static final int BUFFER_BYTES = 256 * 1024;
    /** Buffers of a large part: one being filled, one being written, one waiting. */
    private static final int BUFFERS = 3;
    /** A small part (a testimony) starts in this much memory; the buffer grows to {@link #BUFFER_BYTES}. */
    private static final int FIRST_BUFFER_BYTES = 16 * 1024;

    private final Path temporary;
    private final Path target;
    private final LocalDate received;
    private final FileChannel channel;
    private byte[] buffer = new byte[FIRST_BUFFER_BYTES];
    private int filled;
    /** Octets in the file or on their way there: where the buffer starts. */
    private long written;
    /** Once the part outgrew one buffer: the thread that writes full buffers, unless O_DIRECT was refused. */
    private DirectWriter directWriter;
    /** O_DIRECT was refused, or the part was flushed before its end: every buffer goes through the page cache. */
    private boolean pageCacheOnly;
    private long size;
    private boolean open = true;
    private boolean complete;

    private PartOutputStream(Path temporary, Path target, LocalDate received, FileChannel channel) {
        this.temporary = temporary;
        this.target = target;
        this.received = received;
        this.channel = channel;
    }

    static PartOutputStream create(Path directory, String name, LocalDate received) throws IOException {
        Path temporary = directory.resolve(name + DataDirectory.PARTIAL_SUFFIX);
        try {
            return new PartOutputStream(temporary, directory.resolve(name), received,
                    DataDirectory.createOwnerOnlyFile(temporary));
        } catch (IOException e) {
            throw StoreFullException.ifFull(e, directory);
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (!open) {
            throw new IOException("the part is closed");
        }
        try {
            while (length > 0) {
                if (filled == buffer.length) {
                    if (buffer.length < BUFFER_BYTES) {
                        buffer = Arrays.copyOf(buffer, Math.min(2 * buffer.length, BUFFER_BYTES));
                    } else {
                        writeFullBuffer();
                    }
                }
                int n = Math.min(length, buffer.length - filled);
                System.arraycopy(bytes, offset, buffer, filled, n);
                filled += n;
                offset += n;
                length -= n;
                size += n;
            }
        } catch (IOException e) {
            throw abandonAfter(e); // a part that lost a write is never renamed into place, whoever closes it later
        }
    }

    /**
     * Puts what is buffered into the file, through the page cache. The file then ends where no direct write may
     * start, so a part flushed before its end goes on through the page cache.
     */
    @Override
    public void flush() throws IOException {
        if (!open || filled == 0) {
            return;
        }
        try {
            if (directWriter != null) {
                directWriter.finish();
            }
            pageCacheOnly = true;
            writeThroughPageCache(buffer, filled);
            filled = 0;
        } catch (IOException e) {
            throw abandonAfter(e);
        }
    }

    /** Dates the file, syncs data and date together, then renames it into place. */
    @Override
    public void close() throws IOException {
        if (!open) {
            return;
        }
        try {
            if (directWriter != null) {
                directWriter.finish();
            }
            writeThroughPageCache(buffer, filled);
        } catch (IOException e) {
            throw abandonAfter(e);
        }
        open = false;
        try {
            try (channel) {
                DataDirectory.stamp(temporary, received);
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw StoreFullException.ifFull(e, temporary.getParent());
        }
        complete = true;
    }

    /** Closes the file without completing the part; the submission's directory is deleted next. */
    void abandon() throws IOException {
        open = false;
        try {
            if (directWriter != null) {
                directWriter.stop();
            }
        } finally {
            channel.close();
        }
    }

    private IOException abandonAfter(IOException failure) {
        try {
            abandon();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
        return StoreFullException.ifFull(failure, temporary.getParent());
    }

    boolean isComplete() {
        return complete;
    }

    long size() {
        return size;
    }

    private void writeFullBuffer() throws IOException {
        if (directWriter == null && !pageCacheOnly) {
            directWriter = DirectWriter.open(temporary, channel);
            pageCacheOnly = directWriter == null;
        }
        if (pageCacheOnly) {
            writeThroughPageCache(buffer, filled);
        } else {
            buffer = directWriter.handOff(buffer, written);
            written += BUFFER_BYTES;
        }
        filled = 0;
    }

    private void writeThroughPageCache(byte[] octets, int length) throws IOException {
        ByteBuffer remaining = ByteBuffer.wrap(octets, 0, length);
        while (remaining.hasRemaining()) {
            channel.write(remaining, written + remaining.position());
        }
        written += length;
    }

    /**
     * The thread that writes a large part's full buffers with O_DIRECT, each at its place in the file, from one
     * buffer outside the heap aligned as O_DIRECT requires. A direct write that fails is made again through the page
     * cache, and so is every later one: a file system may take O_DIRECT and still refuse a write, and a nearly full
     * one refuses a direct write of a whole buffer where the page cache still fills the last free pages, as before.
     * A failure there surfaces in the caller's next hand-off or in {@link #finish}; after one the thread only gives
     * the buffers back.
     */
    private static final class DirectWriter {
        private record Filled(byte[] octets, long position) {
        }

        private static final Filled END = new Filled(new byte[0], -1);

        private final FileChannel direct;
        private final FileChannel pageCache;
        private final Path directory;
        private final ByteBuffer aligned;
        private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
        /** Room for every buffer and the end: putting the end never waits. */
        private final BlockingQueue<Filled> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
        private final Thread thread;
        private volatile IOException failure;
        private volatile boolean stopped;
        private boolean directFailed;

        private DirectWriter(FileChannel direct, FileChannel pageCache, Path directory, int alignment) {
            this.direct = direct;
            this.pageCache = pageCache;
            this.directory = directory;
            this.aligned = ByteBuffer.allocateDirect(BUFFER_BYTES + alignment).alignedSlice(alignment);
            for (int i = 1; i < BUFFERS; i++) { // the caller holds the other one
                free.add(new byte[BUFFER_BYTES]);
            }
            thread = new Thread(this::writeFilled, "part-writer");
            thread.setDaemon(true);
            thread.start();
        }

        /** A writer for {@code file}, open as {@code pageCache} too; null where its file system refuses O_DIRECT. */
        static DirectWriter open(Path file, FileChannel pageCache) {
            FileChannel direct = null;
            try {
                long alignment = Files.getFileStore(file).getBlockSize();
                if (alignment > BUFFER_BYTES || BUFFER_BYTES % alignment != 0) {
                    return null;
                }
                direct = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
                return new DirectWriter(direct, pageCache, file.getParent(), (int) alignment);
            } catch (IOException | UnsupportedOperationException refused) {
                closeQuietly(direct);
                return null;
            }
        }

        /** Queues a full buffer for the file at {@code position}; returns an empty one. */
        byte[] handOff(byte[] full, long position) throws IOException {
            rethrowFailure();
            try {
                filled.put(new Filled(full, position));
                return free.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing a part");
            }
        }

        /** Waits until every queued buffer is in the file. */
        void finish() throws IOException {
            end();
            rethrowFailure();
        }

        /** Lets the buffer being written finish, writes no other, and waits for the thread. */
        void stop() throws IOException {
            stopped = true;
            end();
        }

        /** The end goes in even if this thread is interrupted: the writer then stops by itself. */
        private void end() throws IOException {
            filled.offer(END);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing a part");
            } finally {
                direct.close();
            }
        }

        private void writeFilled() {
            try {
                for (Filled next; (next = filled.take()) != END; ) {
                    if (failure == null && !stopped) {
                        write(next);
                    }
                    free.put(next.octets());
                }
            } catch (InterruptedException e) {
                failure = new InterruptedIOException("interrupted while writing a part");
            }
        }

        private void write(Filled next) {
            if (!directFailed) {
                try {
                    aligned.clear().put(next.octets()).flip();
                    while (aligned.hasRemaining()) {
                        direct.write(aligned, next.position() + aligned.position());
                    }
                    return;
                } catch (IOException e) {
                    directFailed = true;
                }
            }
            try {
                ByteBuffer octets = ByteBuffer.wrap(next.octets());
                while (octets.hasRemaining()) {
                    pageCache.write(octets, next.position() + octets.position());
                }
            } catch (IOException e) {
                // Told apart now: by the time the caller learns of it, other parts may have freed their space.
                failure = StoreFullException.ifFull(e, directory);
            }
        }

        /** A new exception each time, with the thread's as its cause. */
        private void rethrowFailure() throws IOException {
            if (failure instanceof StoreFullException full) {
                throw new StoreFullException(full.getCause());
            }
            if (failure != null) {
                throw new IOException("writing the part failed", failure);
            }
        }

        private static void closeQuietly(FileChannel channel) {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                // it was never written to
            }
        }
    }
}
