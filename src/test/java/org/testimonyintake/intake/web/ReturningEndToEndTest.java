package org.testimonyintake.intake.web;

import static org.testimonyintake.intake.web.EndToEndTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.intake.Html;
import org.testimonyintake.intake.MarkerScan;
import org.testimonyintake.intake.TestOffice;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.intake.cli.IntakeServer;
import org.testimonyintake.intake.i18n.Language;
import org.testimonyintake.intake.i18n.Messages;
import org.testimonyintake.intake.submission.Questionnaire;
import org.testimonyintake.intake.submission.SubmissionService;
import org.testimonyintake.interop.GnuPG;
import org.testimonyintake.office.cli.OfficeCli;
import org.testimonyintake.store.CaseStore;

/**
 * Issue 9 end to end over real HTTP with JavaScript off: a source opts in and gets a receipt; staff export, decrypt,
 * reply with intake-office reply; the server imports the signed bundle; the source reads the reply with the receipt and
 * adds a follow-up with a file, which joins the same case. The reply's plaintext marker is never on the server's disk
 * or in its log; a tampered bundle stores nothing; a wrong receipt gets the same answer as a forgotten one.
 */
class ReturningEndToEndTest {
    private static final String REPLY_MARKER = "REPLY-" + Long.toHexString(new Random().nextLong()) + "-어느 벌목장입니까";
    private static final Path SUITE = Path.of("src/test/browser/returning-suite.mjs");
    private static final Pattern RECEIPT = Pattern.compile("<p class=\"receipt\" lang=\"en\">([0-9 ]{34})</p>");

    @TempDir
    Path directory;

