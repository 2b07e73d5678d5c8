package org.testimonyintake.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The PostgreSQL database of the second store engine (deploy/postgresql/README.md): all of its SQL is here, as
 * {@link Database} has SQLite's. The ciphertext is in 1 MiB bytea rows of part_chunks; a submission's chunks and rows
 * are written in one transaction on one pooled connection ({@link Receiving}), acknowledged once its COMMIT returned
 * under synchronous_commit = remote_apply, so a crash of the server at any point leaves either all of it or nothing.
 */
final class PostgresDatabase implements AutoCloseable {
    static final int SCHEMA_VERSION = 1;
    /** The largest chunk row: big enough that per-row overhead vanishes, small enough to hold a few in memory. */
    static final int CHUNK_SIZE = 1024 * 1024;

    /** Exactly the fields of FORMAT.md section 6, and the ciphertext. No serial, no time. */
    private static final List<String> SCHEMA = List.of("""
            CREATE TABLE schema_version (version integer NOT NULL)""", """
            CREATE TABLE submissions (
                id           text NOT NULL PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
                received     date NOT NULL,
                encrypted_by text NOT NULL CHECK (encrypted_by IN ('browser', 'server')),
                subkey       text NOT NULL CHECK (subkey ~ '^[0-9A-F]{16}$')
            )""", """
            CREATE TABLE parts (
                submission_id text   NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
                name          text   NOT NULL,
                size          bigint NOT NULL CHECK (size >= 0),
                PRIMARY KEY (submission_id, name)
            )""", """
            CREATE TABLE part_chunks (
                submission_id text    NOT NULL,
                name          text    NOT NULL,
                number        integer NOT NULL CHECK (number >= 0),
                octets        bytea   NOT NULL CHECK (length(octets) <= 1048576),
                PRIMARY KEY (submission_id, name, number),
                FOREIGN KEY (submission_id, name) REFERENCES parts ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
            )""",
            // Ciphertext does not compress: out of line without trying pglz.
            "ALTER TABLE part_chunks ALTER COLUMN octets SET STORAGE EXTERNAL");

    /** Settings that would keep times or statements: the store refuses a server that has them on. */
    private static final Map<String, String> REQUIRED_SETTINGS = Map.of(
            "track_commit_timestamp", "off",
            "log_statement", "none",
            "log_connections", "off",
            "log_disconnections", "off",
            "log_min_duration_statement", "-1");

    private final HikariDataSource pool;
    private final Jdbi jdbi;

    private PostgresDatabase(HikariDataSource pool) {
        this.pool = pool;
        this.jdbi = Jdbi.create(pool);
    }

    /**
     * Opens a pool to the database, refuses a server that keeps commit times or logs statements, and creates the
     * schema in an empty database.
     *
     * @param maxInFlight the pool size: how many submissions may be received at once
     */
    static PostgresDatabase open(String jdbcUrl, String user, String password, int maxInFlight) throws IOException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(maxInFlight);
        config.setPoolName("submission-store");
        // Every transaction of a connection waits until the synchronous standby has applied its commit.
        config.setConnectionInitSql("SET synchronous_commit = remote_apply");
        // The pool starts even while the database is unreachable and reconnects when it is back; open() itself still
        // needs it for the checks below.
        config.setInitializationFailTimeout(-1);
        HikariDataSource pool = new HikariDataSource(config);
        PostgresDatabase database = new PostgresDatabase(pool);
        try {
            database.checkSettings();
            database.createOrCheckSchema();
            return database;
        } catch (IOException | RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private void checkSettings() throws IOException {
        Map<String, String> actual = new HashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("SELECT name, setting FROM pg_settings WHERE name IN (<names>)")
                .bindList("names", List.copyOf(REQUIRED_SETTINGS.keySet()))
                .map((row, context) -> Map.entry(row.getString("name"), row.getString("setting")))
                .forEach(entry -> actual.put(entry.getKey(), entry.getValue())));
        for (Map.Entry<String, String> required : REQUIRED_SETTINGS.entrySet()) {
            if (!required.getValue().equals(actual.get(required.getKey()))) {
                throw new IOException("the database server must run with " + required.getKey() + " = "
                        + required.getValue() + " (it keeps times or statements otherwise)");
            }
        }
    }

    private void createOrCheckSchema() throws IOException {
        Integer version = jdbi.inTransaction(handle -> {
            handle.execute("SELECT pg_advisory_xact_lock(1)"); // two backends starting at once create it once
            boolean exists = handle.createQuery("SELECT to_regclass('schema_version') IS NOT NULL")
                    .mapTo(boolean.class).one();
            if (!exists) {
                SCHEMA.forEach(handle::execute);
                handle.execute("INSERT INTO schema_version VALUES (?)", SCHEMA_VERSION);
            }
            return handle.createQuery("SELECT version FROM schema_version").mapTo(Integer.class).one();
        });
        if (version != SCHEMA_VERSION) {
            throw new IOException("the database has schema version " + version + ", this server knows "
                    + SCHEMA_VERSION);
        }
    }

