package org.testimonyintake.intake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.intake.submission.Questionnaire;
import org.testimonyintake.intake.submission.SubmissionService;

/**
 * What sources send, by the three paths of FORMAT.md section 7, as HTTP requests to a {@link TestSite}; and the check
 * that the office's decrypted copy is what was sent, byte for byte. The browser's ciphertext is made as the browser
 * makes it (section 3 messages to the office key, attachments whole or in segments, padding after the file's bytes),
 * with the project's own encryptor.
 */
final class Sources {
    private static final Pattern UPLOAD_ID = Pattern.compile("\"id\":\"([0-9a-f]{32})\"");

    private Sources() {
    }

    /** A file a source attaches. */
    record File(String name, String mediaType, byte[] content) {
    }

    /** One source's testimony and files; {@code parts} holds the browser's ciphertext by part name, else it is empty. */
    record Testimony(String text, List<File> files, byte[] document, Map<String, byte[]> parts) {
        boolean encryptedByBrowser() {
            return document != null;
        }
    }

    /** Random bytes with {@code marker} written into the middle, so that a plaintext scan has something to find. */
    static byte[] content(Random random, int size, String marker) {
        byte[] content = new byte[size];
        random.nextBytes(content);
        byte[] octets = marker.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(octets, 0, content, size / 2, Math.min(octets.length, size - size / 2));
        return content;
    }

    /** For the JavaScript-off form: the server encrypts it. */
    static Testimony plain(String text, List<File> files) {
        return new Testimony(text, List.copyOf(files), null, Map.of());
    }

    /**
     * Encrypted as the form's script does: the first file whole, every other one in segments of {@code segmentSize},
     * each file followed by random padding inside its last message (section 9).
     */
    static Testimony encrypted(OfficeCertificate office, Random random, String text, List<File> files, int segmentSize)
            throws IOException {
        List<String> partNames = new ArrayList<>();
        List<TestimonyDocument.Attachment> attachments = new ArrayList<>();
        List<byte[]> messages = new ArrayList<>();
        for (int n = 1; n <= files.size(); n++) {
            File file = files.get(n - 1);
            byte[] padding = new byte[1 + random.nextInt(200)];
            random.nextBytes(padding);
            byte[] padded = Arrays.copyOf(file.content(), file.content().length + padding.length);
            System.arraycopy(padding, 0, padded, file.content().length, padding.length);
            if (n == 1) {
                attachments.add(new TestimonyDocument.Attachment(n, file.name(), file.mediaType(),
                        file.content().length, sha256(file.content())));
                partNames.add("attachment-" + n);
                messages.add(padded);
                continue;
            }
            List<String> segments = new ArrayList<>();
            for (int start = 0, k = 1; start < padded.length; start += segmentSize, k++) {
                byte[] segment = Arrays.copyOfRange(padded, start, Math.min(padded.length, start + segmentSize));
                segments.add(sha256(segment));
                partNames.add("attachment-" + n + "-" + k);
                messages.add(segment);
            }
            attachments.add(new TestimonyDocument.Attachment(n, file.name(), file.mediaType(), file.content().length,
                    null, segments));
        }
        byte[] document = new TestimonyDocument("en", TestimonyDocument.ENCRYPTED_BY_BROWSER,
                List.of(TestimonyDocument.Answer.text(Questionnaire.TESTIMONY, "What happened?", text)), attachments)
                .toJson();
        Map<String, byte[]> encrypted = new LinkedHashMap<>();
        encrypted.put("testimony", MessageEncryptor.encrypt(office, document));
        for (int i = 0; i < partNames.size(); i++) {
            encrypted.put(partNames.get(i), MessageEncryptor.encrypt(office, messages.get(i)));
        }
        return new Testimony(text, List.copyOf(files), document, encrypted);
    }

    /** POST /submit with JavaScript off; {@code leading} are fields sent right after the form token (a receipt). */
    static HttpResponse<String> postForm(TestSite site, String token, Testimony testimony, String... leading)
            throws IOException, InterruptedException {
        TestSite.Multipart form = new TestSite.Multipart().field(SubmissionService.FORM_TOKEN_FIELD, token);
        for (int i = 0; i + 1 < leading.length; i += 2) {
            form.field(leading[i], leading[i + 1]);
        }
        form.field(Questionnaire.TESTIMONY, testimony.text());
        for (File file : testimony.files()) {
            form.file(SubmissionService.ATTACHMENTS_FIELD, file.name(), file.mediaType(), file.content());
        }
        return site.post("/submit?lang=en", form);
    }