    @Test
    void aSourceComesBackReadsTheReplyAndAddsToTheSameCase() throws Exception {
        Path secret = TestOffice.secretKeyFile(directory);
        Path passphrase = Files.writeString(directory.resolve("passphrase"), new String(TestOffice.PASSPHRASE));
        PrintStream originalErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (TestSite site = TestSite.start(directory)) {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            Path data = site.dataDirectory;

            HttpResponse<String> notReturning = site.post("/submit?lang=en", new TestSite.Multipart()
                    .field(SubmissionService.FORM_TOKEN_FIELD, site.formToken())
                    .field(Questionnaire.TESTIMONY, "TEST-ONLY a source who does not come back"));
            assertEquals(200, notReturning.statusCode(), notReturning.body());
            assertFalse(RECEIPT.matcher(notReturning.body()).find(), "no receipt without the opt-in");

            HttpResponse<String> received = site.post("/submit?lang=ko", new TestSite.Multipart()
                    .field(SubmissionService.FORM_TOKEN_FIELD, site.formToken())
                    .field(Questionnaire.TESTIMONY, "TEST-ONLY 벌목장에서 있었던 일")
                    .field(SubmissionService.RETURNING_FIELD, SubmissionService.RETURNING_YES));
            assertEquals(200, received.statusCode(), received.body());
            Matcher shown = RECEIPT.matcher(received.body());
            assertTrue(shown.find(), received.body());
            String receipt = shown.group(1);
            assertTrue(received.body().contains(Html.escaped(Messages.load().text(Language.KO, "received.receipt-warning"))));

            Path caseFolder = exportAndDecrypt(data, directory.resolve("first.zip"), directory.resolve("case"), secret,
                    passphrase);
            String caseId = onlyReturningCase(caseFolder);

            Path message = Files.writeString(directory.resolve("reply.txt"), "TEST-ONLY\n" + REPLY_MARKER + "\n둘째 줄");
            Path replyBundle = directory.resolve("reply.zip");
            assertEquals(0, run(OfficeCli::execute, "reply", "--secret", secret.toString(), "--passphrase-file",
                    passphrase.toString(), "--folder", caseFolder.toString(), "--case", caseId, "--message",
                    message.toString(), "--out", replyBundle.toString()));

            Path tampered = directory.resolve("tampered.zip");
            byte[] bytes = Files.readAllBytes(replyBundle);
            bytes[bytes.length / 2] ^= 1;
            Files.write(tampered, bytes);
            assertEquals(3, run(IntakeServer::execute, "import-replies", "--data", data.toString(), "--key",
                    site.keyFile.toString(), tampered.toString()), "a tampered bundle is refused");
            try (CaseStore cases = CaseStore.open(data, Clock.systemUTC())) {
                assertEquals(List.of(), cases.replies(caseId), "and stores nothing");
            }
            assertEquals(0, run(IntakeServer::execute, "import-replies", "--data", data.toString(), "--key",
                    site.keyFile.toString(), replyBundle.toString()));

            HttpResponse<String> opened = openReturn(site, receipt.replace(" ", "-"));
            assertEquals(200, opened.statusCode(), opened.body());
            assertTrue(opened.body().contains(Html.escaped(REPLY_MARKER)), opened.body());

            HttpResponse<String> followUp = site.post("/submit?lang=ko", new TestSite.Multipart()
                    .field(SubmissionService.FORM_TOKEN_FIELD, site.formToken())
                    .field(SubmissionService.RECEIPT_FIELD, receipt)
                    .field(Questionnaire.TESTIMONY, "TEST-ONLY 덧붙임: 3번 벌목장")
                    .file(SubmissionService.ATTACHMENTS_FIELD, "map.png", "image/png", new byte[] {1, 2, 3}));
            assertEquals(200, followUp.statusCode(), followUp.body());
            assertTrue(followUp.body().contains(Html.escaped(Messages.load().text(Language.KO, "received.follow-up"))));
            assertFalse(RECEIPT.matcher(followUp.body()).find(), "a follow-up makes no new receipt");

            HttpResponse<String> wrongFollowUp = site.post("/submit?lang=en", new TestSite.Multipart()
                    .field(SubmissionService.FORM_TOKEN_FIELD, site.formToken())
                    .field(SubmissionService.RECEIPT_FIELD, "0000 0000 0000 0000 0000 0000 0098")
                    .field(Questionnaire.TESTIMONY, "TEST-ONLY planted into nobody's case"));
            assertEquals(400, wrongFollowUp.statusCode());

            HttpResponse<String> wrong = openReturn(site, "0000 0000 0000 0000 0000 0000 0098");
            assertEquals(400, wrong.statusCode());
            assertTrue(wrong.body().contains(Html.escaped(Messages.load().text(Language.EN, "return.not-found"))), wrong.body());
            assertEquals(400, openReturn(site, "1234").statusCode(), "mistyped");

            Path secondFolder = exportAndDecrypt(data, directory.resolve("second.zip"), directory.resolve("second"), secret,
                    passphrase);
            assertEquals(List.of(caseId, caseId), returningCases(secondFolder),
                    "staff see inside the encryption that the follow-up belongs to the first testimony's case");

            try (CaseStore cases = CaseStore.open(data, Clock.systemUTC())) {
                List<String> linked = new ArrayList<>();
                try (Stream<Path> stored = Files.list(data.resolve("submissions"))) {
                    for (Path submission : stored.toList()) {
                        cases.caseOfSubmission(submission.getFileName().toString()).ifPresent(linked::add);
                    }
                }
                assertEquals(List.of(caseId, caseId), linked, "the first testimony and the follow-up, one case");
            }
            assertEquals(List.of(), MarkerScan.filesContaining(data, REPLY_MARKER), "the reply's plaintext is never on disk");
        } finally {
            System.setErr(originalErr);
        }
        assertFalse(log.toString(StandardCharsets.UTF_8).contains(REPLY_MARKER));
    }

