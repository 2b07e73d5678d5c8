package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.intake.TestOffice;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.intake.cli.ServeProcess;
import org.testimonyintake.office.cli.OfficeCli;

/**
 * Several intake servers on one PostgreSQL primary with a synchronous standby, as deploy/README.md sets them up:
 * whatever happens to a server or to the primary, every acknowledged submission is exported once and decrypts to
 * what its source sent.
 */
class PostgresTwoServersTest {
    @TempDir
    Path directory;
    @RegisterExtension
    final PostgresFixture postgres = PostgresFixture.withSynchronousStandby(); // killed and promoted: one per test

    /** Both servers name primary and standby; pgjdbc connects to whichever is the primary now. */
    private String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.primary().port + ",127.0.0.1:" + postgres.standby().port
                + "/postgres?targetServerType=primary&hostRecheckSeconds=1";
    }

    private SubmissionStore openStore() throws IOException {
        return PostgresSubmissionStore.open(jdbcUrl(), PostgresCluster.USER, postgres.password(), 8);
    }

    private TestSite[] twoServers() throws Exception {
        Path first = Files.createDirectory(directory.resolve("first"));
        Path second = Files.createDirectory(directory.resolve("second"));
        TestSite one = TestSite.start(first, this::openStore);
        PostgresFixture.copyBackendSecrets(one.dataDirectory, second.resolve("data"));
        return new TestSite[] {one, TestSite.start(second, this::openStore)};
    }

    /** {@code intake-server serve} on the shared store in a JVM of its own, to be killed with SIGKILL. */
    private ServeProcess serveInChildProcess(Path site) throws Exception {
        Path data = site.resolve("data");
        PostgresFixture.copyBackendSecrets(directory.resolve("first/data"), data);
        Path passwordFile = postgres.writePasswordFile(site);
        return ServeProcess.start(site.resolve("server.log"), "--key", TestOffice.certificateFile(site).toString(),
                "--data", data.toString(), "--port", "0",
                "--store", jdbcUrl().substring("jdbc:".length()) + "&user=" + PostgresCluster.USER,
                "--store-password-file", passwordFile.toString());
    }

    @Test
    void aHundredUploadsOverTwoServersOneKilledMidwayAreEachExportedOnce() throws Exception {
        Path first = Files.createDirectory(directory.resolve("first"));
        Path second = Files.createDirectory(directory.resolve("second"));
        TestSite one = TestSite.start(first, this::openStore);
        ServeProcess child = serveInChildProcess(second);
        TestSite[] servers = {one, TestSite.servedBy(child.url(), second, null, null)};
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger done = new AtomicInteger();
        ExecutorService sources = Executors.newFixedThreadPool(20);
        try {
            String token = servers[0].formToken();
            List<Future<?>> uploads = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                TestSite server = servers[i % 2];
                String testimony = "testimony number " + i + " sent to server " + (i % 2);
                uploads.add(sources.submit(() -> {
                    try {
                        if (server.submit("/submit", token, testimony).statusCode() == 200) {
                            acknowledged.add(testimony);
                        }
                    } catch (IOException stopped) {
                        // the server was stopped under this source: not acknowledged
                    }
                    if (done.incrementAndGet() == 30) {
                        child.kill(); // SIGKILL: the second backend dies with uploads in flight
                    }
                    return null;
                }));
            }
            for (Future<?> upload : uploads) {
                upload.get();
            }
        } finally {
            sources.shutdownNow();
            child.close();
            one.close();
        }
        assertTrue(acknowledged.size() >= 50 && acknowledged.size() < 100,
                "the first server took its half, the kill cut some off the second: " + acknowledged.size());
        assertTrue(acknowledged.stream().anyMatch(testimony -> testimony.endsWith("server 1")),
                "the second server took some before it was killed");
        Set<String> exported = exportedOnce();
        // A submission committed just before its server died may have lost only its answer: stored, not lost.
        assertTrue(exported.containsAll(acknowledged), "every acknowledged submission is exported");
    }

    @Test
    void whenThePrimaryDiesTheStandbyIsPromotedAndNothingAcknowledgedIsLost() throws Exception {
        TestSite[] servers = twoServers();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<Integer> statuses = new ArrayList<>();
        try {
            String token = servers[0].formToken();
            int n = 0;
            for (; n < 10; n++) {
                assertEquals(200, submit(servers[n % 2], token, n, acknowledged));
            }
            postgres.primary().kill();
            for (int down = n + 2; n < down; n++) {
                statuses.add(submit(servers[n % 2], token, n, acknowledged));
            }
            postgres.standby().promote();
            // Each server follows by itself, once its pool has found the new primary.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (TestSite server : servers) {
                int status;
                while ((status = submit(server, token, n++, acknowledged)) != 200 && System.nanoTime() < deadline) {
                    assertEquals(503, status, "while it fails over, never a false success");
                }
                assertEquals(200, status);
            }
            for (int after = n + 10; n < after; n++) {
                assertEquals(200, submit(servers[n % 2], token, n, acknowledged), "after the failover");
            }
        } finally {
            servers[0].close();
            servers[1].close();
        }
        assertEquals(List.of(503, 503), statuses, "while no primary answers, never a false success");
        assertEquals(22, acknowledged.size());
        assertEquals(acknowledged, exportedOnce());
    }

    private static int submit(TestSite server, String token, int n, Set<String> acknowledged) throws Exception {
        String testimony = "testimony number " + n;
        HttpResponse<String> response = server.submit("/submit", token, testimony);
        if (response.statusCode() == 200) {
            acknowledged.add(testimony);
        }
        return response.statusCode();
    }

    /** Exports with deletion, decrypts as the office does, and returns each testimony; fails on one seen twice. */
    private Set<String> exportedOnce() throws Exception {
        Path bundle = directory.resolve("bundle.zip");
        try (SubmissionStore store = openStore()) {
            store.exportBundle(bundle, true);
            assertEquals(List.of(), store.pending());
        }
        Path secret = TestOffice.secretKeyFile(directory);
        Path passphrase = Files.writeString(directory.resolve("passphrase"), new String(TestOffice.PASSPHRASE));
        Path caseFolder = directory.resolve("case");
        StringWriter err = new StringWriter();
        assertEquals(0, OfficeCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "decrypt",
                "--secret", secret.toString(), "--passphrase-file", passphrase.toString(), "--out",
                caseFolder.toString(), bundle.toString()), err.toString());
        List<String> testimonies = new ArrayList<>();
        try (Stream<Path> files = Files.walk(caseFolder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals("testimony.json")).toList()) {
                TestimonyDocument document = TestimonyDocument.parse(Files.readAllBytes(file));
                document.answers().stream().filter(answer -> answer.id().equals("testimony"))
                        .forEach(answer -> testimonies.addAll(answer.values()));
            }
        }
        Set<String> unique = Set.copyOf(testimonies);
        assertEquals(unique.size(), testimonies.size(), "no submission exported twice");
        return unique;
    }
}
