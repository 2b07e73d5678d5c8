package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

/**
 * What a source does with JavaScript off, end to end over real HTTP: the form with a Korean testimony, choices and
 * files; then what staff do: export the bundle, decrypt it with intake-office and, independently, with GnuPG. Every
 * byte arrives; no plaintext marker is left in the data directory, the temporary directory or the log.
 */
class EndToEndTest {
    /** Unique to this run, so a scan never matches another build's leftovers. */
    private static final String MARKER = "E2E-" + Long.toHexString(new Random().nextLong()) + "-벌목장-лесозаготовки";
    private static final String TESTIMONY = "1996년 겨울, 벌목장에서 일어난 일입니다.\r\n" + MARKER + "\r\n둘째 줄.";

    @TempDir
    Path directory;

    @Test
    void javaScriptOffSubmissionReachesTheOfficeByteForByte() throws Exception {
        Instant started = Instant.now();
        byte[] photo = new byte[300_000];
        new Random(7).nextBytes(photo);
        byte[] marker = MARKER.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(marker, 0, photo, 1000, marker.length);
        byte[] notes = ("Записки: " + MARKER + "\n").getBytes(StandardCharsets.UTF_8);

        String log;
        Path data;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (TestSite site = TestSite.start(directory)) {
            data = site.dataDirectory;
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            TestSite.Multipart form = new TestSite.Multipart()
                    .field(SubmissionService.FORM_TOKEN_FIELD, site.formToken())
                    .field(Questionnaire.TESTIMONY, TESTIMONY)
                    .field("when", "1996년 겨울")
                    .field("region", "Хабаровский край " + MARKER)
                    .field("relation", "witness")
                    .field("consent", "quote-anonymously")
                    .field("consent", "share-with-un")
                    .field("pseudonym", "")
                    .file(SubmissionService.ATTACHMENTS_FIELD, "photo.jpg", "image/jpeg", photo)
                    .file(SubmissionService.ATTACHMENTS_FIELD, "записки.txt", "text/plain", notes)
                    .file(SubmissionService.ATTACHMENTS_FIELD, "", "application/octet-stream", new byte[0]);
            HttpResponse<String> received = site.post("/submit?lang=ko", form);
            assertEquals(200, received.statusCode(), received.body());
            assertTrue(received.body().contains(Html.escaped(Messages.load().text(Language.KO, "received.title"))));
        } finally {
            System.setErr(originalErr);
            log = captured.toString(StandardCharsets.UTF_8);
        }
        assertEquals(List.of(), MarkerScan.filesContaining(data, MARKER, started, List.of()),
                "the data directory holds ciphertext only");
        assertEquals(List.of(), MarkerScan.filesContaining(Path.of(System.getProperty("java.io.tmpdir")), MARKER, started,
                List.of()),
                "no plaintext in temporary files");
        assertTrue(!log.contains(MARKER) && !log.contains("벌목장"), log);

        Path bundle = directory.resolve("bundle.zip");
        assertEquals(0, run(IntakeServer::execute, "export", "--data", data.toString(), "--out", bundle.toString()));

        Path secret = TestOffice.secretKeyFile(directory);
        Path passphrase = Files.writeString(directory.resolve("passphrase"), new String(TestOffice.PASSPHRASE));
        Path caseFolder = directory.resolve("case");
        assertEquals(0, run(OfficeCli::execute, "decrypt", "--secret", secret.toString(), "--passphrase-file",
                passphrase.toString(), "--out", caseFolder.toString(), bundle.toString()));
        Path submission = onlySubmission(caseFolder);
        TestimonyDocument document = TestimonyDocument.parse(Files.readAllBytes(submission.resolve("testimony.json")));
        assertEquals("ko", document.language());
        assertEquals("server", document.encryptedBy());
        Map<String, List<String>> answers = new TreeMap<>();
        document.answers().forEach(answer -> answers.put(answer.id(), answer.values()));
        assertEquals(List.of(TESTIMONY.replace("\r\n", "\n")), answers.get("testimony"));
        assertEquals(List.of("quote-anonymously", "share-with-un"), answers.get("consent"));
        assertEquals(List.of("witness"), answers.get("relation"));
        assertTrue(!answers.containsKey("pseudonym"), "an empty answer is no answer");
        assertEquals(2, document.attachments().size(), "the empty file input is no attachment");
        assertArrayEquals(photo, Files.readAllBytes(attachmentNamed(submission, "photo.jpg")));
        assertArrayEquals(notes, Files.readAllBytes(attachmentNamed(submission, "записки.txt")));

        try (GnuPG gpg = GnuPG.createIn(directory, new String(TestOffice.PASSPHRASE));
             ZipFile zip = new ZipFile(bundle.toFile())) {
            gpg.importKey(secret).requireSuccess();
            Map<String, byte[]> decrypted = new TreeMap<>();
            for (ZipEntry entry : zip.stream().filter(e -> e.getName().endsWith(".pgp")).toList()) {
                Path ciphertext = Files.write(directory.resolve("entry.pgp"), zip.getInputStream(entry).readAllBytes());
                Path plaintext = directory.resolve("entry.out");
                gpg.decrypt(ciphertext, plaintext).requireSuccess();
                String part = entry.getName().substring(entry.getName().indexOf('/') + 1);
                decrypted.put(part, Files.readAllBytes(plaintext));
                Files.delete(ciphertext);
                Files.delete(plaintext);
            }
            byte[] testimonyJson = Files.readAllBytes(submission.resolve("testimony.json"));
            assertArrayEquals(testimonyJson, decrypted.get("testimony.json.pgp"));
            assertArrayEquals(photo, decrypted.get("attachment-1.pgp"));
            assertArrayEquals(notes, decrypted.get("attachment-2.pgp"));
        }
    }

    /** A command line called in process, as OfficeCli and IntakeServer offer it. */
    interface Cli {
        int execute(PrintWriter out, PrintWriter err, String... args);
    }

    static int run(Cli cli, String... args) {
        StringWriter err = new StringWriter();
        int code = cli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), args);
        if (code != 0) {
            System.err.println(err);
        }
        return code;
    }

    private static Path onlySubmission(Path caseFolder) throws IOException {
        try (Stream<Path> entries = Files.list(caseFolder)) {
            List<Path> folders = entries.filter(Files::isDirectory).toList();
            assertEquals(1, folders.size(), folders.toString());
            return folders.get(0);
        }
    }

    private static Path attachmentNamed(Path submission, String name) throws IOException {
        try (Stream<Path> files = Files.list(submission.resolve("attachments"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(name)).findFirst().orElseThrow();
        }
    }
}