    /**
     * JavaScript on, in Firefox ESR at Tor Browser's "Safer" level (src/test/browser/returning-suite.mjs): the source
     * opts in and sends a file encrypted in the browser, staff decrypt and reply, the source reads the reply on /return
     * with the receipt and adds a follow-up with a file, which staff find in the same case. gpg reads the stored reply
     * with the reply secret key and its passphrase derived from the receipt as FORMAT.md section 10.2 says.
     */
    @Test
    void inFirefoxAtSaferASourceComesBackReadsTheReplyAndAddsToTheSameCase() throws Exception {
        Instant started = Instant.now();
        Path secret = TestOffice.secretKeyFile(directory);
        Path passphrase = Files.writeString(directory.resolve("passphrase"), new String(TestOffice.PASSPHRASE));
        String marker = "SOURCE-" + Long.toHexString(new Random().nextLong());
        byte[] attachment = new byte[200_000];
        new Random(9).nextBytes(attachment);
        Path file = Files.write(directory.resolve("지도.pdf"), attachment);
        PrintStream originalErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (TestSite site = TestSite.start(directory)) {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            Path data = site.dataDirectory;
            String origin = site.uri("/").toString().replaceAll("/$", "");
            Map<?, ?> first = browserStep(Map.of("origin", origin, "step", "first", "marker", marker,
                    "file", file.toString()));
            String receipt = (String) first.get("receipt");

            Path caseFolder = exportAndDecrypt(data, directory.resolve("first.zip"), directory.resolve("case"), secret,
                    passphrase);
            String caseId = onlyReturningCase(caseFolder);
            Path message = Files.writeString(directory.resolve("reply.txt"), "TEST-ONLY\n" + REPLY_MARKER);
            Path replyBundle = directory.resolve("reply.zip");
            assertEquals(0, run(OfficeCli::execute, "reply", "--secret", secret.toString(), "--passphrase-file",
                    passphrase.toString(), "--folder", caseFolder.toString(), "--case", caseId, "--message",
                    message.toString(), "--out", replyBundle.toString()));
            assertEquals(0, run(IntakeServer::execute, "import-replies", "--data", data.toString(), "--key",
                    site.keyFile.toString(), replyBundle.toString()));

            browserStep(Map.of("origin", origin, "step", "followUp", "marker", marker, "file", file.toString(),
                    "receipt", receipt, "replyMarkerHtml", REPLY_MARKER,
                    "followUpText", Messages.load().text(Language.KO, "received.follow-up")));

            Path secondFolder = exportAndDecrypt(data, directory.resolve("second.zip"), directory.resolve("second"), secret,
                    passphrase);
            assertEquals(List.of(caseId, caseId), returningCases(secondFolder), "the follow-up joins the browser's case");
            List<Long> oneFile = List.of((long) attachment.length);
            assertEquals(List.of(oneFile, oneFile), attachmentSizes(secondFolder), "each with its file");
            assertEquals(List.of(), MarkerScan.filesContaining(data, REPLY_MARKER), "the reply's plaintext is never on disk");
            // The office's side (reply.txt, the case folders) is in this test's directory, not the server's.
            assertEquals(List.of(), MarkerScan.filesContaining(Path.of(System.getProperty("java.io.tmpdir")), REPLY_MARKER,
                    started, List.of(directory)), "nor in temporary files");

            try (CaseStore cases = CaseStore.open(data, Clock.systemUTC());
                 GnuPG gpg = GnuPG.createIn(Files.createDirectory(directory.resolve("gpg")), replyKeyPassphrase(data, receipt))) {
                Path key = Files.write(directory.resolve("reply-key.pgp"), cases.replyKeyOf(caseId).orElseThrow());
                Path stored = Files.write(directory.resolve("reply.json.pgp"),
                        cases.replies(caseId).get(0).parts().get("reply.json.pgp"));
                gpg.run("--import", key.toString()).requireSuccess();
                Path plaintext = directory.resolve("reply.json");
                gpg.decrypt(stored, plaintext).requireSuccess();
                assertTrue(Files.readString(plaintext).contains(REPLY_MARKER));
            }
        } finally {
            System.setErr(originalErr);
        }
        assertFalse(log.toString(StandardCharsets.UTF_8).contains(REPLY_MARKER));
    }

