package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.format.PartName;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.intake.MarkerScan;
import org.testimonyintake.intake.TestOffice;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.intake.metadata.MediaVectors;
import org.testimonyintake.interop.ExternalTool;
import org.testimonyintake.interop.GnuPG;
import org.testimonyintake.interop.Sequoia;
import org.testimonyintake.office.CaseFolder;
import org.testimonyintake.office.MessageDecryptor;
import org.testimonyintake.office.OfficeKey;
import org.testimonyintake.store.SubmissionStore;

/**
 * Issue 4's cases in real browsers, end to end: the real server with a real data directory and a TEST-ONLY office key,
 * src/test/browser/browser-suite.mjs driving Chromium and Firefox ESR against it (it checks what the browsers sent
 * and showed), then an export decrypted with the office code: every file arrives byte for byte, photo, video and HEIC
 * metadata as the source chose, in both JavaScript modes. All failures are collected, so one run shows all of them.
 */
class BrowserEncryptionTest {
    private static final Path SUITE = Path.of("src/test/browser/browser-suite.mjs");
    private static final long SUITE_TIMEOUT_SECONDS = 360;
    private static final List<String> CASES = List.of("chromium", "firefox", "noScript", "wrongKey", "resumed",
            "photoStripped", "keptChromium", "keptFirefox", "returning", "mediaChromium", "mediaFirefox", "mediaNoScript",
            "keptNoScript");
    /** A phone video with its place, times and XMP GPS (src/test/resources/media/phone.mp4.expect). */
    private static final Path VIDEO = MediaVectors.DIRECTORY.resolve("phone.mp4");
    /** A HEIC photo with EXIF GPS, maker, model and date, and XMP (photo.heic.expect). */
    private static final Path HEIC = MediaVectors.DIRECTORY.resolve("photo.heic");
    /** A file of each kind whose metadata the cleaning removes, for the cases that keep it. */
    private static final List<Path> KEPT = List.of(VIDEO, MediaVectors.DIRECTORY.resolve("phone.mov"), HEIC,
            MediaVectors.DIRECTORY.resolve("photo.jpg"));
    /** The answers every case fills in (browser-suite.mjs, questionnaire()). */
    private static final String NARRATIVE = "벌목장에서 도망쳤습니다. ";

    @TempDir
    Path directory;

