package org.testimonyintake.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ingest benchmark of the PostgreSQL engine (bench/ingest-postgresql.sh, not the tests): a real primary with a
 * synchronous standby on this machine, CLIENTS threads each committing submissions of one PART_SIZE part through
 * {@link PostgresSubmissionStore} (group commit, remote_apply), as fast as they go, as IngestStoreBench does for
 * SQLite.
 *
 * <p>Arguments: PARENT [CLIENTS=50] [COMMITS=10000] [PART_SIZE=8192] [WARMUP=1000] [POOL=CLIENTS]; the pool serves
 * the group commits and submissions larger than one chunk.
 */
final class PostgresIngestBench {
    private PostgresIngestBench() {
    }

    public static void main(String[] args) throws Exception {
        Path parent = Path.of(args[0]);
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int commits = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int partSize = args.length > 3 ? Integer.parseInt(args[3]) : 8192;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 1_000;
        int poolSize = args.length > 5 ? Integer.parseInt(args[5]) : clients;
        try (PostgresCluster cluster = PostgresCluster.startPrimary(parent)) {
            cluster.startSynchronousStandby("standby1");
            try (SubmissionStore database = PostgresSubmissionStore.open(cluster.primary().jdbcUrl(),
                    PostgresCluster.USER, cluster.password(), poolSize)) {
                run(database, clients, warmup, partSize);
                long start = System.nanoTime();
                long[] latencies = run(database, clients, commits, partSize);
                double seconds = (System.nanoTime() - start) / 1e9;
                Arrays.sort(latencies);
                System.out.printf("postgresql + synchronous standby (remote_apply, group commit): %d clients, pool %d, unpaced, %d"
                        + " commits of %d bytes in %.2f s: %.0f commits/s%n", clients, poolSize, commits, partSize,
                        seconds, commits / seconds);
                System.out.printf("latency ms: p50 %.1f, p95 %.1f, p99 %.1f, max %.1f%n", percentile(latencies, 50),
                        percentile(latencies, 95), percentile(latencies, 99), latencies[latencies.length - 1] / 1e6);
                if (database.pending().size() != warmup + commits) {
                    throw new AssertionError("commits are missing");
                }
            }
        }
    }

    private static long[] run(SubmissionStore database, int clients, int commits, int partSize) throws Exception {
        long[] latencies = new long[commits];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    byte[] ciphertext = new byte[partSize];
                    new Random().nextBytes(ciphertext);
                    for (int i; (i = next.getAndIncrement()) < commits; ) {
                        long start = System.nanoTime();
                        Submissions.commit(database, ciphertext);
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

    private static double percentile(long[] sorted, int percent) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)] / 1e6;
    }
}
