package org.testimonyintake.office;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.BundleManifest;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.format.PartName;
import org.testimonyintake.format.TestimonyDocument;

/** Export bundles, as FORMAT.md section 8 defines them, turned into a case folder. */
class CaseFolderTest {
    static final char[] PASSPHRASE = "test only: case folder passphrase".toCharArray();
    static final byte[] PHOTO = "\u00ff\u00d8 not really a JPEG, but bytes".getBytes(StandardCharsets.ISO_8859_1);
    static final String FIRST = "0123456789abcdef0123456789abcdef";
    static final String SECOND = "fedcba9876543210fedcba9876543210";

    static OfficeCertificate office;
    static MessageDecryptor decryptor;

    @TempDir
    Path dir;

    @BeforeAll
    static void officeKey() throws Exception {
        OfficeKey key = OfficeKey.generate(KeyProfile.COMPAT, "Case folder test", PASSPHRASE);
        office = key.certificate();
        decryptor = new MessageDecryptor(key.unlock(PASSPHRASE));
    }

    @Test
    void bundleBecomesOneFolderPerSubmissionWithViewsAttachmentsAndIndex() throws Exception {
        Path bundle = bundle(MessageEncryptor.encrypt(office, PHOTO));
        Path folder = Files.createDirectory(dir.resolve("case"));

        List<CaseFolder.Outcome> outcomes = new CaseFolder(folder, decryptor).addBundle(bundle);

        assertTrue(outcomes.stream().allMatch(CaseFolder.Outcome::decrypted), outcomes.toString());
        Path first = folder.resolve("2026-11-27-" + FIRST);
        assertArrayEquals(PHOTO, Files.readAllBytes(first.resolve("attachments/1-_.._etc_passwd _photo_.jpg")));
        assertTrue(Files.readString(first.resolve("testimony.html")).contains("Я бежал с лесозаготовок"));
        String index = Files.readString(folder.resolve(CaseFolder.INDEX));
        assertTrue(index.contains("2026-11-27-" + FIRST + "/testimony.html") && index.contains("2026-11-27-" + SECOND + "/testimony.html"), index);
        assertFalse(index.contains("<script>alert"), "testimony text in the index is escaped");
    }

