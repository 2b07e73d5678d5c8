package org.testimonyintake.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.format.TestimonyDocument;

/**
 * Durable ingest over HTTP (bench/intake-ingest.sh runs it against the real server jar): CLIENTS keep-alive
 * connections POST /api/submissions, each request a form token and one {@code testimony} part holding a real OpenPGP
 * message of exactly PART_SIZE octets to the server's office key, made once in advance (MESSAGES distinct ones, sent
 * round robin). Phases: warm-up; unpaced (as fast as the clients go: capacity, closed loop); paced (RATE submissions a
 * second on a fixed schedule, latency counted from the scheduled start so a stall is not hidden by clients waiting for
 * it). Then, for comparison at the same concurrency, the same plaintext encrypted by spawning {@code gpg --encrypt} per
 * item, as server-side-encrypting systems do (encryption only: no HTTP, no storage).
 *
 * <p>Arguments: URL OFFICE_ASC GNUPGHOME [CLIENTS=50] [COUNT=20000] [RATE=1000] [WARMUP=3000] [GPG_COUNT=2000]
 * [PART_SIZE=8192] [MAX_SECONDS_PER_PHASE=120] [SERVER_PID]. Prints figures, and {@code acknowledged N} (every 200
 * answer) for the script to compare with what the server stored. With SERVER_PID, each phase also reports the CPU
 * time the server, this client and everything else on the machine used, from /proc.
 */
public final class IngestHttpBench {
    private static final int MESSAGES = 1000;
    private static final int TIMEOUT_MILLIS = 30_000;
    private static String serverPid;

    private IngestHttpBench() {
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        Path officeAsc = Path.of(args[1]);
        Path gnupgHome = Path.of(args[2]);
        int clients = intArg(args, 3, 50);
        int count = intArg(args, 4, 20_000);
        int rate = intArg(args, 5, 1000);
        int warmup = intArg(args, 6, 3000);
        int gpgCount = intArg(args, 7, 2000);
        int partSize = intArg(args, 8, 8192);
        long maxNanos = TimeUnit.SECONDS.toNanos(intArg(args, 9, 120));
        serverPid = args.length > 10 ? args[10] : null;

        OfficeCertificate office = OfficeCertificate.parse(Files.readAllBytes(officeAsc));
        long made = System.nanoTime();
        byte[][] plaintexts = new byte[MESSAGES][];
        byte[][] requests = new byte[MESSAGES][];
        String token = RawHttp.formToken(base);
        Random random = new Random(42);
        for (int i = 0; i < MESSAGES; i++) {
            plaintexts[i] = testimonyOfCiphertextSize(office, partSize, random);
            byte[] ciphertext = MessageEncryptor.encrypt(office, plaintexts[i]);
            if (ciphertext.length != partSize) {
                throw new AssertionError("ciphertext of " + ciphertext.length + " octets, not " + partSize);
            }
            requests[i] = new RawHttp.Multipart().field("form-token", token)
                    .file("testimony", "blob", "application/octet-stream", ciphertext)
                    .request(base, "/api/submissions");
        }
        System.out.printf("prepared %d OpenPGP messages of %d octets (plaintext %d) in %.1f s%n", MESSAGES, partSize,
                plaintexts[0].length, (System.nanoTime() - made) / 1e9);

        long acknowledged = 0;
        if (warmup > 0) {
            Phase warm = run(base, requests, clients, warmup, 0, maxNanos);
            acknowledged += warm.ok;
            warm.print("server-warmup", clients);
        }
        Phase unpaced = run(base, requests, clients, count, 0, maxNanos);
        acknowledged += unpaced.ok;
        unpaced.print("server-unpaced", clients);
        if (rate > 0) {
            Phase paced = run(base, requests, clients, count, rate, maxNanos);
            acknowledged += paced.ok;
            paced.print("server-paced-" + rate, clients);
        }
        System.out.println("acknowledged " + acknowledged);
        if (gpgCount > 0) {
            Phase gpg = gpg(officeAsc, gnupgHome, plaintexts[0], clients, gpgCount, maxNanos);
            gpg.print("gpg-spawn", clients);
        }
    }

    /** A testimony document whose ciphertext to {@code office} is exactly {@code size} octets. */
    private static byte[] testimonyOfCiphertextSize(OfficeCertificate office, int size, Random random)
            throws IOException {
        byte[] probe = document(text(random, 100));
        int overhead = MessageEncryptor.encrypt(office, probe).length - probe.length;
        int jsonOverhead = probe.length - 100;
        return document(text(random, size - overhead - jsonOverhead));
    }

    private static byte[] document(String text) {
        return new TestimonyDocument("en", TestimonyDocument.ENCRYPTED_BY_BROWSER,
                List.of(TestimonyDocument.Answer.text("testimony", "What happened?", text)), List.of()).toJson();
    }

    private static String text(Random random, int length) {
        char[] text = new char[length];
        for (int i = 0; i < length; i++) {
            int r = random.nextInt(27);
            text[i] = r == 26 ? ' ' : (char) ('a' + r);
        }
        return new String(text);
    }

