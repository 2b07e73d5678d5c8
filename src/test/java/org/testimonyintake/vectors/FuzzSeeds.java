package org.testimonyintake.vectors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.testimonyintake.format.BundleManifest;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.format.PartName;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.format.TestimonyDocument.Answer;
import org.testimonyintake.format.TestimonyDocument.Attachment;
import org.testimonyintake.fuzz.TestOnlyKey;

/**
 * Writes the seed inputs of the fuzz tests (Jazzer's layout, {@code <package>/<TestClass>Inputs/<method>/}) under
 * src/test/resources: real inputs (the decryption vectors, documents and bundles as this program writes them,
 * encrypted to the TEST-ONLY key) and a few broken ones. Run from the project root:
 * {@code java -cp target/test-classes:target/classes:$(deps) org.testimonyintake.vectors.FuzzSeeds}.
 * Inputs of FuzzedDataProvider targets end with 13 octets of numbers (read sizes; FuzzedDataProvider reads them from
 * the end), so the message or body before them is intact.
 */
public final class FuzzSeeds {
    private static final Path RESOURCES = Path.of("src/test/resources/org/testimonyintake");
    private static final String BOUNDARY = "----WebKitFormBoundaryFuzzSeedCorpus01";
    private static final LocalDate DAY = LocalDate.of(2026, 11, 27);
    private static final String FIRST = "0123456789abcdef0123456789abcdef";
    private static final String SECOND = "fedcba9876543210fedcba9876543210";
    private static final Random NUMBERS = new Random(11);

    private FuzzSeeds() {
    }

    public static void main(String[] arguments) throws Exception {
        inspectorSeeds(RESOURCES.resolve("format/CiphertextInspectorFuzzTestInputs/inspectInRandomReads"));
        documentSeeds(RESOURCES.resolve("format/DocumentParsersFuzzTestInputs/testimonyDocument"));
        manifestSeeds(RESOURCES.resolve("format/DocumentParsersFuzzTestInputs/bundleManifest"));
        multipartSeeds(RESOURCES.resolve("intake/web/MultipartFormFuzzTestInputs/readEveryPart"));
        bundleSeeds(RESOURCES.resolve("office/BundleDecryptionFuzzTestInputs/decryptBundle"));
    }