    /** One step of returning-suite.mjs in Firefox; what it reports. */
    private Map<?, ?> browserStep(Map<String, String> config) throws Exception {
        Path results = directory.resolve("results-" + config.get("step") + ".json");
        Map<String, String> withResults = new java.util.HashMap<>(config);
        withResults.put("resultsFile", results.toString());
        Path configFile = Files.writeString(directory.resolve("config-" + config.get("step") + ".json"),
                JSON.std.asString(withResults));
        assertEquals(List.of(), BrowserEncryptionTest.runSuite(SUITE, 300, configFile, results));
        return (Map<?, ?>) JSON.std.listFrom(Files.readString(results)).get(0);
    }

    /** FORMAT.md section 10.2 and 10.3, written out here: Argon2id of the receipt's digits, its last 32 octets in hex. */
    private static String replyKeyPassphrase(Path data, String receipt) throws IOException {
        byte[] tag = de.mkammerer.argon2.Argon2Factory.createAdvanced(de.mkammerer.argon2.Argon2Factory.Argon2Types.ARGON2id)
                .pbkdf(8, 65536, 1, receipt.replace(" ", "").getBytes(StandardCharsets.US_ASCII),
                        Files.readAllBytes(data.resolve("returning-salt")), 64);
        return java.util.HexFormat.of().formatHex(tag, 32, 64);
    }

    /** The attachment sizes of each testimony document in a case folder. */
    private static List<List<Long>> attachmentSizes(Path caseFolder) throws Exception {
        List<List<Long>> sizes = new ArrayList<>();
        try (Stream<Path> submissions = Files.list(caseFolder)) {
            for (Path testimony : submissions.map(s -> s.resolve("testimony.json")).filter(Files::isRegularFile).toList()) {
                sizes.add(TestimonyDocument.parse(Files.readAllBytes(testimony)).attachments().stream()
                        .map(TestimonyDocument.Attachment::size).toList());
            }
        }
        return sizes;
    }

    /**
     * JavaScript on, as the form's script speaks to the server (FORMAT.md section 10.3): POST /api/cases, the testimony
     * document with its reply member encrypted on the client, then the case and receipt right after the form token.
     * The receipt is shown only with the stored submission, opens the case on /return, and a case is claimed once.
     */
    @Test
    void withJavaScriptTheBrowsersCaseIsClaimedByItsSubmissionAndTheReceiptOpensIt() throws Exception {
        try (TestSite site = TestSite.start(directory)) {
            HttpResponse<String> refused = openCase(site, "not-a-token");
            assertEquals(400, refused.statusCode());
            assertEquals(Map.of("error", "form-expired"), JSON.std.mapFrom(refused.body()));

            String token = site.formToken();
            HttpResponse<String> opened = openCase(site, token);
            assertEquals(201, opened.statusCode(), opened.body());
            assertEquals("no-store", opened.headers().firstValue("Cache-Control").orElse(""), "the receipt is not cached");
            Map<String, Object> answer = JSON.std.mapFrom(opened.body());
            String caseId = (String) answer.get("case");
            String receipt = (String) answer.get("receipt");
            TestimonyDocument.Reply reply = new TestimonyDocument.Reply(caseId, (String) answer.get("key"));

            HttpResponse<String> received = site.post("/api/submissions?lang=en",
                    browserSubmission(site, token, caseId, receipt, reply));
            assertEquals(200, received.statusCode(), received.body());
            Matcher shown = RECEIPT.matcher(received.body());
            assertTrue(shown.find(), received.body());
            assertEquals(receipt, shown.group(1));

            HttpResponse<String> again = site.post("/api/submissions?lang=ru",
                    browserSubmission(site, token, caseId, receipt, reply));
            assertEquals(400, again.statusCode(), "a case is claimed once");
            assertTrue(again.body().contains(Html.escaped(Messages.load().text(Language.RU, "error.case-expired"))));
            HttpResponse<String> unknown = site.post("/api/submissions?lang=ko",
                    browserSubmission(site, token, "0123456789abcdef0123456789abcdef", receipt, reply));
            assertEquals(400, unknown.statusCode(), "a case the server never opened");
            assertTrue(unknown.body().contains(Html.escaped(Messages.load().text(Language.KO, "error.case-expired"))));
            String otherCase = (String) JSON.std.mapFrom(openCase(site, token).body()).get("case");
            assertEquals(400, site.post("/api/submissions?lang=en", browserSubmission(site, token, otherCase, receipt,
                    reply)).statusCode(), "a receipt that does not open the case named");

            HttpResponse<String> back = openReturn(site, receipt);
            assertEquals(200, back.statusCode(), back.body());
            assertTrue(back.body().contains(Html.escaped(Messages.load().text(Language.EN, "return.no-replies"))));
            try (CaseStore cases = CaseStore.open(site.dataDirectory, Clock.systemUTC())) {
                assertTrue(cases.unclaimedLookupId(caseId).isEmpty(), "claimed");
                assertTrue(cases.unclaimedLookupId(otherCase).isPresent(), "left unclaimed, deleted after a day");
            }
        }
    }

