package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.BundleManifest;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.intake.TestOffice;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.intake.cli.IntakeServer;
import org.testimonyintake.intake.submission.Questionnaire;
import org.testimonyintake.intake.submission.SubmissionService;
import org.testimonyintake.returning.Receipt;

/** The intake site on a PostgreSQL store whose database goes away and comes back. */
class PostgresServerTest {
    @RegisterExtension
    static final PostgresFixture POSTGRES = PostgresFixture.primaryOnly();
    private static final Pattern RECEIPT = Pattern.compile("<p class=\"receipt\" lang=\"en\">([0-9 ]{34})</p>");

    @Test
    void exportTakesTheStoreFromTheCommandLineAndThePasswordFromAFile(@TempDir Path directory) throws Exception {
        String location = POSTGRES.storeLocation("postgres");
        Path bundle = directory.resolve("bundle.zip");
        assertEquals(2, cli("export", "--store", location + "&password=" + POSTGRES.password(), "--out",
                bundle.toString()).exitCode(), "never the password on the command line");
        assertEquals(2, cli("export", "--store", location, "--out", bundle.toString()).exitCode(),
                "a password file is needed");
        Path passwordFile = POSTGRES.writePasswordFile(directory);
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(5, cli("export", "--store", location, "--store-password-file", passwordFile.toString(),
                "--out", bundle.toString()).exitCode(), "a password file every user can read");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        assertEquals(2, cli("export", "--store", location, "--store-password-file", passwordFile.toString(),
                "--store-pool-size", "1", "--out", bundle.toString()).exitCode(), "a pool too small to commit");
        String id;
        try (SubmissionStore store = openStore()) {
            store.exportBundle(directory.resolve("earlier.zip"), true); // what other tests left
            id = Submissions.commit(store, Submissions.content("exported from the command line ", 9000));
        }
        Cli export = cli("export", "--store", location, "--store-password-file", passwordFile.toString(),
                "--delete-exported", "--out", bundle.toString());
        assertEquals(0, export.exitCode(), export.err());
        assertTrue(export.out().startsWith("1 submission written"), export.out());
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            assertTrue(zip.getEntry(id + "/testimony.json.pgp") != null);
        }
    }

    @Test
    void twoExportsAtOnceThatDeleteListEachForgottenCaseOnce(@TempDir Path directory) throws Exception {
        openStore().close(); // the schema, if no test made it yet
        Set<String> ids = new HashSet<>();
        try (Connection connection = POSTGRES.primary().connect(); PreparedStatement insert = connection
                .prepareStatement("INSERT INTO forgotten_cases (id, forgotten) VALUES (?, current_date)")) {
            while (ids.size() < 40) {
                String id = SubmissionFields.newId();
                ids.add(id);
                insert.setString(1, id);
                insert.executeUpdate();
            }
        }
        Path passwordFile = POSTGRES.writePasswordFile(directory);
        String location = POSTGRES.storeLocation("postgres");
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService machines = Executors.newFixedThreadPool(2);
        List<String> listed = new ArrayList<>();
        try {
            List<Future<Path>> exports = new ArrayList<>();
            for (String name : List.of("first.zip", "second.zip")) {
                exports.add(machines.submit(() -> {
                    Path bundle = directory.resolve(name);
                    together.await();
                    Cli export = cli("export", "--store", location, "--store-password-file", passwordFile.toString(),
                            "--delete-exported", "--out", bundle.toString());
                    assertEquals(0, export.exitCode(), export.err());
                    return bundle;
                }));
            }
            for (Future<Path> export : exports) {
                try (ZipFile zip = new ZipFile(export.get().toFile())) {
                    BundleManifest.parse(zip.getInputStream(zip.getEntry(BundleManifest.ENTRY_NAME)).readAllBytes())
                            .forgotten().forEach(forgotten -> listed.add(forgotten.caseId()));
                }
            }
        } finally {
            machines.shutdownNow();
        }
        assertEquals(ids, new HashSet<>(listed), "every forgotten case in a bundle");
        assertEquals(ids.size(), listed.size(), "none in both");
    }

    @Test
    void aReceiptShownByOneBackendOpensTheCaseOnAnotherThatHasTheSameSalt(@TempDir Path directory) throws Exception {
        try (TestSite one = TestSite.start(Files.createDirectory(directory.resolve("first")), this::openStore);
             TestSite two = anotherBackend(one, directory.resolve("second"));
             TestSite unsalted = TestSite.start(Files.createDirectory(directory.resolve("third")), this::openStore)) {
            HttpResponse<String> received = one.post("/submit", new TestSite.Multipart()
                    .field(SubmissionService.FORM_TOKEN_FIELD, one.formToken())
                    .field(Questionnaire.TESTIMONY, "TEST-ONLY coming back through another backend")
                    .field(SubmissionService.RETURNING_FIELD, SubmissionService.RETURNING_YES));
            Matcher shown = RECEIPT.matcher(received.body());
            assertTrue(shown.find(), received.body());
            String receipt = shown.group(1);
            assertEquals(200, urlEncoded(two, "/return", "receipt", receipt).statusCode(), "the same case");
            assertEquals(400, urlEncoded(unsalted, "/return", "receipt", receipt).statusCode(),
                    "a backend with a salt of its own derives another lookup id: deploy/README.md section 7 step 4");
        }
    }

    /** A second backend on the same store, with the first one's secrets (deploy/README.md section 7 step 4). */
    private TestSite anotherBackend(TestSite first, Path directory) throws Exception {
        PostgresFixture.copyBackendSecrets(first.dataDirectory, directory.resolve("data"));
        return TestSite.start(directory, this::openStore);
    }

    @Test
    void aResumableUploadWhoseChunksAlternateBetweenTwoServersIsStoredWhole(@TempDir Path directory)
            throws Exception {
        byte[] ciphertext;
        try (TestSite one = TestSite.start(Files.createDirectory(directory.resolve("first")), this::openStore)) {
            try (TestSite two = anotherBackend(one, directory.resolve("second"))) {
                byte[] document = new TestimonyDocument("en", "browser",
                        List.of(TestimonyDocument.Answer.text("testimony", null, "across two servers")), List.of())
                        .toJson();
                ciphertext = MessageEncryptor.encrypt(TestOffice.key().certificate(), document);
                String token = one.formToken();
                String created = urlEncoded(two, "/api/uploads", "form-token", token).body();
                String id = created.replaceAll(".*\"id\":\"([0-9a-f]+)\".*", "$1");
                int chunk = ciphertext.length / 4 + 1;
                TestSite[] servers = {one, two};
                for (int offset = 0, n = 0; offset < ciphertext.length; offset += chunk, n++) {
                    TestSite server = servers[n % 2];
                    byte[] piece = Arrays.copyOfRange(ciphertext, offset, Math.min(ciphertext.length, offset + chunk));
                    HttpResponse<String> appended = server.send("POST", "/api/uploads/" + id + "?offset=" + offset,
                            HttpRequest.BodyPublishers.ofByteArray(piece), "Content-Type", "application/octet-stream");
                    assertEquals(200, appended.statusCode(), appended.body());
                    HttpResponse<String> resumed = servers[(n + 1) % 2].get("/api/uploads/" + id);
                    assertEquals("{\"offset\":" + (offset + piece.length) + "}", resumed.body(),
                            "the other server knows the offset");
                }
                HttpResponse<String> stored = one.post("/api/submissions/uploaded", new TestSite.Multipart()
                        .field(SubmissionService.FORM_TOKEN_FIELD, token).field("testimony", id));
                assertEquals(200, stored.statusCode(), stored.body());
                assertEquals(404, two.get("/api/uploads/" + id).statusCode(), "claimed and deleted");
            }
        }
        Path bundle = directory.resolve("bundle.zip");
        try (SubmissionStore store = openStore()) {
            store.exportBundle(bundle, true);
        }
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            List<byte[]> testimonies = new ArrayList<>();
            for (var entry : zip.stream().filter(e -> e.getName().endsWith("/testimony.json.pgp")).toList()) {
                try (var in = zip.getInputStream(entry)) {
                    testimonies.add(in.readAllBytes());
                }
            }
            assertTrue(testimonies.stream().anyMatch(stored -> Arrays.equals(ciphertext, stored)),
                    "the ciphertext exactly as sent, chunks from both servers in order");
        }
    }

    @Test
    void aReturningSourceGetsTheLocalized503WhileTheDatabaseIsDown(@TempDir Path directory) throws Exception {
        String receipt = Receipt.generate(new SecureRandom()).grouped();
        POSTGRES.primary().kill();
        try (TestSite site = TestSite.start(directory, this::openStore)) {
            // Down since the server started: its first case call is also the one that would check the database.
            assertUnavailable(urlEncoded(site, "/return?lang=ru", "receipt", receipt));
            POSTGRES.primary().start();
            HttpResponse<String> notFound = untilAnswered(() -> urlEncoded(site, "/return", "receipt", receipt));
            assertEquals(400, notFound.statusCode(), "no such case, once the database answers");

            POSTGRES.primary().kill(); // now a checked store with dead connections in its pool
            assertUnavailable(urlEncoded(site, "/return?lang=ru", "receipt", receipt));
            assertUnavailable(urlEncoded(site, "/api/cases?lang=ru", "form-token", site.formToken()));
            POSTGRES.primary().start();
            HttpResponse<String> opened = untilAnswered(() -> urlEncoded(site, "/api/cases", "form-token",
                    site.formToken()));
            assertEquals(201, opened.statusCode(), opened.body());
        }
    }

    /** A POST of one field as a browser's form sends it. */
    private static HttpResponse<String> urlEncoded(TestSite site, String pathAndQuery, String name, String value)
            throws IOException, InterruptedException {
        return site.send("POST", pathAndQuery, HttpRequest.BodyPublishers.ofString(
                name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)),
                "Content-Type", "application/x-www-form-urlencoded");
    }

    private static void assertUnavailable(HttpResponse<String> answer) {
        assertEquals(503, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("Приём временно закрыт"), "the localized page, as for a submission");
        assertEquals("60", answer.headers().firstValue("Retry-After").orElse(null));
    }

    private interface Request {
        HttpResponse<String> send() throws Exception;
    }

    /** The first answer that is not 503: the pool finds the database again by itself. */
    private static HttpResponse<String> untilAnswered(Request request) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        HttpResponse<String> answer;
        while ((answer = request.send()).statusCode() == 503 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return answer;
    }

    /** The pool finds out by itself that the database is back: at most a few more 503s first, never another answer. */
    private static void untilAccepted(TestSite site, String testimony) throws Exception {
        HttpResponse<String> answer = untilAnswered(() -> site.submit("/submit", site.formToken(), testimony));
        assertEquals(200, answer.statusCode(), answer.body());
    }

    private SubmissionStore openStore() throws IOException {
        return POSTGRES.openStore("postgres", 4, Clock.systemUTC());
    }

    private record Cli(int exitCode, String out, String err) {
    }

    private static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = IntakeServer.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Cli(code, out.toString(), err.toString());
    }

    @Test
    void startsWhileTheDatabaseIsDownAnswers503AndRecoversByItself(@TempDir Path directory) throws Exception {
        int pendingBefore;
        try (SubmissionStore store = openStore()) {
            pendingBefore = store.pending().size();
        }
        POSTGRES.primary().kill();
        try (TestSite site = TestSite.start(directory, this::openStore)) {
            HttpResponse<String> refused = site.submit("/submit?lang=ru", site.formToken(), "while it is down");
            assertEquals(503, refused.statusCode());
            assertTrue(refused.body().contains("Приём временно закрыт"), "the localized page");

            POSTGRES.primary().start();
            untilAccepted(site, "once it is back");

            POSTGRES.primary().kill(); // now with connections in the pool that are dead
            assertEquals(503, site.submit("/submit", site.formToken(), "down again").statusCode());
            POSTGRES.primary().start();
            untilAccepted(site, "back again");
        }
        try (SubmissionStore store = openStore()) {
            assertEquals(2, store.pending().size() - pendingBefore, "the acknowledged ones, and nothing else");
        }
    }
}
