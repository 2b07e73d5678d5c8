package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.intake.Html;
import org.testimonyintake.intake.TestOffice;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.intake.i18n.Language;
import org.testimonyintake.intake.i18n.Messages;
import org.testimonyintake.intake.submission.Limits;
import org.testimonyintake.intake.submission.SubmissionRefused.Reason;
import org.testimonyintake.intake.submission.SubmissionService;
import org.testimonyintake.office.OfficeKey;

/**
 * Hostile and broken submissions over real HTTP: each is answered with its own status and localized message, nothing
 * of it is stored, and the site keeps serving.
 */
class RefusalsTest {
    /** Small limits, so that every one of them can be crossed quickly. */
    static final Limits SMALL = new Limits(2_000, 200, 2, 100_000, 1 << 20, Duration.ofSeconds(3));

    @TempDir
    static Path directory;
    static TestSite site;
    static OfficeCertificate otherOffice;

    @BeforeAll
    static void start() throws Exception {
        site = TestSite.start(directory, SMALL);
        otherOffice = OfficeKey.generate(KeyProfile.COMPAT, "Another office", "another test passphrase".toCharArray())
                .certificate();
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    record Case(String what, Reason expected, HttpResponse<String> response) {
    }

    @Test
    void everyRefusalHasItsStatusAndMessageAndKeepsNothing() throws Exception {
        String token = site.formToken();
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("no token", Reason.FORM_EXPIRED, site.postForm("/submit?lang=ru", "testimony", "x")));
        cases.add(new Case("stale token", Reason.FORM_EXPIRED, site.submit("/submit?lang=ru", "stale", "x")));
        cases.add(new Case("no testimony", Reason.MISSING_TESTIMONY,
                site.postForm("/submit?lang=ru", SubmissionService.FORM_TOKEN_FIELD, token, "when", "winter")));
        cases.add(new Case("blank testimony", Reason.MISSING_TESTIMONY, site.submit("/submit?lang=ru", token, " \r\n ")));
        cases.add(new Case("unknown field", Reason.UNKNOWN_FIELD, site.postForm("/submit?lang=ru",
                SubmissionService.FORM_TOKEN_FIELD, token, "testimony", "x", "name", "Kim")));
        cases.add(new Case("long testimony", Reason.TESTIMONY_TOO_LONG,
                site.submit("/submit?lang=ru", token, "가".repeat(2_001))));
        cases.add(new Case("long answer", Reason.ANSWER_TOO_LONG, site.postForm("/submit?lang=ru",
                SubmissionService.FORM_TOKEN_FIELD, token, "testimony", "x", "when", "w".repeat(201))));
        cases.add(new Case("too many files", Reason.TOO_MANY_ATTACHMENTS, site.post("/submit?lang=ru", form(token)
                .file(SubmissionService.ATTACHMENTS_FIELD, "1.txt", "text/plain", new byte[1])
                .file(SubmissionService.ATTACHMENTS_FIELD, "2.txt", "text/plain", new byte[1])
                .file(SubmissionService.ATTACHMENTS_FIELD, "3.txt", "text/plain", new byte[1]))));
        cases.add(new Case("large file", Reason.ATTACHMENT_TOO_LARGE, site.post("/submit?lang=ru", form(token)
                .file(SubmissionService.ATTACHMENTS_FIELD, "big.bin", "application/octet-stream", new byte[100_001]))));
        cases.add(new Case("large request", Reason.REQUEST_TOO_LARGE, site.post("/submit?lang=ru", form(token)
                .file(SubmissionService.ATTACHMENTS_FIELD, "big.bin", "application/octet-stream", new byte[1 << 20]))));
        cases.add(new Case("unreadable video", Reason.UNREADABLE_MEDIA, site.post("/submit?lang=ru", form(token)
                .file(SubmissionService.ATTACHMENTS_FIELD, "video.mp4", "video/mp4",
                        Files.readAllBytes(Path.of("src/test/resources/media/truncated.mp4"))))));
        cases.add(new Case("keep-metadata after a file", Reason.MALFORMED_FORM, site.post("/submit?lang=ru", form(token)
                .file(SubmissionService.ATTACHMENTS_FIELD, "1.txt", "text/plain", new byte[1])
                .field(SubmissionService.KEEP_METADATA_FIELD, SubmissionService.KEEP_METADATA_YES))));
        cases.add(new Case("not multipart", Reason.MALFORMED_FORM, site.send("POST", "/submit?lang=ru",
                HttpRequest.BodyPublishers.ofString("testimony=x"), "Content-Type", "application/x-www-form-urlencoded")));
        cases.add(new Case("broken multipart", Reason.MALFORMED_FORM, site.send("POST", "/submit?lang=ru",
                HttpRequest.BodyPublishers.ofString("--b\r\nnonsense"), "Content-Type", "multipart/form-data; boundary=b")));
        cases.add(new Case("plaintext as ciphertext", Reason.NOT_CIPHERTEXT,
                site.post("/api/submissions?lang=ru", encrypted(token, "testimony as plaintext".getBytes()))));
        cases.add(new Case("armored plaintext", Reason.NOT_CIPHERTEXT, site.post("/api/submissions?lang=ru",
                encrypted(token, "-----BEGIN PGP MESSAGE-----\n\nowE=\n-----END PGP MESSAGE-----\n".getBytes()))));
        cases.add(new Case("another office's key", Reason.WRONG_RECIPIENT, site.post("/api/submissions?lang=ru",
                encrypted(token, MessageEncryptor.encrypt(otherOffice, "{}".getBytes())))));
        byte[] good = MessageEncryptor.encrypt(office(), "{}".getBytes());
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 10);
        cases.add(new Case("truncated ciphertext", Reason.NOT_CIPHERTEXT,
                site.post("/api/submissions?lang=ru", encrypted(token, truncated))));
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 3);
        cases.add(new Case("data after the ciphertext", Reason.NOT_CIPHERTEXT,
                site.post("/api/submissions?lang=ru", encrypted(token, trailing))));

        Messages messages = Messages.load();
        List<String> failures = new ArrayList<>();
        for (Case refused : cases) {
            String body = refused.response().body();
            if (refused.response().statusCode() != ErrorController.statusOf(refused.expected()).getCode()) {
                failures.add(refused.what() + ": status " + refused.response().statusCode() + " " + excerpt(body));
            }
            // the message up to its first placeholder, which the page fills with a limit
            String message = messages.text(Language.RU, refused.expected().messageKey()).split("\\{")[0];
            if (!body.contains(Html.escaped(message))) {
                failures.add(refused.what() + ": not the message of " + refused.expected() + ": " + excerpt(body));
            }
            if (!HeadersTest.problems(refused.what(), refused.response().headers().map()).isEmpty()) {
                failures.add(refused.what() + ": headers " + refused.response().headers().map());
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(List.of(), storedFiles(), "nothing of a refused submission is kept");
        assertEquals(200, site.get("/").statusCode());
    }

    @Test
    void aStalledUploadIsDroppedAndNothingKept() throws Exception {
        try (Socket socket = new Socket(site.uri("/").getHost(), site.uri("/").getPort())) {
            socket.setSoTimeout(20_000);
            String start = "--b\r\nContent-Disposition: form-data; name=\"" + SubmissionService.FORM_TOKEN_FIELD
                    + "\"\r\n\r\n" + site.formToken() + "\r\n--b\r\nContent-Disposition: form-data; name=\"testimony\""
                    + "\r\n\r\nthe beginning of a testimony, then silence";
            OutputStream out = socket.getOutputStream();
            out.write(("POST /submit HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                    + "Content-Length: 100000\r\n\r\n" + start).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            long waited = System.nanoTime();
            byte[] answer = in.readAllBytes(); // the server answers or closes once the idle timeout passed
            long seconds = Duration.ofNanos(System.nanoTime() - waited).toSeconds();
            assertEquals(true, seconds >= 2 && seconds < 15, "dropped after about " + seconds + " s: "
                    + new String(answer, StandardCharsets.UTF_8));
        }
        assertEquals(List.of(), storedFiles());
        assertEquals(200, site.get("/").statusCode());
    }

    @Test
    void anUploadCutOffMidwayKeepsNothing() throws Exception {
        try (Socket socket = new Socket(site.uri("/").getHost(), site.uri("/").getPort())) {
            String start = "--b\r\nContent-Disposition: form-data; name=\"" + SubmissionService.FORM_TOKEN_FIELD
                    + "\"\r\n\r\n" + site.formToken() + "\r\n--b\r\nContent-Disposition: form-data; name=\"testimony\""
                    + "\r\n\r\nx\r\n--b\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"a.bin\"\r\n\r\n"
                    + "part of a file";
            socket.getOutputStream().write(("POST /submit HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 90000\r\n\r\n" + start)
                    .getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        }
        Thread.sleep(500);
        assertEquals(List.of(), storedFiles());
        assertEquals(200, site.get("/").statusCode());
    }

    @Test
    void browserCiphertextIsAcceptedAndSaidSo() throws Exception {
        HttpResponse<String> received = site.post("/api/submissions?lang=en",
                encrypted(site.formToken(), MessageEncryptor.encrypt(office(), "{}".getBytes())));
        assertEquals(200, received.statusCode(), received.body());
        assertEquals(true, received.body().contains("encrypted in your browser"), received.body());
    }

    private static TestSite.Multipart form(String token) {
        return new TestSite.Multipart().field(SubmissionService.FORM_TOKEN_FIELD, token).field("testimony", "x");
    }

    /** A JavaScript-on upload: the token, then the testimony part as the browser sends a Blob. */
    private static TestSite.Multipart encrypted(String token, byte[] testimony) {
        return new TestSite.Multipart().field(SubmissionService.FORM_TOKEN_FIELD, token)
                .file("testimony", "testimony.json.pgp", "application/octet-stream", testimony);
    }

    private static OfficeCertificate office() throws Exception {
        return TestOffice.key().certificate();
    }

    /** Submission files in the data directory, committed or still incoming. */
    private static List<String> storedFiles() throws IOException {
        List<String> files = new ArrayList<>();
        for (String area : List.of("incoming", "submissions")) {
            try (Stream<Path> walk = Files.walk(site.dataDirectory.resolve(area))) {
                walk.filter(Files::isRegularFile).forEach(f -> files.add(f.toString()));
            }
        }
        return files;
    }

    private static String excerpt(String body) {
        int main = body.indexOf("<main>");
        return body.substring(Math.max(0, main), Math.min(body.length(), Math.max(0, main) + 300));
    }
}
