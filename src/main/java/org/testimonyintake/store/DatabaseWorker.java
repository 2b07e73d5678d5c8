package org.testimonyintake.store;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that uses the database. SQLite has one writer anyway, so commits are grouped: while a transaction and
 * its fsyncs run, further commits queue up, and the next round takes all of them into one transaction and one set of
 * fsyncs (group commit). Other work (listing, deleting) runs on the same thread between rounds, so it never sees a row
 * whose directory is not yet in place.
 */
final class DatabaseWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseWorker.class);
    /** Bounds one transaction; larger groups bring nothing once the fsyncs are shared. */
    private static final int MAX_GROUP = 512;

    private final Database database;
    private final DataDirectory dataDirectory;
    private final Clock clock;
    private final Queue<WaitingCommit> waiting = new ConcurrentLinkedQueue<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread worker = new Thread(runnable, "submission-store");
        worker.setDaemon(true);
        return worker;
    });

    DatabaseWorker(Database database, DataDirectory dataDirectory, Clock clock) {
        this.database = database;
        this.dataDirectory = dataDirectory;
        this.clock = clock;
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
        WaitingCommit commit = new WaitingCommit(submission, new CompletableFuture<>());
        waiting.add(commit);
        try {
            thread.execute(this::commitWaiting);
        } catch (RejectedExecutionException closed) {
            waiting.remove(commit);
            throw new IllegalStateException("the store is closed");
        }
        try {
            commit.done().join(); // not interruptible: a commit under way always reports how it ended
        } catch (CompletionException e) {
            throw new IOException("the submission could not be committed", e.getCause());
        }
    }

    /** Runs work with the database on the worker thread, between commit rounds. */
    <T> T call(Function<Database, T> work) {
        CompletableFuture<T> result;
        try {
            result = CompletableFuture.supplyAsync(() -> work.apply(database), thread);
        } catch (RejectedExecutionException closed) {
            throw new IllegalStateException("the store is closed");
        }
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /** Lets the queued work finish, then stops the thread; the caller closes the database. */
    @Override
    public void close() {
        thread.shutdown();
        boolean interrupted = false;
        while (!thread.isTerminated()) {
            try {
                thread.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One round. Every commit queued its own round, so commits left over beyond MAX_GROUP get a later one. */
    private void commitWaiting() {
        List<WaitingCommit> group = new ArrayList<>();
        WaitingCommit next;
        while (group.size() < MAX_GROUP && (next = waiting.poll()) != null) {
            group.add(next);
        }
        if (group.isEmpty()) {
            return;
        }
        try {
            dataDirectory.syncIncoming();
            database.insert(group.stream().map(WaitingCommit::submission).toList());
        } catch (Throwable e) { // whatever it was, no caller may wait for ever
            IOException failure = e instanceof IOException io ? io : new IOException("the database failed", e);
            group.forEach(commit -> commit.done().completeExceptionally(failure));
            return;
        }
        // The rows are the commit point: from here on every submission of the group is committed. If a move fails,
        // its files stay complete in incoming/ and the next open() moves them.
        try {
            for (WaitingCommit commit : group) {
                dataDirectory.moveIntoPlace(commit.submission().id());
            }
            dataDirectory.syncMoves();
            dataDirectory.stampLayout(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        } catch (IOException e) {
            // No id: with the log's own timestamp it would tell when that submission arrived.
            LOG.warn("committed submissions could not all be moved into place ({}); the next open completes them",
                    e.getClass().getSimpleName());
        }
        group.forEach(commit -> commit.done().complete(null));
    }

    private record WaitingCommit(StoredSubmission submission, CompletableFuture<Void> done) {
    }
}
