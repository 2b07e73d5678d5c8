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
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
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
    void aTamperedAttachmentLeavesNothingOfItsSubmission() throws Exception {
        byte[] tampered = MessageEncryptor.encrypt(office, PHOTO);
        tampered[tampered.length - 5] ^= 1;
        Path bundle = bundle(tampered);
        Path folder = Files.createDirectory(dir.resolve("case"));

        List<CaseFolder.Outcome> outcomes = new CaseFolder(folder, decryptor).addBundle(bundle);

        CaseFolder.Outcome first = outcomes.stream().filter(o -> o.submissionId().equals(FIRST)).findFirst().orElseThrow();
        assertTrue(first.problem().startsWith("attachment 1: cannot decrypt: integrity check failed"), first.problem());
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of("2026-11-27-" + SECOND, "index.html"), files.map(p -> p.getFileName().toString()).sorted().toList(),
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
    void aSecondBundleWithTheSameSubmissionNeverOverwrites() throws Exception {
        Path bundle = bundle(MessageEncryptor.encrypt(office, PHOTO));
        Path folder = Files.createDirectory(dir.resolve("case"));
        new CaseFolder(folder, decryptor).addBundle(bundle);
        List<CaseFolder.Outcome> again = new CaseFolder(folder, decryptor).addBundle(bundle);
        assertTrue(again.stream().allMatch(o -> o.problem().equals("already in the case folder; not overwritten")));
    }

    /** A bundle of two submissions; the first has one attachment with the given ciphertext, the second none. */
    private Path bundle(byte[] firstAttachment) throws Exception {
        Path bundle = dir.resolve("bundle.zip");
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(PHOTO));
        List<BundleManifest.Submission> submissions = new java.util.ArrayList<>();
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bundle))) {
            for (String id : List.of(FIRST, SECOND)) {
                byte[] attachment = id.equals(FIRST) ? firstAttachment : null;
                List<TestimonyDocument.Attachment> manifest = attachment == null ? List.of()
                        : List.of(new TestimonyDocument.Attachment(1, "../../etc/passwd <photo>.jpg", "image/jpeg", PHOTO.length, digest));
                TestimonyDocument document = new TestimonyDocument("ru", "server",
                        List.of(TestimonyDocument.Answer.text("testimony", "Что случилось?", "Я бежал с лесозаготовок <script>alert(1)</script>")),
                        manifest);
                byte[] testimony = MessageEncryptor.encrypt(office, document.toJson());
                put(zip, id + "/" + BundleManifest.TESTIMONY_PART, testimony);
                List<BundleManifest.Part> parts = new java.util.ArrayList<>(List.of(new BundleManifest.Part(BundleManifest.TESTIMONY_PART, testimony.length)));
                if (attachment != null) {
                    put(zip, id + "/attachment-1.pgp", attachment);
                    parts.add(new BundleManifest.Part("attachment-1.pgp", attachment.length));
                }
                submissions.add(new BundleManifest.Submission(id, LocalDate.of(2026, 11, 27), "server", office.currentSubkey().keyId(), parts));
            }
            put(zip, BundleManifest.ENTRY_NAME, new BundleManifest(LocalDate.of(2026, 11, 27), submissions).toJson());
        }
        return bundle;
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        OutputStream out = zip;
        out.write(content);
        zip.closeEntry();
    }
}
