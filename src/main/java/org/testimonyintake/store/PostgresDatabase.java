package org.testimonyintake.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL database of {@link PostgresSubmissionStore} (deploy/postgresql/README.md): all of its SQL is here, as
 * {@link Database} has SQLite's. The ciphertext is in 1 MiB bytea rows of part_chunks. A submission's chunks and rows
 * are written in one transaction, either with other small submissions ({@link #insert}) or on a connection of its own
 * ({@link Receiving}), and acknowledged once its COMMIT returned under synchronous_commit = remote_apply, so a crash of
 * the server at any point leaves either all of it or nothing.
 */
final class PostgresDatabase implements AutoCloseable {
    /** Version 2 added the cases of returning sources ({@link #CASE_SCHEMA}). */
    static final int SCHEMA_VERSION = 2;
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
            "ALTER TABLE part_chunks ALTER COLUMN octets SET STORAGE EXTERNAL", """
            CREATE TABLE uploads (
                id         text    NOT NULL PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
                size       bigint  NOT NULL CHECK (size >= 0),
                last_chunk date    NOT NULL,
                claimed    boolean NOT NULL
            )""", """
            CREATE TABLE upload_chunks (
                upload_id text    NOT NULL REFERENCES uploads ON DELETE CASCADE,
                number    integer NOT NULL CHECK (number >= 0),
                octets    bytea   NOT NULL CHECK (length(octets) <= 1048576),
                PRIMARY KEY (upload_id, number)
            )""",
            "ALTER TABLE upload_chunks ALTER COLUMN octets SET STORAGE EXTERNAL");

    /**
     * Returning sources' cases and replies (FORMAT.md section 10.6), as in the SQLite file: dates only, no serial.
     * A link outlives neither its case nor, after the next cleanup, its submission (no foreign key to submissions:
     * a link is written after its submission's commit, which an export may already have deleted).
     */
    private static final List<String> CASE_SCHEMA = List.of("""
            CREATE TABLE cases (
                id            text    NOT NULL PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
                lookup_id     text    NOT NULL UNIQUE CHECK (lookup_id ~ '^[0-9a-f]{64}$'),
                reply_key     bytea   NOT NULL,
                claimed       boolean NOT NULL,
                last_activity date    NOT NULL
            )""", """
            CREATE TABLE case_submissions (
                submission_id text NOT NULL PRIMARY KEY CHECK (submission_id ~ '^[0-9a-f]{32}$'),
                case_id       text NOT NULL REFERENCES cases ON DELETE CASCADE
            )""", """
            CREATE TABLE replies (
                id         text NOT NULL PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
                case_id    text NOT NULL REFERENCES cases ON DELETE CASCADE,
                imported   date NOT NULL,
                first_read date
            )""", """
            CREATE TABLE reply_parts (
                reply_id text  NOT NULL REFERENCES replies ON DELETE CASCADE,
                name     text  NOT NULL,
                content  bytea NOT NULL,
                PRIMARY KEY (reply_id, name)
            )""",
            "ALTER TABLE reply_parts ALTER COLUMN content SET STORAGE EXTERNAL", """
            CREATE TABLE forgotten_cases (
                id        text NOT NULL PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
                forgotten date NOT NULL
            )""");

    /** Settings that would keep times or statements: the store refuses a server that has them on. */
    private static final Map<String, String> REQUIRED_SETTINGS = Map.of(
            "track_commit_timestamp", "off",
            "log_statement", "none",
            "log_connections", "off",
            "log_disconnections", "off",
            "log_min_duration_statement", "-1");

    private static final String INSERT_SUBMISSION = """
            INSERT INTO submissions (id, received, encrypted_by, subkey)
            VALUES (:id, :received, :encryptedBy, :subkey)""";
    private static final String INSERT_PART = "INSERT INTO parts (submission_id, name, size) VALUES (:id, :name, :size)";
    private static final String INSERT_CHUNK = """
            INSERT INTO part_chunks (submission_id, name, number, octets) VALUES (:id, :name, :number, :octets)""";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresDatabase.class);
    private static final long CONNECTION_TIMEOUT_MILLIS = 5_000;

    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private volatile boolean checked;

    private PostgresDatabase(HikariDataSource pool) {
        this.pool = pool;
        this.jdbi = Jdbi.create(pool);
    }

    /**
     * Opens a pool to the database. The pool starts even while the database is unreachable and reconnects when it
     * is back; the checks ({@link #ready}) run now if the database answers, otherwise before the first use.
     *
     * @param maxInFlight the pool size: how many submissions may be received at once
     * @param user null to take it from the URL
     * @throws IOException if the database answers and keeps commit times, logs statements or has another schema
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
        config.setInitializationFailTimeout(-1);
        // Otherwise a failed batch's message, which the pool logs, quotes its rows: ids, dates, subkeys.
        config.addDataSourceProperty("logServerErrorDetail", "false");
        // While the database is down, a request waits this long for a connection, then gets its 503.
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        HikariDataSource pool = new HikariDataSource(config);
        PostgresDatabase database = new PostgresDatabase(pool);
        try {
            database.ready();
        } catch (StoreUnavailableException unreachable) {
            LOG.warn("the database cannot be reached now; the store checks it once it answers");
        } catch (IOException | RuntimeException e) {
            pool.close();
            throw e;
        }
        return database;
    }

    /**
     * Checks once, on the first connection, that the server keeps no commit times or statements, and creates the
     * schema in an empty database or checks its version.
     *
     * @throws StoreUnavailableException if the database cannot be reached now
     * @throws IOException if it must not be used
     */
    void ready() throws IOException {
        if (checked) {
            return;
        }
        synchronized (this) {
            if (checked) {
                return;
            }
            try {
                checkSettings();
                createOrCheckSchema();
            } catch (JdbiException e) {
                throw new StoreUnavailableException("the database cannot be reached", e);
            }
            checked = true;
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
                handle.execute("INSERT INTO schema_version VALUES (1)");
            }
            int found = handle.createQuery("SELECT version FROM schema_version").mapTo(Integer.class).one();
            if (found == 1) {
                CASE_SCHEMA.forEach(handle::execute);
                handle.execute("UPDATE schema_version SET version = 2");
                return 2;
            }
            return found;
        });
        if (version != SCHEMA_VERSION) {
            throw new IOException("the database has schema version " + version + ", this server knows "
                    + SCHEMA_VERSION);
        }
    }

    /** One chunk row of a part: at most {@link #CHUNK_SIZE} octets, numbered from 0. */
    record Chunk(String name, int number, byte[] octets) {
    }

    /** A submission whose chunks are all in memory, committed with others in one transaction. */
    record Small(StoredSubmission submission, List<Chunk> chunks) {
    }

    /**
     * Inserts the submissions, their parts and their chunks in one transaction: when this returns, all of them are
     * durable on the primary and applied on the synchronous standby. This is the group commit: one COMMIT, one
     * flush and one standby round trip for the whole group.
     */
    void insert(List<Small> group) {
        jdbi.useTransaction(handle -> {
            PreparedBatch submissions = handle.prepareBatch(INSERT_SUBMISSION);
            PreparedBatch parts = handle.prepareBatch(INSERT_PART);
            PreparedBatch chunks = handle.prepareBatch(INSERT_CHUNK);
            boolean anyChunk = false;
            for (Small small : group) {
                bindRows(submissions, parts, small.submission());
                for (Chunk chunk : small.chunks()) {
                    chunks.bind("id", small.submission().id()).bind("name", chunk.name())
                            .bind("number", chunk.number()).bind("octets", chunk.octets()).add();
                    anyChunk = true;
                }
            }
            submissions.execute();
            parts.execute();
            if (anyChunk) {
                chunks.execute();
            }
        });
    }

    private static void bindRows(PreparedBatch submissions, PreparedBatch parts, StoredSubmission submission) {
        submissions.bind("id", submission.id()).bind("received", submission.received())
                .bind("encryptedBy", submission.encryptedBy()).bind("subkey", submission.subkey()).add();
        for (Part part : submission.parts()) {
            parts.bind("id", submission.id()).bind("name", part.name()).bind("size", part.size()).add();
        }
    }

    /** Starts the transaction of one large submission; it holds a pooled connection until commit or close. */
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

        void writeChunk(String submissionId, Chunk chunk) {
            handle.createUpdate(INSERT_CHUNK)
                    .bind("id", submissionId).bind("name", chunk.name()).bind("number", chunk.number())
                    .bind("octets", chunk.octets())
                    .execute();
        }

        /** Inserts the rows and commits: when this returns, the submission is durable on primary and standby. */
        void commit(StoredSubmission submission) {
            PreparedBatch submissions = handle.prepareBatch(INSERT_SUBMISSION);
            PreparedBatch parts = handle.prepareBatch(INSERT_PART);
            bindRows(submissions, parts, submission);
            submissions.execute();
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
        return jdbi.withHandle(handle -> submissions(handle, ""));
    }

    private static List<StoredSubmission> submissions(Handle handle, String locking) {
        List<StoredSubmission> submissions = handle.createQuery("SELECT id, received, encrypted_by, subkey "
                        + "FROM submissions ORDER BY received, id " + locking)
                .map((row, context) -> new StoredSubmission(row.getString("id"),
                        row.getDate("received").toLocalDate(), row.getString("encrypted_by"),
                        row.getString("subkey"), List.of()))
                .list();
        if (submissions.isEmpty()) {
            return submissions;
        }
        Map<String, List<Part>> partsById = new HashMap<>();
        handle.createQuery("SELECT submission_id, name, size FROM parts WHERE submission_id IN (<ids>)")
                .bindList("ids", submissions.stream().map(StoredSubmission::id).toList())
                .map((row, context) -> Map.entry(row.getString("submission_id"),
                        new Part(row.getString("name"), row.getLong("size"))))
                .forEach(entry -> partsById.computeIfAbsent(entry.getKey(), id -> new ArrayList<>())
                        .add(entry.getValue()));
        return submissions.stream().map(submission -> {
            List<Part> parts = partsById.getOrDefault(submission.id(), new ArrayList<>());
            parts.sort(SubmissionFields.PART_ORDER);
            return new StoredSubmission(submission.id(), submission.received(), submission.encryptedBy(),
                    submission.subkey(), parts);
        }).toList();
    }

    /**
     * Starts an export's transaction. To delete what it exports, it claims the pending submissions (FOR UPDATE SKIP
     * LOCKED): a concurrent export from another backend gets the others, so every submission is exported once, and
     * its deletion commits with the claim.
     */
    Exporting beginExport(boolean claim) {
        Handle handle = jdbi.open();
        try {
            handle.begin();
            return new Exporting(handle, claim);
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    /** An export's transaction: what it lists it reads, and with a claim deletes. */
    static final class Exporting implements AutoCloseable {
        private final Handle handle;
        private final boolean claim;

        private Exporting(Handle handle, boolean claim) {
            this.handle = handle;
            this.claim = claim;
        }

        /** The pending submissions; with a claim, those that no other export has claimed. */
        List<StoredSubmission> pending() {
            return submissions(handle, claim ? "FOR UPDATE SKIP LOCKED" : "");
        }

        /** A part's ciphertext, read one chunk row at a time: memory holds one chunk. */
        InputStream openPart(String submissionId, String name) {
            return new ChunkInputStream(number -> handle.createQuery("SELECT octets FROM part_chunks "
                            + "WHERE submission_id = :id AND name = :name AND number = :number")
                    .bind("id", submissionId).bind("name", name).bind("number", number)
                    .mapTo(byte[].class).findOne().orElse(null));
        }

        /** Deletes claimed submissions; their parts and chunks go with them (ON DELETE CASCADE). Commits. */
        int deleteAndCommit(List<String> ids) {
            if (!claim) {
                throw new IllegalStateException("only a claiming export deletes");
            }
            PreparedBatch deletions = handle.prepareBatch("DELETE FROM submissions WHERE id = :id");
            ids.forEach(id -> deletions.bind("id", id).add());
            int deleted = ids.isEmpty() ? 0 : Arrays.stream(deletions.execute()).sum();
            handle.commit();
            return deleted;
        }

        @Override
        public void close() {
            rollBackAndClose(handle);
        }
    }

    /** Ends a transaction held open on a pooled connection: undoes what it did not commit, returns the connection. */
    static void rollBackAndClose(Handle handle) {
        try {
            if (handle.isInTransaction()) {
                handle.rollback();
            }
        } finally {
            handle.close();
        }
    }

    /** Reads chunk rows 0, 1, 2... until one is missing. */
    static final class ChunkInputStream extends InputStream {
        private final IntFunction<byte[]> chunks;
        private int next;
        private byte[] chunk = new byte[0];
        private int position;

        ChunkInputStream(IntFunction<byte[]> chunks) {
            this.chunks = chunks;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            while (chunk != null && position == chunk.length) {
                try {
                    chunk = chunks.apply(next++);
                } catch (JdbiException e) {
                    throw new IOException("the database failed", e);
                }
                position = 0;
            }
            if (chunk == null) {
                return -1;
            }
            int copied = Math.min(length, chunk.length - position);
            System.arraycopy(chunk, position, buffer, offset, copied);
            position += copied;
            return copied;
        }
    }

    /**
     * Frees the rows that deleted submissions leave behind for reuse (VACUUM cannot run in a transaction). Their
     * bytes stay in the data files until overwritten: deploy/postgresql/README.md says what bounds that.
     */
    void vacuum() {
        jdbi.useHandle(handle -> handle.execute("VACUUM submissions, parts, part_chunks"));
    }

    /** The pool's Jdbi, for the own SQL of {@link PostgresUploadStore} and {@link PostgresCaseStore}. */
    Jdbi jdbi() {
        return jdbi;
    }

    @Override
    public void close() {
        pool.close();
    }
}