    @Test
    void casesTheServerForgotAreListedOnEveryIndexPageOnceWithTheirFirstDate() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("case"));
        CaseFolder cases = new CaseFolder(folder, decryptor);
        String forgotten = "00112233445566778899aabbccddeeff";
        cases.addBundle(bundle(new BundleManifest(LocalDate.of(2026, 12, 6), List.of(),
                List.of(new BundleManifest.ForgottenCase(forgotten, LocalDate.of(2026, 12, 5))))));
        cases.addBundle(bundle(photo(), Map.of("attachment-1.pgp", MessageEncryptor.encrypt(office, PHOTO))));
        cases.addBundle(bundle(new BundleManifest(LocalDate.of(2026, 12, 9), List.of(),
                List.of(new BundleManifest.ForgottenCase(forgotten, LocalDate.of(2026, 12, 8))))));

        for (String page : List.of(CaseFolder.INDEX, "index-newest-first.html", "index-language-ru.html")) {
            String html = Files.readString(folder.resolve(page));
            assertTrue(html.contains("forgotten on the server: case " + forgotten + ", 2026-12-05"), page);
            assertEquals(1, html.split(forgotten, -1).length - 1, "reported twice, listed once: " + page);
        }
    }

    private Path bundle(BundleManifest manifest) throws Exception {
        Path bundle = Files.createTempFile(dir, "bundle-", ".zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bundle))) {
            put(zip, BundleManifest.ENTRY_NAME, manifest.toJson());
        }
        return bundle;
    }

    @Test
    void aTamperedAttachmentLeavesNothingOfItsSubmission() throws Exception {
        byte[] tampered = MessageEncryptor.encrypt(office, PHOTO);
        tampered[tampered.length - 5] ^= 1;
        Path bundle = bundle(tampered);
        Path folder = Files.createDirectory(dir.resolve("case"));

        List<CaseFolder.Outcome> outcomes = new CaseFolder(folder, decryptor).addBundle(bundle);

        CaseFolder.Outcome first = outcomes.stream().filter(o -> o.submissionId().equals(FIRST)).findFirst().orElseThrow();
        assertTrue(first.problem().startsWith("attachment 1: cannot decrypt: integrity check failed"), first.problem());
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of("2026-11-27-" + SECOND), files.map(p -> p.getFileName().toString())
                            .filter(name -> !name.matches("index[a-z0-9-]*\\.html")).sorted().toList(),
                    "neither the good testimony of the tampered submission nor any temporary folder is left");
        }
    }

    @Test
    void anAttachmentThatDoesNotMatchItsTestimonyIsRefused() throws Exception {
        Path bundle = bundle(MessageEncryptor.encrypt(office, "swapped content".getBytes(StandardCharsets.UTF_8)));
        Path folder = Files.createDirectory(dir.resolve("case"));
        List<CaseFolder.Outcome> outcomes = new CaseFolder(folder, decryptor).addBundle(bundle);
        assertTrue(outcomes.stream().anyMatch(o -> !o.decrypted() && o.problem().contains("does not match the size and SHA-256")));
        assertFalse(Files.exists(folder.resolve("2026-11-27-" + FIRST)));
    }

    @Test
    void anAttachmentInSegmentsIsJoinedCheckedAndCutToItsSize() throws Exception {
        byte[][] segments = {random(1000), random(1000), random(600)};
        Path bundle = bundle(segmentedVideo(segments, 2500), segmentParts(segments[0], segments[1], segments[2]));
        Path folder = Files.createDirectory(dir.resolve("case"));

        List<CaseFolder.Outcome> outcomes = new CaseFolder(folder, decryptor).addBundle(bundle);

        assertTrue(outcomes.stream().allMatch(CaseFolder.Outcome::decrypted), outcomes.toString());
        byte[] joined = Files.readAllBytes(folder.resolve("2026-11-27-" + FIRST + "/attachments/1-video.mp4"));
        byte[] expected = new byte[2500];
        System.arraycopy(segments[0], 0, expected, 0, 1000);
        System.arraycopy(segments[1], 0, expected, 1000, 1000);
        System.arraycopy(segments[2], 0, expected, 2000, 500);
        assertArrayEquals(expected, joined, "the segments in order, without the last 100 octets of padding");
    }

    @Test
    void theViewLinksEachAttachmentSaysWhichHashMatchedAndNeverShowsNull() throws Exception {
        byte[][] segments = {random(1000), random(1000), random(600)};
        Path bundle = bundle(segmentedVideo(segments, 2500), segmentParts(segments[0], segments[1], segments[2]));
        Path folder = Files.createDirectory(dir.resolve("case"));

        new CaseFolder(folder, decryptor).addBundle(bundle);

        String view = Files.readString(folder.resolve("2026-11-27-" + FIRST + "/testimony.html"));
        assertTrue(view.contains("<a href=\"attachments/1-video.mp4\">video.mp4</a>"), view);
        assertTrue(view.contains("in 3 segments, each with its own SHA-256: all 3 matched"), view);
        assertTrue(view.contains("Open attachments on this offline machine only"), view);
        assertFalse(view.contains("null"), view);
        assertFalse(view.contains("<img"), "a video gets no thumbnail");
    }

    @Test
    void aPhotoIsShownAsAThumbnailRedrawnWithoutItsGpsPosition() throws Exception {
        byte[] photo = Files.readAllBytes(Path.of(CaseFolderTest.class.getResource("/render/images/gps-photo.jpg").toURI()));
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(photo));
        Path bundle = bundle(new TestimonyDocument.Attachment(1, "사진 1.jpg", "image/jpeg", photo.length, digest),
                Map.of("attachment-1.pgp", MessageEncryptor.encrypt(office, photo)));
        Path folder = Files.createDirectory(dir.resolve("case"));

        new CaseFolder(folder, decryptor).addBundle(bundle);

        Path submission = folder.resolve("2026-11-27-" + FIRST);
        assertArrayEquals(photo, Files.readAllBytes(submission.resolve("attachments/1-사진 1.jpg")), "the file itself is kept as sent");
        String view = Files.readString(submission.resolve("testimony.html"));
        assertTrue(view.contains("<a href=\"attachments/1-%EC%82%AC%EC%A7%84%201.jpg\">사진 1.jpg</a>"), view);
        assertTrue(view.contains(digest + " (matched)"), view);
        java.util.regex.Matcher thumbnail = java.util.regex.Pattern
                .compile("<img class=\"thumbnail\" alt=\"thumbnail of part 1\" src=\"data:image/png;base64,([A-Za-z0-9+/=&#;]+)\" />")
                .matcher(view);
        assertTrue(thumbnail.find(), view); // the sanitizer writes '+' and '=' as character references
        String png = new String(java.util.Base64.getDecoder().decode(thumbnail.group(1).replace("&#43;", "+").replace("&#61;", "=")), StandardCharsets.ISO_8859_1);
        assertTrue(png.startsWith("\u0089PNG") && !png.contains("GPS") && !png.contains("Exif"));
    }

    @Test
    void segmentsReorderedOrMissingLeaveNothingOfTheirSubmission() throws Exception {
        byte[][] segments = {random(1000), random(1000), random(600)};
        Map<String, String> problems = Map.of(
                "segment 1 does not match the SHA-256 the testimony gives for it",
                bundle(segmentedVideo(segments, 2500), segmentParts(segments[1], segments[0], segments[2])).toString(),
                "segment 3: " + FIRST + "/attachment-1-3.pgp is missing from the bundle",
                bundle(segmentedVideo(segments, 2500), segmentParts(segments[0], segments[1])).toString());
        for (Map.Entry<String, String> expected : problems.entrySet()) {
            Path folder = Files.createDirectories(dir.resolve("case-" + expected.getKey().hashCode()));
            List<CaseFolder.Outcome> outcomes = new CaseFolder(folder, decryptor).addBundle(Path.of(expected.getValue()));
            CaseFolder.Outcome first = outcomes.stream().filter(o -> o.submissionId().equals(FIRST)).findFirst().orElseThrow();
            assertEquals("attachment 1: " + expected.getKey(), first.problem());
            assertFalse(Files.exists(folder.resolve("2026-11-27-" + FIRST)));
        }
    }

    @Test
    void anAttachmentFarLargerThanItsTestimonySaysIsRefusedAsItIsDecrypted() throws Exception {
        byte[] small = random(10);
        byte[] huge = Arrays.copyOf(small, 10 + 16384 + 1); // what a compressed message could expand to, in small
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(small));
        Path bundle = bundle(new TestimonyDocument.Attachment(1, "a.bin", "application/octet-stream", 10, digest),
                Map.of("attachment-1.pgp", MessageEncryptor.encrypt(office, huge)));
        Path folder = Files.createDirectory(dir.resolve("case"));

        List<CaseFolder.Outcome> outcomes = new CaseFolder(folder, decryptor).addBundle(bundle);

        CaseFolder.Outcome first = outcomes.stream().filter(o -> o.submissionId().equals(FIRST)).findFirst().orElseThrow();
        assertEquals("attachment 1: " + new DecryptionException(DecryptionException.Reason.TOO_LARGE).getMessage(),
                first.problem());
        assertFalse(Files.exists(folder.resolve("2026-11-27-" + FIRST)));
    }

    @Test
    void aSecondBundleWithTheSameSubmissionNeverOverwrites() throws Exception {
        Path bundle = bundle(MessageEncryptor.encrypt(office, PHOTO));
        Path folder = Files.createDirectory(dir.resolve("case"));
        new CaseFolder(folder, decryptor).addBundle(bundle);
        List<CaseFolder.Outcome> again = new CaseFolder(folder, decryptor).addBundle(bundle);
        assertTrue(again.stream().allMatch(o -> o.problem().equals("already in the case folder; not overwritten")));
    }

    @Test
    void aSecondBundleDecryptedIntoTheSameFolderIsAddedAndTheIndexListsBoth() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("case"));
        new CaseFolder(folder, decryptor).addBundle(bundle(MessageEncryptor.encrypt(office, PHOTO)));
        byte[] firstView = Files.readAllBytes(folder.resolve("2026-11-27-" + FIRST + "/testimony.html"));
        String third = "00000000000000000000000000000003";

        List<CaseFolder.Outcome> outcomes = new CaseFolder(folder, decryptor).addBundle(
                bundle(List.of(third, FIRST), photo(), Map.of("attachment-1.pgp", MessageEncryptor.encrypt(office, PHOTO))));

        assertEquals(List.of(new CaseFolder.Outcome(third, null),
                new CaseFolder.Outcome(FIRST, "already in the case folder; not overwritten")), outcomes);
        assertArrayEquals(firstView, Files.readAllBytes(folder.resolve("2026-11-27-" + FIRST + "/testimony.html")));
        String index = Files.readString(folder.resolve(CaseFolder.INDEX));
        for (String id : List.of(FIRST, SECOND, third)) {
            assertTrue(index.contains("2026-11-27-" + id + "/testimony.html"), id + " listed");
        }
    }

    private static TestimonyDocument.Attachment photo() throws Exception {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(PHOTO));
        return new TestimonyDocument.Attachment(1, "../../etc/passwd <photo>.jpg", "image/jpeg", PHOTO.length, digest);
    }

    private static TestimonyDocument.Attachment segmentedVideo(byte[][] segments, long size) throws Exception {
        List<String> digests = new ArrayList<>();
        for (byte[] segment : segments) {
            digests.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(segment)));
        }
        return new TestimonyDocument.Attachment(1, "video.mp4", "video/mp4", size, null, digests);
    }

    /** Each segment encrypted on its own, as attachment-1-1.pgp, attachment-1-2.pgp, ... in the order given. */
    private static Map<String, byte[]> segmentParts(byte[]... segments) throws Exception {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        for (int k = 1; k <= segments.length; k++) {
            parts.put(PartName.segment(1, k).toString(), MessageEncryptor.encrypt(office, segments[k - 1]));
        }
        return parts;
    }

    private Path bundle(byte[] photoCiphertext) throws Exception {
        return bundle(photo(), Map.of("attachment-1.pgp", photoCiphertext));
    }

    /** A bundle of two submissions; the first has one attachment with the given parts, the second none. */
    private Path bundle(TestimonyDocument.Attachment attachment, Map<String, byte[]> attachmentParts) throws Exception {
        return bundle(List.of(FIRST, SECOND), attachment, attachmentParts);
    }

    /** A bundle of these submissions; the first has one attachment with the given parts, the others none. */
    private Path bundle(List<String> ids, TestimonyDocument.Attachment attachment, Map<String, byte[]> attachmentParts)
            throws Exception {
        Path bundle = Files.createTempFile(dir, "bundle-", ".zip");
        List<BundleManifest.Submission> submissions = new ArrayList<>();
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bundle))) {
            for (String id : ids) {
                boolean first = id.equals(ids.get(0));
                TestimonyDocument document = new TestimonyDocument("ru", "server",
                        List.of(TestimonyDocument.Answer.text("testimony", "Что случилось?", "Я бежал с лесозаготовок <script>alert(1)</script>")),
                        first ? List.of(attachment) : List.of());
                byte[] testimony = MessageEncryptor.encrypt(office, document.toJson());
                put(zip, id + "/" + PartName.TESTIMONY, testimony);
                List<BundleManifest.Part> parts = new ArrayList<>(List.of(new BundleManifest.Part(PartName.TESTIMONY.toString(), testimony.length)));
                for (Map.Entry<String, byte[]> part : first ? attachmentParts.entrySet() : Map.<String, byte[]>of().entrySet()) {
                    put(zip, id + "/" + part.getKey(), part.getValue());
                    parts.add(new BundleManifest.Part(part.getKey(), part.getValue().length));
                }
                submissions.add(new BundleManifest.Submission(id, LocalDate.of(2026, 11, 27), "server", office.currentSubkey().keyId(), parts));
            }
            put(zip, BundleManifest.ENTRY_NAME, new BundleManifest(LocalDate.of(2026, 11, 27), submissions).toJson());
        }
        return bundle;
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        OutputStream out = zip;
        out.write(content);
        zip.closeEntry();
    }
}
