package org.testimonyintake.store;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that uses the SQLite database. SQLite has one writer anyway, so commits are grouped
 * ({@link CommitQueue}): one transaction and one set of fsyncs for every commit that queued meanwhile. Other work
 * (listing, deleting) runs on the same thread between rounds, so it never sees a row whose directory is not yet in
 * place.
 */
final class DatabaseWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseWorker.class);
    /** Bounds one transaction; larger groups bring nothing once the fsyncs are shared. */
    private static final int MAX_GROUP = 512;

    private final Database database;
    private final DataDirectory dataDirectory;
    private final Clock clock;
    private final CommitQueue<StoredSubmission> queue;

    DatabaseWorker(Database database, DataDirectory dataDirectory, Clock clock) {
        this.database = database;
        this.dataDirectory = dataDirectory;
        this.clock = clock;
        this.queue = new CommitQueue<>("submission-store", MAX_GROUP, this::commitGroup);
    }

    /**
     * Commits one submission whose files are complete and synced in incoming/&lt;id&gt;. Returns when its row is
     * durable and its directory is in submissions/. On an IOException the outcome is unknown (the transaction may have
     * reached the disk): the caller must leave its files for {@link SqliteSubmissionStore#open} to decide from the
     * database.
     *
     * @throws IllegalStateException if the store is closed; then nothing was attempted
     */
    void commit(StoredSubmission submission) throws IOException {
        queue.commit(submission);
    }

    /** Runs work with the database on the worker thread, between commit rounds. */
    <T> T call(Function<Database, T> work) {
        return queue.call(() -> work.apply(database));
    }

    /** Lets the queued work finish, then stops the thread; the caller closes the database. */
    @Override
    public void close() {
        queue.close();
    }

    private void commitGroup(List<StoredSubmission> group) throws IOException {
        dataDirectory.syncIncoming();
        try {
            database.insert(group);
        } catch (JdbiException e) {
            if (StoreFullException.isSqliteFull(e)) {
                throw new StoreFullException(e); // SQLite wrote no commit record: nothing of the group is stored
            }
            throw e;
        }
        // The rows are the commit point: from here on every submission of the group is committed. If a move fails,
        // its files stay complete in incoming/ and the next open() moves them.
        try {
            for (StoredSubmission submission : group) {
                dataDirectory.moveIntoPlace(submission.id());
            }
            dataDirectory.syncMoves();
            dataDirectory.stampLayout(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        } catch (IOException e) {
            // No id: with the log's own timestamp it would tell when that submission arrived.
            LOG.warn("committed submissions could not all be moved into place ({}); the next open completes them",
                    e.getClass().getSimpleName());
        }
    }
}