    @Test
    void browsersSendOnlyCiphertextAndTheOfficeReadsExactlyWhatWasChosen() throws Exception {
        Map<String, String> markers = new LinkedHashMap<>();
        CASES.forEach(name -> markers.put(name, "MARKER-" + name + "-" + Long.toHexString(new Random().nextLong())));
        Path document = Files.write(directory.resolve("진술서.pdf"), fileWithMarkers(300_000, markers));
        Path large = Files.write(directory.resolve("video.mp4"), fileWithMarkers(10_000_000, markers));
        byte[] photoWithoutMetadata = jpeg();
        Path photoFile = Files.write(directory.resolve("photo.jpg"), withGpsExif(photoWithoutMetadata));
        Path otherKey = Files.writeString(directory.resolve("other.asc"),
                OfficeKey.generate(KeyProfile.COMPAT, "Impostor <x@example.org>", TestOffice.PASSPHRASE).certificate().armored());

        List<String> failures = new ArrayList<>();
        Path data;
        try (TestSite site = TestSite.start(directory)) {
            data = site.dataDirectory;
            Properties korean = messages("ko");
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("serverPort", site.uri("/").getPort());
            config.put("resultsFile", directory.resolve("results.json").toString());
            config.put("markers", markers);
            config.put("files", Map.of("document", document.toString(), "large", large.toString(),
                    "photo", photoFile.toString(), "otherKey", otherKey.toString(),
                    "video", VIDEO.toAbsolutePath().toString(), "heic", HEIC.toAbsolutePath().toString(),
                    "kept", KEPT.stream().map(file -> file.toAbsolutePath().toString()).toList()));
            config.put("texts", Map.of(
                    "encryptedInBrowser", before(korean.getProperty("received.encrypted-in-browser"), "{"),
                    "encryptedOnServer", before(korean.getProperty("received.encrypted-on-server"), "{"),
                    "keyMismatch", korean.getProperty("js.key-mismatch"),
                    "receiptWarning", korean.getProperty("received.receipt-warning"),
                    "noReplies", korean.getProperty("return.no-replies")));
            Path configFile = Files.writeString(directory.resolve("config.json"), JSON.std.asString(config));
            failures.addAll(runSuite(SUITE, SUITE_TIMEOUT_SECONDS, configFile, directory.resolve("results.json")));
        }

        Map<String, Path> submissions = decryptAll(data);
        for (String browser : List.of("chromium", "firefox")) {
            expectReadableByGnuPGAndSequoia(failures, submissions.get(markers.get(browser)), Files.readAllBytes(document));
        }
        expectReadableByGnuPGAndSequoia(failures, submissions.get(markers.get("resumed")), Files.readAllBytes(large));
        expectBrowserSubmission(failures, submissions, markers.get("chromium"), "browser", Files.readAllBytes(document));
        expectBrowserSubmission(failures, submissions, markers.get("firefox"), "browser", Files.readAllBytes(document));
        expectBrowserSubmission(failures, submissions, markers.get("noScript"), "server", Files.readAllBytes(document));
        expectBrowserSubmission(failures, submissions, markers.get("returning"), "server", Files.readAllBytes(document));
        if (submissions.containsKey(markers.get("returning")) && TestimonyDocument.parse(Files.readAllBytes(
                submissions.get(markers.get("returning")).resolve("testimony.json"))).returning().isEmpty()) {
            failures.add("the returning source's testimony carries no reply key");
        }
        expectBrowserSubmission(failures, submissions, markers.get("resumed"), "browser", Files.readAllBytes(large));
        expectBrowserSubmission(failures, submissions, markers.get("photoStripped"), "browser", photoWithoutMetadata);
        // The cleaned files are the ones MetadataRemoverTest proves clean (ffprobe and exiftool find no place or time).
        byte[] video = Files.readAllBytes(VIDEO);
        byte[] cleanedVideo = MediaVectors.cleaned(video);
        byte[] location = "<exif:GPSLatitude>37,33.99N".getBytes(StandardCharsets.US_ASCII); // exiftool's XMP
        if (!contains(video, location) || contains(cleanedVideo, location)) {
            failures.add("the video vector does not carry its location, or the cleaned one still does");
        }
        byte[] cleanedHeic = MediaVectors.cleaned(Files.readAllBytes(HEIC));
        String heicPicture = MediaVectors.decodedMd5(HEIC, directory);
        for (String name : List.of("mediaChromium", "mediaFirefox", "mediaNoScript")) {
            List<Path> arrived = expectBrowserSubmission(failures, submissions, markers.get(name),
                    name.equals("mediaNoScript") ? "server" : "browser", cleanedVideo, cleanedHeic);
            if (arrived.size() == 2) {
                expectCleanHeic(failures, markers.get(name), arrived.get(1), heicPicture);
            }
        }
        List<byte[]> kept = new ArrayList<>();
        for (Path file : KEPT) {
            byte[] original = Files.readAllBytes(file);
            if (Arrays.equals(original, MediaVectors.cleaned(original))) {
                failures.add(file + ": the cleaning leaves it as it is, so keeping it proves nothing");
            }
            kept.add(original);
        }
        expectBrowserSubmission(failures, submissions, markers.get("keptChromium"), "browser", kept.toArray(byte[][]::new));
        expectBrowserSubmission(failures, submissions, markers.get("keptFirefox"), "browser", kept.toArray(byte[][]::new));
        expectBrowserSubmission(failures, submissions, markers.get("keptNoScript"), "server", kept.toArray(byte[][]::new));
        if (submissions.containsKey(markers.get("wrongKey"))) {
            failures.add("wrongKey: a submission arrived although the served key was not the page's");
        }
        // every case but wrongKey sends one
        if (submissions.size() != CASES.size() - 1) {
            failures.add("expected " + (CASES.size() - 1) + " submissions, found " + submissions.size());
        }
        try (Stream<Path> uploads = Files.list(data.resolve("uploads"))) {
            List<Path> left = uploads.toList();
            if (!left.isEmpty()) {
                failures.add("partial uploads left behind: " + left);
            }
        }
        for (String marker : markers.values()) {
            List<Path> found = MarkerScan.filesContaining(data, marker);
            if (!found.isEmpty()) {
                failures.add("plaintext marker " + marker + " in " + found);
            }
        }
        assertEquals(List.of(), failures);
    }

