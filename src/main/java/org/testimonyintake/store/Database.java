package org.testimonyintake.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The SQLite database: all of the store's SQL is here. One connection, used by one thread at a time (the caller
 * ensures it: {@link DatabaseWorker}); keeping it open also keeps SQLite from checkpointing on every close.
 */
final class Database implements AutoCloseable {
    /** PRAGMA user_version of the schema below. A later version migrates from this one (PostgreSQL may follow). */
    static final int SCHEMA_VERSION = 1;

    /**
     * Exactly the fields of FORMAT.md section 6. No row id: WITHOUT ROWID tables are kept in id order, so not even
     * the order of arrival within a day is stored. Dates are TEXT 'YYYY-MM-DD' (UTC); a DATE column elsewhere.
     */
    private static final List<String> SCHEMA = List.of("""
            CREATE TABLE submissions (
                id           TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 32 AND id NOT GLOB '*[^0-9a-f]*'),
                received     TEXT NOT NULL CHECK (received GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                encrypted_by TEXT NOT NULL CHECK (encrypted_by IN ('browser', 'server')),
                subkey       TEXT NOT NULL CHECK (length(subkey) = 16 AND subkey NOT GLOB '*[^0-9A-F]*')
            ) STRICT, WITHOUT ROWID""", """
            CREATE TABLE parts (
                submission_id TEXT    NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
                name          TEXT    NOT NULL,
                size          INTEGER NOT NULL CHECK (size >= 0),
                PRIMARY KEY (submission_id, name)
            ) STRICT, WITHOUT ROWID""");

    private static final String INSERT_SUBMISSION = """
            INSERT INTO submissions (id, received, encrypted_by, subkey)
            VALUES (:id, :received, :encryptedBy, :subkey)""";
    private static final String INSERT_PART = """
            INSERT INTO parts (submission_id, name, size) VALUES (:submissionId, :name, :size)""";
    private static final String SELECT_SUBMISSIONS = """
            SELECT id, received, encrypted_by, subkey FROM submissions ORDER BY received, id""";
    private static final String SELECT_PARTS = "SELECT submission_id, name, size FROM parts";
    private static final String DELETE_SUBMISSION = "DELETE FROM submissions WHERE id = :id";

    private final Handle handle;

    private Database(Handle handle) {
        this.handle = handle;
    }

    static Database open(Path file) throws IOException {
        Handle handle = Jdbi.create("jdbc:sqlite:" + file).open();
        try {
            configure(handle);
            createOrCheckSchema(handle);
            return new Database(handle);
        } catch (IOException | RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    private static void configure(Handle handle) throws IOException {
        // Before anything writes the database header, which the WAL switch does: later it would need a VACUUM.
        handle.execute("PRAGMA auto_vacuum = FULL");
        String journalMode = handle.createQuery("PRAGMA journal_mode = WAL").mapTo(String.class).one();
        if (!"wal".equals(journalMode)) {
            throw new IOException("the database cannot use write-ahead logging here");
        }
        // With WAL, FULL syncs the log on every commit: nothing acknowledged is lost on power failure.
        handle.execute("PRAGMA synchronous = FULL");
        handle.execute("PRAGMA secure_delete = ON");
        handle.execute("PRAGMA foreign_keys = ON");
        // Sorting and VACUUM would otherwise write rows to files in the system's temporary directory.
        handle.execute("PRAGMA temp_store = MEMORY");
        // An export may run beside the server: each waits for the other's short write transactions.
        handle.execute("PRAGMA busy_timeout = 30000");
    }

    private static void createOrCheckSchema(Handle handle) throws IOException {
        int version = handle.createQuery("PRAGMA user_version").mapTo(int.class).one();
        if (version == SCHEMA_VERSION) {
            return;
        }
        int tables = handle.createQuery("SELECT count(*) FROM sqlite_schema").mapTo(int.class).one();
        if (version != 0 || tables != 0) {
            throw new IOException("the database has schema version " + version + ", this server knows "
                    + SCHEMA_VERSION);
        }
        handle.useTransaction(transaction -> {
            SCHEMA.forEach(transaction::execute);
            transaction.execute("PRAGMA user_version = " + SCHEMA_VERSION);
        });
    }

    /** Inserts the submissions and their parts in one transaction: when it returns, they are durable. */
    void insert(List<StoredSubmission> submissions) {
        handle.useTransaction(transaction -> {
            PreparedBatch submissionRows = transaction.prepareBatch(INSERT_SUBMISSION);
            PreparedBatch partRows = transaction.prepareBatch(INSERT_PART);
            for (StoredSubmission submission : submissions) {
                submissionRows.bind("id", submission.id())
                        .bind("received", submission.received().toString())
                        .bind("encryptedBy", submission.encryptedBy())
                        .bind("subkey", submission.subkey())
                        .add();
                for (Part part : submission.parts()) {
                    partRows.bind("submissionId", submission.id())
                            .bind("name", part.name())
                            .bind("size", part.size())
                            .add();
                }
            }
            submissionRows.execute();
            partRows.execute();
        });
    }

    /** Every stored submission, oldest date first, by id within a date. */
    List<StoredSubmission> submissions() {
        Map<String, List<Part>> partsById = new HashMap<>();
        handle.createQuery(SELECT_PARTS)
                .map((row, context) -> Map.entry(row.getString("submission_id"),
                        new Part(row.getString("name"), row.getLong("size"))))
                .forEach(entry -> partsById.computeIfAbsent(entry.getKey(), id -> new ArrayList<>())
                        .add(entry.getValue()));
        return handle.createQuery(SELECT_SUBMISSIONS)
                .map((row, context) -> {
                    String id = row.getString("id");
                    List<Part> parts = partsById.getOrDefault(id, List.of());
                    parts.sort(SubmissionFields.PART_ORDER);
                    return new StoredSubmission(id, LocalDate.parse(row.getString("received")),
                            row.getString("encrypted_by"), row.getString("subkey"), parts);
                })
                .list();
    }

    /**
     * Deletes the submissions and their parts, then leaves no trace of them in the files: secure_delete zeroes the
     * deleted cells, VACUUM rebuilds the B-tree pages that may still hold deleted ids as dividers, and the TRUNCATE
     * checkpoint empties the write-ahead log, which still holds the pages as they were before.
     *
     * @return how many submissions were deleted
     */
    int delete(List<String> ids) {
        int deleted = handle.inTransaction(transaction -> {
            PreparedBatch deletions = transaction.prepareBatch(DELETE_SUBMISSION);
            ids.forEach(id -> deletions.bind("id", id).add());
            return Arrays.stream(deletions.execute()).sum();
        });
        handle.execute("VACUUM");
        handle.createQuery("PRAGMA wal_checkpoint(TRUNCATE)").mapToMap().one();
        return deleted;
    }

    /** The value of a PRAGMA on this connection, for checks. */
    String pragma(String name) {
        return handle.createQuery("PRAGMA " + name).mapTo(String.class).one();
    }

    @Override
    public void close() {
        handle.close();
    }
}
