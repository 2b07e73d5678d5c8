package org.testimonyintake.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;

/**
 * Writes one part to a temporary name; {@link #close} makes it durable and renames it to its part name, so a part
 * file under its own name is always complete.
 */
final class PartOutputStream extends OutputStream {
    private final Path temporary;
    private final Path target;
    private final LocalDate received;
    private final FileChannel channel;
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
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            abandon(); // a part that lost a write is never renamed into place, whoever closes it later
            throw StoreFullException.ifFull(e, temporary.getParent());
        }
        size += length;
    }

    /** Dates the file, syncs data and date together, then renames it into place. */
    @Override
    public void close() throws IOException {
        if (!open) {
            return;
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
        channel.close();
    }

    boolean isComplete() {
        return complete;
    }

    long size() {
        return size;
    }
}
