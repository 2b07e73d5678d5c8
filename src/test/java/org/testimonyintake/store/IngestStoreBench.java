package org.testimonyintake.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ingest benchmark of the store (run by bench/ingest-store.sh, not by the tests): CLIENTS threads each begin a
 * submission, write one part of PART_SIZE bytes, close it and commit, over and over. With RATE 0 as fast as they can
 * (capacity); otherwise the clients together start RATE commits per second on a fixed schedule, and latency counts
 * from the scheduled start, so a stall is not hidden by the clients waiting for it (coordinated omission). Prints
 * throughput and latency percentiles, and for reference how many write+fsync cycles one thread gets here.
 *
 * <p>Arguments: DATA_PARENT [CLIENTS=50] [COMMITS=20000] [RATE=0] [PART_SIZE=8192] [WARMUP=2000]
 */
final class IngestStoreBench {
    private IngestStoreBench() {
    }

    public static void main(String[] args) throws Exception {
        Path parent = Path.of(args[0]);
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int commits = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        int partSize = args.length > 4 ? Integer.parseInt(args[4]) : 8192;
        int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 2_000;

        System.out.printf("fsync baseline: %.0f write+fsync of %d bytes per second, one thread%n",
                fsyncRate(parent, partSize), partSize);

        Path data = Files.createTempDirectory(parent, "ingest-store");
        try (SubmissionStore store = SubmissionStore.open(data)) {
            run(store, clients, warmup, rate, partSize);
            long start = System.nanoTime();
            long[] latencies = run(store, clients, commits, rate, partSize);
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(latencies);
            System.out.printf("store: %d clients, %s, %d commits of %d bytes in %.2f s: %.0f commits/s%n",
                    clients, rate == 0 ? "unpaced" : "paced at " + rate + "/s", commits, partSize, seconds,
                    commits / seconds);
            System.out.printf("latency ms: p50 %.1f, p95 %.1f, p99 %.1f, max %.1f%n", percentile(latencies, 50),
                    percentile(latencies, 95), percentile(latencies, 99), latencies[latencies.length - 1] / 1e6);
            if (store.pending().size() != warmup + commits) {
                throw new AssertionError("commits are missing");
            }
        } finally {
            DataDirectory.deleteTree(data);
        }
    }

    /** Runs the commits spread over the clients; returns each commit's latency in nanoseconds. */
    private static long[] run(SubmissionStore store, int clients, int commits, int rate, int partSize)
            throws Exception {
        long[] latencies = new long[commits];
        AtomicInteger next = new AtomicInteger();
        long scheduleStart = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    byte[] ciphertext = new byte[partSize];
                    new Random().nextBytes(ciphertext);
                    for (int i; (i = next.getAndIncrement()) < commits; ) {
                        long start = rate == 0 ? System.nanoTime() : scheduleStart + i * 1_000_000_000L / rate;
                        for (long wait; (wait = start - System.nanoTime()) > 0; ) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                        try (NewSubmission submission = store.begin()) {
                            try (OutputStream part = submission.createPart("testimony.json.pgp")) {
                                part.write(ciphertext);
                            }
                            submission.commit("browser", "63E2DFACB0C99B43");
                        }
                        latencies[i] = System.nanoTime() - start;
                    }
                    return null;
                }));
            }
            for (Future<?> client : done) {
                client.get();
            }
        } finally {
            pool.shutdown();
        }
        return latencies;
    }

    private static double fsyncRate(Path parent, int size) throws IOException {
        Path file = Files.createTempFile(parent, "fsync", ".bin");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate(size);
            int count = 0;
            long start = System.nanoTime();
            long end = start + 2_000_000_000L;
            while (System.nanoTime() < end) {
                channel.write(block.clear(), 0);
                channel.force(true);
                count++;
            }
            return count / ((System.nanoTime() - start) / 1e9);
        } finally {
            Files.delete(file);
        }
    }

    private static double percentile(long[] sorted, int percent) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)] / 1e6;
    }
}