    /** POST /api/submissions: the browser's ciphertext in one request. */
    static HttpResponse<String> postCiphertext(TestSite site, String token, Testimony testimony)
            throws IOException, InterruptedException {
        TestSite.Multipart form = new TestSite.Multipart().field(SubmissionService.FORM_TOKEN_FIELD, token);
        testimony.parts().forEach((name, ciphertext) -> form.file(name, "blob", "application/octet-stream", ciphertext));
        return site.post("/api/submissions", form);
    }

    /** Each message as a resumable upload in chunks of {@code chunkSize} (section 7.1), then the submission naming them. */
    static HttpResponse<String> postResumable(TestSite site, String token, Testimony testimony, int chunkSize)
            throws IOException, InterruptedException {
        Map<String, String> uploads = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> part : testimony.parts().entrySet()) {
            String id = createUpload(site, token);
            byte[] message = part.getValue();
            for (int offset = 0; offset < message.length; offset += chunkSize) {
                appendChunk(site, id, offset, Arrays.copyOfRange(message, offset, Math.min(message.length, offset + chunkSize)));
            }
            uploads.put(part.getKey(), id);
        }
        return submitUploads(site, token, uploads);
    }

    /** POST /api/uploads: a new, empty upload; returns its id. */
    static String createUpload(TestSite site, String token) throws IOException, InterruptedException {
        HttpResponse<String> created = site.send("POST", "/api/uploads", HttpRequest.BodyPublishers.ofString(
                SubmissionService.FORM_TOKEN_FIELD + "=" + URLEncoder.encode(token, StandardCharsets.UTF_8)),
                "Content-Type", "application/x-www-form-urlencoded");
        Matcher id = UPLOAD_ID.matcher(created.body());
        if (created.statusCode() != 201 || !id.find()) {
            throw new IOException("POST /api/uploads answered " + created.statusCode() + " " + created.body());
        }
        return id.group(1);
    }

    /** POST /api/uploads/ID?offset=N; returns the acknowledged offset. */
    static long appendChunk(TestSite site, String id, long offset, byte[] chunk) throws IOException, InterruptedException {
        HttpResponse<String> appended = site.send("POST", "/api/uploads/" + id + "?offset=" + offset,
                HttpRequest.BodyPublishers.ofByteArray(chunk), "Content-Type", "application/octet-stream");
        if (appended.statusCode() != 200) {
            throw new IOException("a chunk was answered " + appended.statusCode() + " " + appended.body());
        }
        return offsetIn(appended.body());
    }

    /** GET /api/uploads/ID: the acknowledged offset a sender resumes from. */
    static long offset(TestSite site, String id) throws IOException, InterruptedException {
        HttpResponse<String> asked = site.get("/api/uploads/" + id);
        if (asked.statusCode() != 200) {
            throw new IOException("GET /api/uploads/" + id + " answered " + asked.statusCode() + " " + asked.body());
        }
        return offsetIn(asked.body());
    }

    /** POST /api/submissions/uploaded naming each part's upload. */
    static HttpResponse<String> submitUploads(TestSite site, String token, Map<String, String> uploads)
            throws IOException, InterruptedException {
        TestSite.Multipart form = new TestSite.Multipart().field(SubmissionService.FORM_TOKEN_FIELD, token);
        uploads.forEach(form::field);
        return site.post("/api/submissions/uploaded", form);
    }

    private static long offsetIn(String json) throws IOException {
        Matcher offset = Pattern.compile("\"offset\":([0-9]+)").matcher(json);
        if (!offset.find()) {
            throw new IOException("no offset in " + json);
        }
        return Long.parseLong(offset.group(1));
    }

    /** The submission's folder, as {@code intake-office decrypt} made it, holds exactly what the source sent. */
    static void assertDecrypted(Testimony sent, Path submissionFolder) throws Exception {
        byte[] json = Files.readAllBytes(submissionFolder.resolve("testimony.json"));
        TestimonyDocument document = TestimonyDocument.parse(json);
        if (sent.encryptedByBrowser()) {
            assertArrayEquals(sent.document(), json, "the browser's testimony document, octet for octet");
        } else {
            assertEquals(TestimonyDocument.ENCRYPTED_BY_SERVER, document.encryptedBy());
            assertEquals(List.of(sent.text()), document.answer(Questionnaire.TESTIMONY).orElseThrow().values());
        }
        assertEquals(sent.files().size(), document.attachments().size(), submissionFolder.toString());
        for (TestimonyDocument.Attachment attachment : document.attachments()) {
            File file = sent.files().get(attachment.part() - 1);
            assertEquals(file.name(), attachment.name());
            assertArrayEquals(file.content(), Files.readAllBytes(
                    submissionFolder.resolve("attachments").resolve(attachment.part() + "-" + file.name())),
                    "attachment " + attachment.part() + " of " + submissionFolder);
        }
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