    /** Starts the transaction of one submission; it holds a pooled connection until commit or close. */
    Receiving begin() {
        Handle handle = jdbi.open();
        try {
            handle.begin();
            return new Receiving(handle);
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    /** One submission's transaction: chunks as they come, then its rows and the commit. */
    static final class Receiving implements AutoCloseable {
        private final Handle handle;
        private boolean committed;

        private Receiving(Handle handle) {
            this.handle = handle;
        }

        void writeChunk(String submissionId, String name, int number, byte[] octets, int length) {
            byte[] chunk = length == octets.length ? octets : Arrays.copyOf(octets, length);
            handle.createUpdate("INSERT INTO part_chunks (submission_id, name, number, octets) "
                            + "VALUES (:id, :name, :number, :octets)")
                    .bind("id", submissionId).bind("name", name).bind("number", number).bind("octets", chunk)
                    .execute();
        }

        /** Inserts the rows and commits: when this returns, the submission is durable on primary and standby. */
        void commit(StoredSubmission submission) {
            handle.createUpdate("INSERT INTO submissions (id, received, encrypted_by, subkey) "
                            + "VALUES (:id, :received, :encryptedBy, :subkey)")
                    .bind("id", submission.id()).bind("received", submission.received())
                    .bind("encryptedBy", submission.encryptedBy()).bind("subkey", submission.subkey())
                    .execute();
            PreparedBatch parts = handle.prepareBatch(
                    "INSERT INTO parts (submission_id, name, size) VALUES (:id, :name, :size)");
            for (Part part : submission.parts()) {
                parts.bind("id", submission.id()).bind("name", part.name()).bind("size", part.size()).add();
            }
            parts.execute();
            handle.commit();
            committed = true;
        }

        /** Without a commit, rolls everything back; returns the connection to the pool. */
        @Override
        public void close() {
            try {
                if (!committed && handle.isInTransaction()) {
                    handle.rollback();
                }
            } finally {
                handle.close();
            }
        }
    }

    /** Every stored submission, oldest date first, by id within a date; parts in bundle order. */
    List<StoredSubmission> submissions() {
        return jdbi.withHandle(handle -> {
            Map<String, List<Part>> partsById = new HashMap<>();
            handle.createQuery("SELECT submission_id, name, size FROM parts")
                    .map((row, context) -> Map.entry(row.getString("submission_id"),
                            new Part(row.getString("name"), row.getLong("size"))))
                    .forEach(entry -> partsById.computeIfAbsent(entry.getKey(), id -> new ArrayList<>())
                            .add(entry.getValue()));
            return handle.createQuery("SELECT id, received, encrypted_by, subkey FROM submissions "
                            + "ORDER BY received, id")
                    .map((row, context) -> {
                        String id = row.getString("id");
                        List<Part> parts = partsById.getOrDefault(id, new ArrayList<>());
                        parts.sort(SubmissionFields.PART_ORDER);
                        return new StoredSubmission(id, row.getDate("received").toLocalDate(),
                                row.getString("encrypted_by"), row.getString("subkey"), parts);
                    })
                    .list();
        });
    }

    /** Copies a part's ciphertext chunk by chunk: memory holds one chunk row at a time. */
    long copyPart(String submissionId, String name, OutputStream out) throws IOException {
        try (Handle handle = jdbi.open()) {
            // pgjdbc streams a result only inside a transaction with a fetch size; otherwise it loads all rows.
            handle.begin();
            long copied = 0;
            try {
                for (byte[] chunk : handle.createQuery("SELECT octets FROM part_chunks WHERE submission_id = :id "
                                + "AND name = :name ORDER BY number")
                        .bind("id", submissionId).bind("name", name).setFetchSize(1).mapTo(byte[].class)) {
                    out.write(chunk);
                    copied += chunk.length;
                }
            } finally {
                handle.rollback();
            }
            return copied;
        }
    }

    /** Deletes the submissions; their parts and chunks go with them (ON DELETE CASCADE). */
    int delete(List<String> ids) {
        return jdbi.inTransaction(handle -> {
            PreparedBatch deletions = handle.prepareBatch("DELETE FROM submissions WHERE id = :id");
            ids.forEach(id -> deletions.bind("id", id).add());
            return Arrays.stream(deletions.execute()).sum();
        });
    }

    @Override
    public void close() {
        pool.close();
    }
}