    /** Runs a node suite, its output going to the build log; returns its failures. */
    static List<String> runSuite(Path suite, long timeoutSeconds, Path configFile, Path resultsFile) throws Exception {
        Process node = new ProcessBuilder("node", suite.toString(), configFile.toString())
                .redirectErrorStream(true).start();
        Thread echo = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(line -> System.out.println("[" + suite.getFileName() + "] " + line));
            } catch (IOException e) {
                System.out.println("[" + suite.getFileName() + "] output lost: " + e);
            }
        });
        echo.start();
        if (!node.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
            return List.of(suite.getFileName() + " did not finish within " + timeoutSeconds + " s");
        }
        echo.join();
        if (!Files.exists(resultsFile)) {
            return List.of(suite.getFileName() + " exited with " + node.exitValue() + " and wrote no results");
        }
        List<String> failures = new ArrayList<>();
        for (Object result : JSON.std.listFrom(Files.readString(resultsFile))) {
            Map<?, ?> outcome = (Map<?, ?>) result;
            if (!Boolean.TRUE.equals(outcome.get("passed"))) {
                failures.add(outcome.get("name") + ": " + outcome.get("problem"));
            }
        }
        return failures;
    }

    /** Exports everything that arrived and decrypts it as staff do; submission folders by the marker they carry. */
    private Map<String, Path> decryptAll(Path data) throws Exception {
        Path bundle = directory.resolve("bundle.zip");
        try (SubmissionStore store = SubmissionStore.open(data)) {
            store.exportBundle(bundle, false);
        }
        Path caseFolder = Files.createDirectory(directory.resolve("case"));
        List<CaseFolder.Outcome> outcomes = new CaseFolder(caseFolder,
                new MessageDecryptor(TestOffice.key().unlock(TestOffice.PASSPHRASE))).addBundle(bundle);
        assertTrue(outcomes.stream().allMatch(CaseFolder.Outcome::decrypted), outcomes.toString());
        Map<String, Path> byMarker = new HashMap<>();
        try (Stream<Path> folders = Files.list(caseFolder)) {
            for (Path folder : folders.filter(Files::isDirectory).toList()) {
                TestimonyDocument testimony = TestimonyDocument.parse(Files.readAllBytes(folder.resolve("testimony.json")));
                String narrative = testimony.answer("testimony").orElseThrow().values().get(0);
                byMarker.put(narrative.substring(narrative.lastIndexOf(' ') + 1), folder);
            }
        }
        return byMarker;
    }

    /**
     * Checks the submission carrying marker: its answers, who encrypted it, and its attachments, which must be
     * byte for byte the given ones in the order sent. Returns the attachments' decrypted files in that order (none
     * when their number is wrong).
     */
    private static List<Path> expectBrowserSubmission(List<String> failures, Map<String, Path> submissions,
                                                      String marker, String encryptedBy, byte[]... expected)
            throws Exception {
        Path folder = submissions.get(marker);
        if (folder == null) {
            failures.add(marker + ": did not arrive");
            return List.of();
        }
        TestimonyDocument testimony = TestimonyDocument.parse(Files.readAllBytes(folder.resolve("testimony.json")));
        check(failures, marker, "encryptedBy", encryptedBy, testimony.encryptedBy());
        check(failures, marker, "language", "ko", testimony.language());
        check(failures, marker, "narrative", List.of(NARRATIVE + marker), testimony.answer("testimony").orElseThrow().values());
        check(failures, marker, "narrative label", "무슨 일이 있었습니까?", testimony.answer("testimony").orElseThrow().label());
        check(failures, marker, "when", List.of("2019년 겨울"), testimony.answer("when").map(TestimonyDocument.Answer::values).orElse(null));
        check(failures, marker, "relation", List.of("witness"), testimony.answer("relation").map(TestimonyDocument.Answer::values).orElse(null));
        check(failures, marker, "consent", List.of("quote-anonymously"), testimony.answer("consent").map(TestimonyDocument.Answer::values).orElse(null));
        check(failures, marker, "answers", List.of("testimony", "when", "relation", "consent"),
                testimony.answers().stream().map(TestimonyDocument.Answer::id).toList());
        List<Path> attachments;
        // CaseFolder names each file "<part>-<name>"
        try (Stream<Path> files = Files.list(folder.resolve("attachments"))) {
            attachments = files.sorted(Comparator.comparingInt(file -> Integer.parseInt(
                    file.getFileName().toString().substring(0, file.getFileName().toString().indexOf('-'))))).toList();
        }
        if (attachments.size() != expected.length) {
            failures.add(marker + ": expected " + expected.length + " attachments, found " + attachments);
            return List.of();
        }
        for (int i = 0; i < expected.length; i++) {
            if (!Arrays.equals(expected[i], Files.readAllBytes(attachments.get(i)))) {
                failures.add(marker + ": " + attachments.get(i).getFileName() + " is not byte for byte as expected");
            }
        }
        return attachments;
    }

    /**
     * The HEIC photo as it arrived, judged by the real readers: exiftool finds none of the tags photo.heic.expect
     * lists as gone, and heif-convert still decodes the original's picture.
     */
    private void expectCleanHeic(List<String> failures, String marker, Path arrived, String picture) throws Exception {
        MediaVectors.exiftoolTagsLeft(HEIC, arrived).forEach(problem -> failures.add(marker + ": " + problem));
        try {
            check(failures, marker, "HEIC picture decoded", picture, MediaVectors.decodedMd5(arrived, directory));
        } catch (AssertionError notDecoded) {
            failures.add(marker + ": " + notDecoded.getMessage());
        }
    }

    /**
     * FORMAT.md section 1.1 promises that staff can read every message with GnuPG 2.2 and Sequoia sq 0.27: the
     * browser's testimony (openpgp.js) and its attachment's segments (the SEIPDv1 writer), straight from the bundle,
     * the segments' plaintexts joined in order.
     */
    private void expectReadableByGnuPGAndSequoia(List<String> failures, Path submission, byte[] attachment)
            throws Exception {
        if (submission == null) {
            return; // reported as not arrived
        }
        String id = submission.getFileName().toString().substring("YYYY-MM-DD-".length());
        Path messages = Files.createDirectories(directory.resolve("messages-" + id));
        List<PartName> parts = new ArrayList<>();
        try (ZipFile bundle = new ZipFile(directory.resolve("bundle.zip").toFile())) {
            for (ZipEntry entry : Collections.list(bundle.entries())) {
                if (entry.getName().startsWith(id + "/")) {
                    PartName part = PartName.parse(entry.getName().substring(id.length() + 1)).orElseThrow();
                    parts.add(part);
                    try (InputStream in = bundle.getInputStream(entry)) {
                        Files.copy(in, messages.resolve(part.toString()));
                    }
                }
            }
        }
        Collections.sort(parts);
        Path secretKey = TestOffice.secretKeyFile(Files.createDirectories(messages.resolve("key")));
        String passphrase = new String(TestOffice.PASSPHRASE);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        // The GnuPG home sits right in the temporary directory: gpg-agent's socket path has a length limit.
        try (GnuPG gpg = GnuPG.createIn(directory, passphrase)) {
            gpg.importKey(secretKey).requireSuccess();
            for (PartName part : parts) {
                Path byGpg = messages.resolve(part + ".gpg-out");
                Path bySq = messages.resolve(part + ".sq-out");
                ExternalTool.Outcome gpgOutcome = gpg.decrypt(messages.resolve(part.toString()), byGpg);
                ExternalTool.Outcome sqOutcome = Sequoia.createIn(messages).decrypt(secretKey, passphrase,
                        messages.resolve(part.toString()), bySq);
                if (gpgOutcome.exitCode() != 0 || sqOutcome.exitCode() != 0) {
                    failures.add(id + "/" + part + ": gpg exit " + gpgOutcome.exitCode() + " " + gpgOutcome.stderr()
                            + ", sq exit " + sqOutcome.exitCode() + " " + sqOutcome.stderr());
                    return;
                }
                byte[] plaintext = Files.readAllBytes(byGpg);
                if (!Arrays.equals(plaintext, Files.readAllBytes(bySq))) {
                    failures.add(id + "/" + part + ": gpg and sq disagree");
                }
                if (part.isTestimony() && !TestimonyDocument.looksLikeTestimony(plaintext)) {
                    failures.add(id + "/" + part + ": gpg's plaintext is not a testimony document");
                }
                if (!part.isTestimony()) {
                    joined.write(plaintext);
                }
            }
        }
        if (parts.stream().noneMatch(part -> part.segment() > 0)) {
            failures.add(id + ": the browser sent no attachment in segments: " + parts);
        }
        if (!Arrays.equals(attachment, Arrays.copyOf(joined.toByteArray(), attachment.length))) {
            failures.add(id + ": the segments' plaintexts joined by gpg are not what the browser encrypted");
        }
    }

    private static void check(List<String> failures, String marker, String what, Object expected, Object actual) {
        if (!expected.equals(actual)) {
            failures.add(marker + ": " + what + " expected " + expected + " but was " + actual);
        }
    }

    /** Random octets with every case's marker inside: a marker found in anything sent means plaintext was sent. */
    private static byte[] fileWithMarkers(int size, Map<String, String> markers) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        int position = 1000;
        for (String marker : markers.values()) {
            byte[] utf8 = marker.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(utf8, 0, bytes, position, utf8.length);
            position += size / (markers.size() + 1);
        }
        return bytes;
    }

    /** A small JPEG as a camera-less encoder writes it: SOI, JFIF APP0, tables, one scan, EOI. */
    private static byte[] jpeg() throws IOException {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 64; x++) {
            for (int y = 0; y < 48; y++) {
                image.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 0x40);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    /** The JPEG with an APP1 Exif segment right after SOI naming a GPS position, as a phone writes it. */
    private static byte[] withGpsExif(byte[] jpeg) {
        byte[] tiff = {
            'M', 'M', 0, 42, 0, 0, 0, 8,                       // big-endian TIFF, IFD0 at 8
            0, 1,                                              // IFD0: one entry
            (byte) 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, // GPSInfo (LONG) -> GPS IFD at 26
            0, 0, 0, 0,                                        // no next IFD
            0, 2,                                              // GPS IFD: two entries
            0, 1, 0, 2, 0, 0, 0, 2, 'N', 0, 0, 0,              // GPSLatitudeRef "N"
            0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 56,               // GPSLatitude, 3 RATIONAL at 56
            0, 0, 0, 0,
            0, 0, 0, 48, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 1, // 48° 28' 5"
        };
        byte[] header = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        int length = 2 + header.length + tiff.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(header);
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }

    private static Properties messages(String language) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = BrowserEncryptionTest.class.getResourceAsStream("/i18n/messages_" + language + ".properties");
             Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }

    private static String before(String text, String end) {
        return text.substring(0, text.indexOf(end)).strip();
    }
}
