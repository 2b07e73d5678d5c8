package org.testimonyintake.returning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Receipt checks at the chosen Argon2id cost (bench/receipt-checks.sh): CLIENTS threads call {@link ReceiptChecks}
 * with its standard bounds for SECONDS; prints checks per second, each check's wait from call to answer (p50, p99,
 * max), how many were refused as busy, and the JVM's peak resident memory above what it held before. For comparison:
 * one check alone, and one Argon2id of the same cost in Bouncy Castle's pure-Java implementation.
 */
public final class ReceiptChecksBench {
    private ReceiptChecksBench() {
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        ReceiptChecks checks = new ReceiptChecks(salt, ReceiptChecks.Cost.STANDARD, ReceiptChecks.Bounds.STANDARD);

        checks.derive(Receipt.generate(random)); // loads libargon2
        long alone = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            checks.derive(Receipt.generate(random));
            alone = Math.min(alone, System.nanoTime() - start);
        }
        System.out.printf(Locale.ROOT, "one check alone (libargon2, 64 MiB, t=8, p=1): %.0f ms%n", alone / 1e6);
        System.out.printf(Locale.ROOT, "the same in Bouncy Castle's pure Java: %.0f ms%n", bouncyCastleMillis(salt));

        long baseline = residentKiB("VmRSS");
        List<Long> waits = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger busy = new AtomicInteger();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            running.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    try {
                        checks.derive(Receipt.generate(random));
                        waits.add(System.nanoTime() - start);
                    } catch (ReceiptChecks.Busy e) {
                        busy.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> client : running) {
            client.get();
        }
        pool.shutdown();
        List<Long> sorted = new ArrayList<>(waits);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "%d clients, %d s: %.2f checks/s, wait p50 %.0f ms, p99 %.0f ms, max %.0f ms, "
                        + "%d refused as busy; peak RSS %d MiB above the %d MiB before%n",
                clients, seconds, sorted.size() / (double) seconds, percentile(sorted, 0.5), percentile(sorted, 0.99),
                sorted.get(sorted.size() - 1) / 1e6, busy.get(), (residentKiB("VmHWM") - baseline) / 1024, baseline / 1024);
    }

    private static double bouncyCastleMillis(byte[] salt) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withIterations(8).withMemoryAsKB(65536).withParallelism(1).withSalt(salt).build());
        long start = System.nanoTime();
        generator.generateBytes("1234567890123456789012345627".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[64]);
        return (System.nanoTime() - start) / 1e6;
    }

    private static double percentile(List<Long> sorted, double p) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size()))) / 1e6;
    }

    private static long residentKiB(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no " + field + " in /proc/self/status");
    }
}