    private static HttpResponse<String> openCase(TestSite site, String token) throws IOException, InterruptedException {
        return site.send("POST", "/api/cases", HttpRequest.BodyPublishers.ofString(
                SubmissionService.FORM_TOKEN_FIELD + "=" + URLEncoder.encode(token, StandardCharsets.UTF_8)),
                "Content-Type", "application/x-www-form-urlencoded");
    }

    /** What the finishing request of the form's script carries, its testimony encrypted here as the browser does. */
    private static TestSite.Multipart browserSubmission(TestSite site, String token, String caseId, String receipt,
                                                        TestimonyDocument.Reply reply) throws Exception {
        TestimonyDocument document = new TestimonyDocument("en", "browser",
                List.of(TestimonyDocument.Answer.text(Questionnaire.TESTIMONY, "What happened?", "TEST-ONLY browser")),
                List.of(), reply);
        byte[] ciphertext = MessageEncryptor.encrypt(
                OfficeCertificate.parse(Files.readAllBytes(site.keyFile)), document.toJson());
        return new TestSite.Multipart()
                .field(SubmissionService.FORM_TOKEN_FIELD, token)
                .field(SubmissionService.CASE_FIELD, caseId)
                .field(SubmissionService.RECEIPT_FIELD, receipt)
                .file("testimony", "testimony.json.pgp", "application/octet-stream", ciphertext);
    }

    private static HttpResponse<String> openReturn(TestSite site, String receipt) throws IOException, InterruptedException {
        return site.send("POST", "/return?lang=en",
                HttpRequest.BodyPublishers.ofString("receipt=" + URLEncoder.encode(receipt, StandardCharsets.UTF_8)),
                "Content-Type", "application/x-www-form-urlencoded");
    }

    /** The case id of the one submission in the folder that opened a case. */
    /** Exports what the server holds into a bundle and decrypts it as staff do; the case folder it made. */
    private static Path exportAndDecrypt(Path data, Path bundle, Path caseFolder, Path secret, Path passphrase) {
        assertEquals(0, run(IntakeServer::execute, "export", "--data", data.toString(), "--out", bundle.toString()));
        assertEquals(0, run(OfficeCli::execute, "decrypt", "--secret", secret.toString(), "--passphrase-file",
                passphrase.toString(), "--out", caseFolder.toString(), bundle.toString()));
        return caseFolder;
    }

    private static String onlyReturningCase(Path caseFolder) throws Exception {
        List<String> cases = returningCases(caseFolder);
        assertEquals(1, cases.size(), cases.toString());
        return cases.get(0);
    }

    /** The case ids the testimony documents in the folder carry. */
    private static List<String> returningCases(Path caseFolder) throws Exception {
        List<String> cases = new ArrayList<>();
        try (Stream<Path> submissions = Files.list(caseFolder)) {
            for (Path testimony : submissions.map(s -> s.resolve("testimony.json")).filter(Files::isRegularFile).toList()) {
                TestimonyDocument.parse(Files.readAllBytes(testimony)).returning().ifPresent(r -> cases.add(r.caseId()));
            }
        }
        return cases;
    }
}