    private static void inspectorSeeds(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/vectors"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(DecryptionVector.FILE_SUFFIX)).sorted().toList()) {
                DecryptionVector vector = DecryptionVector.read(file);
                write(directory, vector.name(), withReadSizes(vector.message()));
            }
        }
    }

    private static void documentSeeds(Path directory) throws IOException {
        write(directory, "server-form", serverDocument().toJson());
        write(directory, "browser-segments", browserDocument().toJson());
        write(directory, "returning", new TestimonyDocument("ko", "server",
                List.of(Answer.text("testimony", "무슨 일이 있었습니까?", "돌아왔습니다.")), List.of(),
                new TestimonyDocument.Reply(SECOND, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ\n-----END PGP PUBLIC KEY BLOCK-----\n"))
                .toJson());
        String good = new String(serverDocument().toJson(), StandardCharsets.UTF_8);
        write(directory, "broken-truncated", good.substring(0, good.length() / 2).getBytes(StandardCharsets.UTF_8));
        write(directory, "broken-duplicate-member", good.replaceFirst("\\{", "{\"language\":\"en\",").getBytes(StandardCharsets.UTF_8));
        write(directory, "broken-version", good.replace("\"version\":1", "\"version\":2").getBytes(StandardCharsets.UTF_8));
        write(directory, "broken-deep", ("[".repeat(2000) + "]".repeat(2000)).getBytes(StandardCharsets.US_ASCII));
        write(directory, "broken-lone-surrogate", good.replace("Я", "\\ud800").getBytes(StandardCharsets.UTF_8));
    }

    private static void manifestSeeds(Path directory) throws Exception {
        String subkey = TestOnlyKey.certificate().currentSubkey().keyId();
        BundleManifest manifest = new BundleManifest(DAY, List.of(
                new BundleManifest.Submission(FIRST, DAY, "server", subkey,
                        List.of(new BundleManifest.Part("testimony.json.pgp", 812), new BundleManifest.Part("attachment-1.pgp", 20_000))),
                new BundleManifest.Submission(SECOND, DAY.minusDays(1), "browser", subkey,
                        List.of(new BundleManifest.Part("testimony.json.pgp", 700), new BundleManifest.Part("attachment-1-2.pgp", 5)))));
        write(directory, "two-submissions", manifest.toJson());
        write(directory, "empty", new BundleManifest(DAY, List.of()).toJson());
        String good = new String(manifest.toJson(), StandardCharsets.UTF_8);
        write(directory, "broken-path-in-id", good.replace(FIRST, "../../../../etc/passwd").getBytes(StandardCharsets.UTF_8));
        write(directory, "broken-negative-size", good.replace("20000", "-1").getBytes(StandardCharsets.UTF_8));
        write(directory, "broken-truncated", good.substring(0, good.length() - 7).getBytes(StandardCharsets.UTF_8));
    }

    private static void multipartSeeds(Path directory) throws IOException {
        byte[] photo = new byte[600];
        NUMBERS.nextBytes(photo);
        byte[] javascriptOff = new Form().field("form-token", "v1.20261127.abcdef")
                .field("lang", "ru").field("testimony", "Я бежал с лесозаготовок.\r\n강제노동 벌목장에서 도망쳤다.")
                .file("attachments", "C:\\Users\\me\\사진.jpg", "image/jpeg", photo)
                .file("attachments", "", "application/octet-stream", new byte[0]).end();
        write(directory, "javascript-off", withReadSizes(javascriptOff));
        byte[] browser = new Form().field("form-token", "v1.20261127.abcdef")
                .file("testimony.json.pgp", "testimony.json.pgp", "application/pgp-encrypted", photo)
                .file("attachment-1.pgp", "attachment-1.pgp", "application/pgp-encrypted", Arrays.copyOf(photo, 100)).end();
        write(directory, "browser-encrypted", withReadSizes(browser));
        String text = new String(javascriptOff, StandardCharsets.ISO_8859_1);
        write(directory, "broken-no-end", withReadSizes(Arrays.copyOf(javascriptOff, javascriptOff.length - 8)));
        write(directory, "broken-bare-lf", withReadSizes(text.replace("\r\n", "\n").getBytes(StandardCharsets.ISO_8859_1)));
        write(directory, "broken-no-name", withReadSizes(text.replaceFirst("; name=\"form-token\"", "").getBytes(StandardCharsets.ISO_8859_1)));
        write(directory, "broken-long-header", withReadSizes(text.replaceFirst("name=\"lang\"",
                "name=\"lang\"; x=\"" + "x".repeat(11_000) + "\"").getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static void bundleSeeds(Path directory) throws Exception {
        OfficeCertificate office = TestOnlyKey.certificate();
        byte[] photo = "\u00ff\u00d8 not really a JPEG".getBytes(StandardCharsets.ISO_8859_1);
        byte[][] segments = {"first segment ".getBytes(StandardCharsets.US_ASCII), "second".getBytes(StandardCharsets.US_ASCII)};
        Map<String, byte[]> firstParts = new LinkedHashMap<>();
        firstParts.put("testimony.json.pgp", MessageEncryptor.encrypt(office, serverDocument(photo).toJson()));
        firstParts.put("attachment-1.pgp", MessageEncryptor.encrypt(office, photo));
        Map<String, byte[]> secondParts = new LinkedHashMap<>();
        secondParts.put("testimony.json.pgp", MessageEncryptor.encrypt(office, browserDocument(segments).toJson()));
        secondParts.put("attachment-1-1.pgp", MessageEncryptor.encrypt(office, segments[0]));
        secondParts.put("attachment-1-2.pgp", MessageEncryptor.encrypt(office, segments[1]));
        write(directory, "two-submissions", bundle(office, Map.of(FIRST, firstParts, SECOND, secondParts)));
        Map<String, byte[]> tampered = new LinkedHashMap<>(firstParts);
        byte[] attachment = tampered.get("attachment-1.pgp").clone();
        attachment[attachment.length - 5] ^= 1;
        tampered.put("attachment-1.pgp", attachment);
        write(directory, "tampered-attachment", bundle(office, Map.of(FIRST, tampered)));
        Map<String, byte[]> missing = new LinkedHashMap<>(secondParts);
        missing.remove("attachment-1-2.pgp");
        write(directory, "missing-segment", bundle(office, Map.of(SECOND, missing)));
        byte[] good = bundle(office, Map.of(FIRST, firstParts));
        write(directory, "broken-truncated-zip", Arrays.copyOf(good, good.length - 40));
        write(directory, "broken-not-zip", "PK\u0003\u0004 and nothing more".getBytes(StandardCharsets.ISO_8859_1));
    }

    private static TestimonyDocument serverDocument() {
        return serverDocument(new byte[] {1, 2, 3});
    }

    private static TestimonyDocument serverDocument(byte[] photo) {
        return new TestimonyDocument("ru", "server",
                List.of(Answer.text("testimony", "Что случилось?", "Я бежал с лесозаготовок <script>alert(1)</script>"),
                        Answer.choices("where", "Где?", List.of("russia-far-east", "other"))),
                List.of(new Attachment(1, "../etc/passwd \"photo\".jpg", "image/jpeg", photo.length, sha256(photo))));
    }

    private static TestimonyDocument browserDocument() {
        return browserDocument(new byte[][] {{1}, {2}});
    }

    private static TestimonyDocument browserDocument(byte[][] segments) {
        List<String> digests = Stream.of(segments).map(FuzzSeeds::sha256).toList();
        long size = Stream.of(segments).mapToLong(s -> s.length).sum();
        return new TestimonyDocument("en", "browser", List.of(Answer.text("testimony", null, "I fled the logging camp.")),
                List.of(new Attachment(1, "video.mp4", "video/mp4", size, null, digests)));
    }

    private static byte[] bundle(OfficeCertificate office, Map<String, Map<String, byte[]>> submissions) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<BundleManifest.Submission> listed = new ArrayList<>();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, Map<String, byte[]>> submission : submissions.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey()).toList()) {
                List<BundleManifest.Part> parts = new ArrayList<>();
                for (Map.Entry<String, byte[]> part : submission.getValue().entrySet()) {
                    zip.putNextEntry(new ZipEntry(submission.getKey() + "/" + part.getKey()));
                    zip.write(part.getValue());
                    zip.closeEntry();
                    parts.add(new BundleManifest.Part(part.getKey(), part.getValue().length));
                }
                String encryptedBy = submission.getValue().containsKey("attachment-1-1.pgp") ? "browser" : "server";
                listed.add(new BundleManifest.Submission(submission.getKey(), DAY, encryptedBy,
                        office.currentSubkey().keyId(), parts));
            }
            zip.putNextEntry(new ZipEntry(BundleManifest.ENTRY_NAME));
            zip.write(new BundleManifest(DAY, listed).toJson());
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    /** The input followed by the numbers FuzzedDataProvider reads from the end: no size limit, then read sizes. */
    private static byte[] withReadSizes(byte[] input) {
        byte[] numbers = new byte[13];
        NUMBERS.nextBytes(numbers);
        numbers[0] = 0; // consumeBoolean() false: no size limit
        byte[] seed = Arrays.copyOf(input, input.length + numbers.length);
        System.arraycopy(numbers, 0, seed, input.length, numbers.length);
        return seed;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path directory, String name, byte[] content) throws IOException {
        Files.createDirectories(directory);
        Files.write(directory.resolve(name), content);
    }

    /** A multipart/form-data body as browsers write it. */
    private static final class Form {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Form field(String name, String value) {
            return part("Content-Disposition: form-data; name=\"" + name + "\"\r\n", value.getBytes(StandardCharsets.UTF_8));
        }

        Form file(String name, String fileName, String type, byte[] content) {
            return part("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"\r\n"
                    + "Content-Type: " + type + "\r\n", content);
        }

        private Form part(String headers, byte[] content) {
            body.writeBytes(("--" + BOUNDARY + "\r\n" + headers + "\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(content);
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        byte[] end() {
            body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            return body.toByteArray();
        }
    }
}
