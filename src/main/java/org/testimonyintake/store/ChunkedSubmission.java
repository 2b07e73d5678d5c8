package org.testimonyintake.store;

import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.JdbiException;

/**
 * A submission being received by the {@link PostgresSubmissionStore}: its parts are cut into chunk rows. While all of
 * them fit in one chunk's worth of memory they stay there and are committed in a group; beyond that, they go into a
 * transaction of the submission's own as they fill, so memory stays bounded whatever the size.
 */
final class ChunkedSubmission implements NewSubmission {
    private enum State { RECEIVING, COMMITTED, UNKNOWN_OUTCOME, ABORTED }

    private final PostgresSubmissionStore store;
    private final String id;
    private final LocalDate received;
    private final Map<String, ChunkedPart> parts = new LinkedHashMap<>();
    /** Chunks not yet written to the database. */
    private final List<PostgresDatabase.Chunk> held = new ArrayList<>();
    private long heldBytes;
    /** Opened once the held chunks would exceed one chunk's size. */
    private PostgresDatabase.Receiving transaction;
    private State state = State.RECEIVING;

    ChunkedSubmission(PostgresSubmissionStore store, String id, LocalDate received) {
        this.store = store;
        this.id = id;
        this.received = received;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public OutputStream createPart(String name) {
        SubmissionFields.requirePartName(name);
        requireReceiving();
        if (parts.containsKey(name)) {
            throw new IllegalStateException("the part " + name + " was already created");
        }
        ChunkedPart part = new ChunkedPart(name);
        parts.put(name, part);
        return part;
    }

    @Override
    public void commit(String encryptedBy, String subkeyKeyId) throws IOException {
        SubmissionFields.requireEncryptedBy(encryptedBy);
        SubmissionFields.requireSubkey(subkeyKeyId);
        requireReceiving();
        if (!parts.containsKey(SubmissionFields.TESTIMONY_PART)) {
            throw new IllegalStateException("a submission needs its testimony part");
        }
        if (!parts.values().stream().allMatch(part -> part.complete)) {
            throw new IllegalStateException("every part must be closed before the commit");
        }
        List<Part> storedParts = parts.values().stream()
                .map(part -> new Part(part.name, part.size))
                .sorted(SubmissionFields.PART_ORDER)
                .toList();
        StoredSubmission submission = new StoredSubmission(id, received, encryptedBy, subkeyKeyId, storedParts);
        try {
            if (transaction == null) {
                store.commitSmall(new PostgresDatabase.Small(submission, List.copyOf(held)));
            } else {
                writeHeld();
                transaction.commit(submission);
            }
            state = State.COMMITTED;
        } catch (IllegalStateException storeClosed) {
            throw storeClosed; // nothing was attempted
        } catch (IOException | JdbiException e) {
            state = State.UNKNOWN_OUTCOME;
            throw e instanceof IOException io ? io : PostgresSubmissionStore.unavailable((JdbiException) e);
        } finally {
            held.clear();
        }
    }

    /** Without a commit, rolls back whatever was written; in any case gives the connection back. */
    @Override
    public void close() {
        if (state == State.RECEIVING) {
            state = State.ABORTED;
            held.clear();
        }
        if (transaction != null) {
            transaction.close();
            transaction = null;
        }
    }

    private void hold(PostgresDatabase.Chunk chunk) throws IOException {
        held.add(chunk);
        heldBytes += chunk.octets().length;
        if (heldBytes > PostgresDatabase.CHUNK_SIZE) {
            try {
                if (transaction == null) {
                    transaction = store.database().begin();
                }
                writeHeld();
            } catch (JdbiException e) {
                throw PostgresSubmissionStore.unavailable(e);
            }
        }
    }

    private void writeHeld() {
        for (PostgresDatabase.Chunk chunk : held) {
            transaction.writeChunk(id, chunk);
        }
        held.clear();
        heldBytes = 0;
    }

    private void requireReceiving() {
        if (state != State.RECEIVING) {
            throw new IllegalStateException("the submission no longer takes parts or commits");
        }
    }

    /** Buffers up to one chunk, growing as needed: a small part costs its size, not a whole chunk. */
    private final class ChunkedPart extends OutputStream {
        private static final int FIRST_BUFFER = 16 * 1024;

        private final String name;
        private byte[] buffer;
        private int filled;
        private int chunks;
        private long size;
        private boolean open = true;
        private boolean complete;

        ChunkedPart(String name) {
            this.name = name;
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
            requireReceiving();
            while (length > 0) {
                if (buffer == null) {
                    buffer = new byte[chunks == 0 ? FIRST_BUFFER : PostgresDatabase.CHUNK_SIZE];
                } else if (filled == buffer.length) {
                    if (buffer.length == PostgresDatabase.CHUNK_SIZE) {
                        cutChunk();
                        continue;
                    }
                    buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, PostgresDatabase.CHUNK_SIZE));
                }
                int copied = Math.min(length, buffer.length - filled);
                System.arraycopy(bytes, offset, buffer, filled, copied);
                filled += copied;
                offset += copied;
                length -= copied;
                size += copied;
            }
        }

        @Override
        public void close() throws IOException {
            if (!open) {
                return;
            }
            open = false;
            if (state != State.RECEIVING) {
                return; // the submission was closed first: nothing of it is kept
            }
            if (filled > 0) {
                cutChunk();
            }
            complete = true;
        }

        private void cutChunk() throws IOException {
            byte[] octets = filled == buffer.length ? buffer : Arrays.copyOf(buffer, filled);
            buffer = null;
            filled = 0;
            hold(new PostgresDatabase.Chunk(name, chunks++, octets));
        }
    }
}
