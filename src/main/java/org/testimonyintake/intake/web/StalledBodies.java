package org.testimonyintake.intake.web;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Keeps clients that send their request body a trickle at a time from taking every thread. The app reads bodies with
 * blocking reads, so each request waiting for its sender holds a thread; behind Tor every client comes from 127.0.0.1,
 * so there is no address to limit. Instead, at most {@code maxWaiting} requests may wait for their body at once;
 * beyond that, once a second, the request furthest behind is cut off (its read fails as if the sender broke off).
 *
 * <p>A body is behind by the time the server spent waiting for it, at {@link #EXPECTED_BYTES_PER_SECOND}, minus what
 * it delivered and a {@link #ALLOWANCE_BYTES} start: a source on a slow Tor link (tens of KiB a second) earns far more
 * than it needs to pause for half a minute, while a client sending a byte a second is behind within seconds. Bodies
 * not behind are never cut off, so an ordinary load of many uploads at once only waits for threads.
 */
final class StalledBodies extends Handler.Wrapper {
    /** Far below any Tor circuit that carries data at all: the rate a body must keep up on average. */
    static final long EXPECTED_BYTES_PER_SECOND = 1024;
    /** What a request may wait for before it counts as behind: its first seconds, whatever its speed. */
    static final long ALLOWANCE_BYTES = 4 * 1024;
    private static final long CHECK_EVERY_MILLIS = 1000;

    private final int maxWaiting;
    /** The requests whose handler waits for more of the body now; guarded by itself. */
    private final Set<Body> waiting = new HashSet<>();
    private volatile boolean checking;

    StalledBodies(int maxWaiting) {
        this.maxWaiting = maxWaiting;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Body body = new Body(request);
        return super.handle(body, response, Callback.from(body::finished, callback));
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        checking = true;
        scheduleCheck();
    }

    @Override
    protected void doStop() throws Exception {
        checking = false;
        super.doStop();
    }

    private void scheduleCheck() {
        Scheduler scheduler = getServer().getScheduler();
        scheduler.schedule(() -> {
            if (checking) {
                cutOffFurthestBehind(System.nanoTime());
                scheduleCheck();
            }
        }, CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Cuts off the bodies furthest behind until at most maxWaiting wait, never one that is not behind. */
    void cutOffFurthestBehind(long now) {
        List<Runnable> woken = new ArrayList<>();
        synchronized (waiting) {
            while (waiting.size() > maxWaiting) {
                Body furthest = null;
                for (Body body : waiting) {
                    if (body.behind(now) > 0 && (furthest == null || body.behind(now) > furthest.behind(now))) {
                        furthest = body;
                    }
                }
                if (furthest == null) {
                    break;
                }
                woken.add(furthest.cutOff());
            }
        }
        woken.forEach(Runnable::run); // outside the lock: each wakes a handler, which then reads the failure
    }

    /** A request whose body reads are counted and timed; all state changes but {@code bytes} under the set's lock. */
    private final class Body extends Request.Wrapper {
        private volatile long bytes;
        private long waitedNanos;
        private long waitingSince;
        /** The handler's callback while it waits for content. */
        private Runnable pending;
        private volatile Content.Chunk cutOff;

        Body(Request request) {
            super(request);
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk failure = cutOff;
            if (failure != null) {
                return failure;
            }
            Content.Chunk chunk = super.read();
            if (chunk != null) {
                bytes += chunk.remaining(); // one reader at a time, as Jetty reads
            }
            return chunk;
        }

        @Override
        public void demand(Runnable onContent) {
            boolean failed;
            synchronized (waiting) {
                failed = cutOff != null;
                if (!failed) {
                    pending = onContent;
                    waitingSince = System.nanoTime();
                    waiting.add(this);
                }
            }
            if (failed) {
                onContent.run(); // the next read is the failure
            } else {
                super.demand(this::contentArrived);
            }
        }

        private void contentArrived() {
            Runnable onContent;
            synchronized (waiting) {
                onContent = pending;
                if (onContent == null) {
                    return; // cut off meanwhile: the handler was woken then
                }
                pending = null;
                waitedNanos += System.nanoTime() - waitingSince;
                waiting.remove(this);
            }
            onContent.run();
        }

        /** The exchange is over: nothing waits any more, whatever Jetty does with a demand still open. */
        void finished() {
            synchronized (waiting) {
                pending = null;
                waiting.remove(this);
            }
        }

        /** Bytes this body is behind: positive once the server waited longer for it than it delivered. */
        long behind(long now) {
            long waited = waitedNanos + (now - waitingSince);
            return waited / 1_000_000L * EXPECTED_BYTES_PER_SECOND / 1000 - bytes - ALLOWANCE_BYTES;
        }

        /** Marks the body failed and returns the waiting handler's callback. */
        Runnable cutOff() {
            cutOff = Content.Chunk.from(new TimeoutException("request body too slow"));
            waiting.remove(this);
            Runnable onContent = pending;
            pending = null;
            return onContent;
        }
    }
}
