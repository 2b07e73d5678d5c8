package org.testimonyintake.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A submission being received by the {@link SqliteSubmissionStore}: its parts are written to incoming/&lt;id&gt;/ and
 * become stored only on {@link #commit}.
 */
final class IncomingSubmission implements NewSubmission {
    private static final Logger LOG = LoggerFactory.getLogger(IncomingSubmission.class);

    private enum State { RECEIVING, COMMITTED, UNKNOWN_OUTCOME, ABORTED }

    private final SqliteSubmissionStore store;
    private final String id;
    private final LocalDate received;
    private final Path directory;
    private final Map<String, PartOutputStream> parts = new LinkedHashMap<>();
    private State state = State.RECEIVING;

    IncomingSubmission(SqliteSubmissionStore store, String id, LocalDate received, Path directory) {
        this.store = store;
        this.id = id;
        this.received = received;
        this.directory = directory;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public OutputStream createPart(String name) throws IOException {
        SubmissionFields.requirePartName(name);
        requireReceiving();
        if (parts.containsKey(name)) {
            throw new IllegalStateException("the part " + name + " was already created");
        }
        PartOutputStream part = PartOutputStream.create(directory, name, received);
        parts.put(name, part);
        return part; // it buffers itself
    }

    @Override
    public void commit(String encryptedBy, String subkeyKeyId) throws IOException {
        SubmissionFields.requireEncryptedBy(encryptedBy);
        SubmissionFields.requireSubkey(subkeyKeyId);
        requireReceiving();
        if (!parts.containsKey(SubmissionFields.TESTIMONY_PART)) {
            throw new IllegalStateException("a submission needs its testimony part");
        }
        if (!parts.values().stream().allMatch(PartOutputStream::isComplete)) {
            throw new IllegalStateException("every part must be closed before the commit");
        }
        List<Part> storedParts = parts.entrySet().stream()
                .map(part -> new Part(part.getKey(), part.getValue().size()))
                .sorted(SubmissionFields.PART_ORDER)
                .toList();
        DataDirectory.stamp(directory, received);
        DataDirectory.syncDirectory(directory);
        try {
            store.commit(new StoredSubmission(id, received, encryptedBy, subkeyKeyId, storedParts));
            state = State.COMMITTED;
        } catch (IllegalStateException | StoreFullException notCommitted) {
            throw notCommitted; // nothing was stored: close() deletes the files
        } catch (IOException | RuntimeException e) {
            state = State.UNKNOWN_OUTCOME;
            throw e;
        }
    }

    @Override
    public void close() {
        if (state != State.RECEIVING) {
            return;
        }
        state = State.ABORTED;
        try {
            for (PartOutputStream part : parts.values()) {
                part.abandon();
            }
            DataDirectory.deleteTree(directory);
            store.stampLayout();
        } catch (IOException e) {
            // Nothing is lost and nothing is stored: open() deletes what is left. No id, as in every log line
            // written while submissions arrive.
            LOG.warn("an aborted submission could not be deleted now ({}); the next open deletes it",
                    e.getClass().getSimpleName());
        }
    }

    private void requireReceiving() {
        if (state != State.RECEIVING) {
            throw new IllegalStateException("the submission no longer takes parts or commits");
        }
    }
}