    /** The outcome of one phase. */
    private record Phase(int ok, int failed, double seconds, long[] latencies, String firstFailure, Cpu.Used cpu) {
        void print(String name, int clients) {
            long[] sorted = Arrays.copyOf(latencies, ok);
            Arrays.sort(sorted);
            System.out.printf("%-18s %d clients: %d ok, %d failed in %.2f s = %.0f/s; latency ms p50 %.1f p95 %.1f "
                            + "p99 %.1f max %.1f%n", name, clients, ok, failed, seconds, ok / seconds,
                    percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99),
                    ok == 0 ? Double.NaN : sorted[ok - 1] / 1e6);
            // One line per figure for the script: "figure PHASE.NAME VALUE".
            System.out.printf("figure %s.per_s %.1f%n", name, ok / seconds);
            System.out.printf("figure %s.p50_ms %.2f%n", name, percentile(sorted, 50));
            System.out.printf("figure %s.p99_ms %.2f%n", name, percentile(sorted, 99));
            System.out.printf("figure %s.max_ms %.2f%n", name, ok == 0 ? Double.NaN : sorted[ok - 1] / 1e6);
            System.out.printf("figure %s.failed %d%n", name, failed);
            if (cpu != null) {
                System.out.printf("%-18s CPU per item: server %.2f ms, client (with its child processes) %.2f ms; "
                                + "in cores: server %.2f, client %.2f, the rest of the machine %.2f%n", "",
                        1000 * cpu.server() / Math.max(ok, 1), 1000 * cpu.client() / Math.max(ok, 1),
                        cpu.server() / seconds, cpu.client() / seconds, cpu.others() / seconds);
                System.out.printf("figure %s.server_cpu_ms_per_item %.3f%n", name, 1000 * cpu.server() / Math.max(ok, 1));
                System.out.printf("figure %s.client_cpu_ms_per_item %.3f%n", name, 1000 * cpu.client() / Math.max(ok, 1));
                System.out.printf("figure %s.others_cores %.2f%n", name, cpu.others() / seconds);
            }
            if (firstFailure != null) {
                System.out.println("first failure: " + firstFailure);
            }
        }
    }

    private interface Item {
        boolean run(int client, int index) throws Exception;
    }

    /** Runs {@code count} items over {@code clients} threads, paced at {@code rate} a second unless 0. */
    private static Phase runItems(int clients, int count, int rate, long maxNanos, Item item) throws Exception {
        long[] latencies = new long[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lastDone = new AtomicLong();
        String[] firstFailure = new String[1];
        Cpu cpuBefore = Cpu.now(serverPid);
        long start = System.nanoTime();
        long deadline = start + maxNanos;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            Future<?>[] done = new Future<?>[clients];
            for (int c = 0; c < clients; c++) {
                int client = c;
                done[c] = pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < count && System.nanoTime() < deadline; ) {
                        long begin = rate == 0 ? System.nanoTime() : start + i * 1_000_000_000L / rate;
                        for (long wait; (wait = begin - System.nanoTime()) > 0; ) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                        boolean success;
                        try {
                            success = item.run(client, i);
                        } catch (Exception e) {
                            success = false;
                            synchronized (firstFailure) {
                                if (firstFailure[0] == null) {
                                    firstFailure[0] = e.toString();
                                }
                            }
                        }
                        long end = System.nanoTime();
                        if (success) {
                            latencies[ok.getAndIncrement()] = end - begin;
                        } else {
                            failed.incrementAndGet();
                        }
                        lastDone.accumulateAndGet(end, Math::max);
                    }
                    return null;
                });
            }
            for (Future<?> client : done) {
                client.get();
            }
        } finally {
            pool.shutdown();
        }
        Cpu.Used cpu = cpuBefore == null ? null : Cpu.now(serverPid).since(cpuBefore);
        return new Phase(ok.get(), failed.get(), (lastDone.get() - start) / 1e9, latencies, firstFailure[0], cpu);
    }

    private static Phase run(URI base, byte[][] requests, int clients, int count, int rate, long maxNanos)
            throws Exception {
        RawHttp[] connections = new RawHttp[clients];
        for (int c = 0; c < clients; c++) {
            connections[c] = new RawHttp(base, TIMEOUT_MILLIS);
        }
        try {
            return runItems(clients, count, rate, maxNanos, (client, i) -> {
                RawHttp.Response response = connections[client].send(requests[i % requests.length]);
                if (response.status() != 200) {
                    throw new IOException("status " + response.status());
                }
                return true;
            });
        } finally {
            for (RawHttp connection : connections) {
                connection.close();
            }
        }
    }

    /** One {@code gpg --encrypt} process per item, plaintext on stdin, ciphertext read from stdout. */
    private static Phase gpg(Path officeAsc, Path gnupgHome, byte[] plaintext, int clients, int count, long maxNanos)
            throws Exception {
        ProcessBuilder command = new ProcessBuilder("gpg", "--batch", "--quiet", "--no-keyring",
                // gpg's best case: with its random_seed file, concurrent processes queue for the file's lock.
                "--no-random-seed-file", "--trust-model",
                "always", "--compress-algo", "none", "--recipient-file", officeAsc.toString(), "--encrypt")
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        command.environment().put("GNUPGHOME", gnupgHome.toString());
        return runItems(clients, count, 0, maxNanos, (client, i) -> {
            Process gpg = command.start();
            try (OutputStream in = gpg.getOutputStream()) {
                in.write(plaintext);
            }
            byte[] ciphertext;
            try (InputStream out = gpg.getInputStream()) {
                ciphertext = out.readAllBytes();
            }
            if (!gpg.waitFor(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                gpg.destroyForcibly();
                throw new IOException("gpg took too long");
            }
            if (gpg.exitValue() != 0 || ciphertext.length <= plaintext.length) {
                throw new IOException("gpg failed: exit " + gpg.exitValue());
            }
            return true;
        });
    }

    private static double percentile(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)] / 1e6;
    }

    private static int intArg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }
}
