package org.testimonyintake.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testimonyintake.format.BundleManifest;
import org.testimonyintake.upload.UploadLimits;
import org.testimonyintake.upload.UploadStore;

/**
 * The store for several intake servers: everything, ciphertext included, in one PostgreSQL database, so that a site
 * replicates and backs up one engine and any backend can export.
 *
 * <p>Why chunk rows rather than files or large objects: a commit is one transaction of rows and ciphertext together,
 * so it is durable on the primary and the synchronous standby at once (WAL carries both) and a crash leaves all of a
 * submission or nothing, with no second system to reconcile. Rows of at most 1 MiB stream with bounded memory and,
 * unlike large objects, go with their submission by ON DELETE CASCADE and are reached by the same VACUUM. What
 * deletion leaves: the bytes of deleted rows stay in data files until VACUUM lets them be overwritten, and in WAL
 * segments until they are recycled; deploy/postgresql/README.md keeps WAL retention short and volumes encrypted.
 *
 * <p>Durability: each pooled connection runs with synchronous_commit = remote_apply, so a commit returns only once
 * the primary flushed it and the synchronous standby (synchronous_standby_names), if one is configured, applied it.
 * Small submissions (all ciphertext within {@link PostgresDatabase#CHUNK_SIZE}) wait in memory and are committed in
 * groups, one transaction for all that queued meanwhile; larger ones stream their chunks into a transaction of their
 * own as they arrive.
 */
public final class PostgresSubmissionStore implements SubmissionStore {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresSubmissionStore.class);
    /** Bounds one group transaction, and so the memory of the commits it holds. */
    private static final int MAX_GROUP = 128;

    private final PostgresDatabase database;
    private final Clock clock;
    private final boolean exportOnly;
    private final CommitQueue<PostgresDatabase.Small> groups;
    private volatile boolean closed;

    private PostgresSubmissionStore(PostgresDatabase database, Clock clock, boolean exportOnly) {
        this.database = database;
        this.clock = clock;
        this.exportOnly = exportOnly;
        this.groups = new CommitQueue<>("submission-store", MAX_GROUP, database::insert);
    }

    /**
     * Connects to the database, refuses a server that keeps commit times or logs statements, and creates the schema
     * in an empty database.
     *
     * @param connections the pool size: how many large submissions may be received at once, and group commits
     */
    public static PostgresSubmissionStore open(String jdbcUrl, String user, String password, int connections)
            throws IOException {
        return open(jdbcUrl, user, password, connections, Clock.systemUTC(), false);
    }

    /** Opened only to export: it takes no submissions. Exports from several machines at once each get others. */
    public static PostgresSubmissionStore openForExport(String jdbcUrl, String user, String password)
            throws IOException {
        return open(jdbcUrl, user, password, 2, Clock.systemUTC(), true);
    }

    static PostgresSubmissionStore open(String jdbcUrl, String user, String password, int connections, Clock clock,
            boolean exportOnly) throws IOException {
        return new PostgresSubmissionStore(PostgresDatabase.open(jdbcUrl, user, password, connections), clock,
                exportOnly);
    }

    /** @throws StoreUnavailableException if the database cannot be reached now */
    @Override
    public NewSubmission begin() throws IOException {
        requireOpen();
        if (exportOnly) {
            throw new IllegalStateException("a store opened for export takes no submissions");
        }
        database.ready();
        return new ChunkedSubmission(this, SubmissionFields.newId(), today());
    }

    @Override
    public List<StoredSubmission> pending() throws IOException {
        requireOpen();
        database.ready();
        try {
            return database.submissions();
        } catch (JdbiException e) {
            throw unavailable(e);
        }
    }

    /**
     * Every failure of PostgreSQL is taken for unavailability: a constraint cannot fail for checked fields and fresh
     * random ids, so what remains is the connection, the server or a failover.
     */
    static StoreUnavailableException unavailable(JdbiException e) {
        return new StoreUnavailableException("the database failed", e);
    }

    /**
     * Writes the bundle inside one transaction. With {@code deleteExported} it claims the submissions it exports and
     * deletes them in that same transaction, after the bundle is durable: an export beside it on another machine gets
     * the others. If that commit fails, the submissions stay pending and the bundle holds them too: an office may see
     * a submission twice (same id), never lose one.
     */
    @Override
    public synchronized int exportBundle(Path bundleFile, boolean deleteExported,
                                         List<BundleManifest.ForgottenCase> forgotten) throws IOException {
        requireOpen();
        database.ready();
        List<StoredSubmission> exported;
        try (PostgresDatabase.Exporting export = database.beginExport(deleteExported)) {
            exported = export.pending();
            BundleWriter.write(bundleFile, today(), exported, forgotten, (id, part) -> export.openPart(id, part.name()));
            if (deleteExported) {
                export.deleteAndCommit(exported.stream().map(StoredSubmission::id).toList());
            }
        } catch (JdbiException e) {
            throw unavailable(e);
        }
        if (deleteExported && !exported.isEmpty()) {
            vacuum(); // on the connection the export gave back: an export's pool holds just two
        }
        return exported.size();
    }

    /** After the export committed: a failure here loses nothing, the next export's VACUUM also does it. */
    private void vacuum() {
        try {
            database.vacuum();
        } catch (JdbiException e) {
            LOG.warn("the rows of exported submissions could not be vacuumed now ({})",
                    e.getClass().getSimpleName());
        }
    }

    /** Waits for group commits under way, then closes the pool. Submissions never committed are not kept. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        groups.close();
        database.close();
    }

    /** The partial uploads (FORMAT.md section 7.1) in the same database, shared by every server on it. */
    public UploadStore uploads(UploadLimits limits) {
        requireOpen();
        return new PostgresUploadStore(database, limits, clock);
    }

    /** Returning sources' cases (FORMAT.md section 10.6) in the same database, shared by every server on it. */
    public CaseStore cases() {
        requireOpen();
        return new PostgresCaseStore(database, clock);
    }

    PostgresDatabase database() {
        requireOpen();
        return database;
    }

    /** Commits a submission whose every chunk is in memory, in the next group. */
    void commitSmall(PostgresDatabase.Small submission) throws IOException {
        requireOpen();
        try {
            groups.commit(submission);
        } catch (IOException e) {
            throw new StoreUnavailableException("the submission could not be committed", e); // only the database fails there
        }
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
    }
}
