package org.testimonyintake.store;

import java.io.IOException;
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
import java.util.function.Supplier;

/**
 * Group commit on one thread: while one transaction and its durable flush run, further commits queue up, and the next
 * round takes all of them (up to a bound) into one transaction, so they share one flush (and, for PostgreSQL, one
 * round trip to the synchronous standby). Other work runs on the same thread between rounds.
 *
 * @param <T> what one commit hands over
 */
final class CommitQueue<T> implements AutoCloseable {
    /** Commits one group in one transaction; when it returns normally, every commit of the group is durable. */
    interface GroupCommit<T> {
        void commit(List<T> group) throws Exception;
    }

    private final int maxGroup;
    private final GroupCommit<T> groupCommit;
    private final Queue<Waiting<T>> waiting = new ConcurrentLinkedQueue<>();
    private final ExecutorService thread;

    CommitQueue(String threadName, int maxGroup, GroupCommit<T> groupCommit) {
        this.maxGroup = maxGroup;
        this.groupCommit = groupCommit;
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread worker = new Thread(runnable, threadName);
            worker.setDaemon(true);
            return worker;
        });
    }

    /**
     * Returns once the item's group is committed. On an IOException the outcome is unknown: the transaction may have
     * become durable.
     *
     * @throws IllegalStateException if the queue is closed; then nothing was attempted
     */
    void commit(T item) throws IOException {
        Waiting<T> commit = new Waiting<>(item, new CompletableFuture<>());
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
            if (e.getCause() instanceof StoreFullException full) {
                throw new StoreFullException(full.getCause()); // known not committed; one exception per caller
            }
            throw new IOException("the submission could not be committed", e.getCause());
        }
    }

    /** Runs work on the commit thread, between rounds. */
    <R> R call(Supplier<R> work) {
        CompletableFuture<R> result;
        try {
            result = CompletableFuture.supplyAsync(work, thread);
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

    /** Lets the queued work finish, then stops the thread. */
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

    /** One round. Every commit queued its own round, so commits left over beyond maxGroup get a later one. */
    private void commitWaiting() {
        List<Waiting<T>> group = new ArrayList<>();
        Waiting<T> next;
        while (group.size() < maxGroup && (next = waiting.poll()) != null) {
            group.add(next);
        }
        if (group.isEmpty()) {
            return;
        }
        try {
            groupCommit.commit(group.stream().map(Waiting::item).toList());
        } catch (Throwable e) { // whatever it was, no caller may wait for ever
            IOException failure = e instanceof IOException io ? io : new IOException("the database failed", e);
            group.forEach(commit -> commit.done().completeExceptionally(failure));
            return;
        }
        group.forEach(commit -> commit.done().complete(null));
    }

    private record Waiting<T>(T item, CompletableFuture<Void> done) {
    }
}
