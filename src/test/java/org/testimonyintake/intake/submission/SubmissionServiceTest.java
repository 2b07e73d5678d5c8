package org.testimonyintake.intake.submission;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.intake.MarkerScan;
import org.testimonyintake.intake.metadata.MetadataRemover;
import org.testimonyintake.intake.submission.SubmissionRefused.Reason;
import org.testimonyintake.office.CaseFolder;
import org.testimonyintake.office.MessageDecryptor;
import org.testimonyintake.office.OfficeKey;
import org.testimonyintake.returning.InstallationSalt;
import org.testimonyintake.returning.ReceiptChecks;
import org.testimonyintake.returning.ReturningSources;
import org.testimonyintake.store.CaseStore;
import org.testimonyintake.store.SubmissionStore;
import org.testimonyintake.upload.UploadLimits;
import org.testimonyintake.upload.UploadStore;

/**
 * The submission service with a real office key, a real SQLite store and real decryption: what a source sends is
 * what staff read, and a refused submission leaves nothing in the data directory.
 */
class SubmissionServiceTest {
    static final char[] PASSPHRASE = "test only: submission service".toCharArray();
    static final String MARKER = "MARKER-7f3a9c-강제노동-лесозаготовки";
    static final Limits SMALL = new Limits(2_000, 200, 2, 100_000, 1 << 20, Duration.ofSeconds(5));

    static OfficeKey officeKey;
    static OfficeCertificate office;
    static OfficeCertificate otherOffice;
    static Questionnaire questionnaire;

    @TempDir
    Path dir;
    Path data;
    SubmissionStore store;
    SubmissionService service;

    @BeforeAll
    static void keys() throws Exception {
        officeKey = OfficeKey.generate(KeyProfile.COMPAT, "Submission test office", PASSPHRASE);
        office = officeKey.certificate();
        otherOffice = OfficeKey.generate(KeyProfile.COMPAT, "Another office", PASSPHRASE).certificate();
        try (InputStream json = SubmissionServiceTest.class.getResourceAsStream("/questionnaire.json")) {
            questionnaire = Questionnaire.load(json);
        }
    }

    @BeforeEach
    void openStore() throws IOException {
        data = dir.resolve("data");
        store = SubmissionStore.open(data);
        service = new SubmissionService(() -> office, store, questionnaire, SMALL, 30, null);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    record Part(String fieldName, Optional<String> fileName, String contentType, InputStream content) implements FormPart {
        static Part field(String name, String value) {
            return new Part(name, Optional.empty(), "text/plain", new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8)));
        }

        static Part file(String field, String name, byte[] content) {
            return new Part(field, Optional.of(name), "image/jpeg", new ByteArrayInputStream(content));
        }
    }

    static Iterator<FormPart> form(Part... parts) {
        List<FormPart> all = new ArrayList<>();
        all.add(Part.field(SubmissionService.FORM_TOKEN_FIELD, "valid-token"));
        all.addAll(List.of(parts));
        return all.iterator();
    }

    static boolean validToken(String token) {
        return token.equals("valid-token");
    }

    @Test
    void aCaseGoneBetweenItsCheckAndItsClaimLeavesTheTestimonyAcknowledgedWithNoReceipt() throws Exception {
        byte[] salt = InstallationSalt.loadOrCreate(data, new SecureRandom());
        try (CaseStore cases = CaseStore.open(data, Clock.systemUTC())) {
            // The real store, but the case's row is deleted (as cleanup would) just before the claim reaches it.
            CaseStore deletedBeforeClaim = (CaseStore) Proxy.newProxyInstance(CaseStore.class.getClassLoader(),
                    new Class<?>[] {CaseStore.class}, (proxy, method, arguments) -> {
                        if (method.getName().equals("link")) {
                            deleteCase((String) arguments[1]);
                        }
                        try {
                            return method.invoke(cases, arguments);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            ReturningSources returning = new ReturningSources(new ReceiptChecks(salt, new ReceiptChecks.Cost(8192, 1, 1),
                    ReceiptChecks.Bounds.STANDARD), deletedBeforeClaim);
            var stored = new SubmissionService(() -> office, store, questionnaire, SMALL, 30, returning).acceptPlaintextForm(
                    form(Part.field("testimony", "I want to hear back. " + MARKER),
                            Part.field(SubmissionService.RETURNING_FIELD, SubmissionService.RETURNING_YES)),
                    "en", SubmissionServiceTest::validToken);
            assertEquals(Optional.empty(), stored.receipt(), "a receipt that would open nothing");
            assertTrue(decryptOnlySubmission().reply() != null, "stored, and the office still sees its case");
        }
    }

    private void deleteCase(String caseId) throws SQLException {
        try (Connection database = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("intake.db"));
             PreparedStatement delete = database.prepareStatement("DELETE FROM cases WHERE id = ?")) {
            delete.setString(1, caseId);
            assertEquals(1, delete.executeUpdate());
        }
    }

    @Test
    void javascriptOffSubmissionArrivesWhole() throws Exception {
        byte[] photo = ("JPEG bytes " + MARKER).getBytes(StandardCharsets.UTF_8);
        var stored = service.acceptPlaintextForm(form(
                Part.field("consent", "quote-anonymously"),
                Part.field("testimony", "벌목장에서 도망쳤다.\r\nЯ бежал. " + MARKER),
                Part.file("attachments", "C:\\Users\\me\\사진.jpg", photo),
                Part.file("attachments", "", new byte[0]),
                Part.field("consent", "share-with-un"),
                Part.field("town", "")), "ko", SubmissionServiceTest::validToken);
        assertEquals("server", stored.encryptedBy());

        TestimonyDocument document = decryptOnlySubmission();
        assertEquals("ko", document.language());
        assertEquals("server", document.encryptedBy());
        assertEquals(List.of("testimony", "consent"), document.answers().stream().map(TestimonyDocument.Answer::id).toList(),
                "answers follow the questionnaire's order; blank ones are left out");
        assertEquals(List.of("벌목장에서 도망쳤다.\nЯ бежал. " + MARKER), document.answers().get(0).values());
        assertEquals("무슨 일이 있었습니까?", document.answers().get(0).label());
        assertEquals(List.of("quote-anonymously", "share-with-un"), document.answers().get(1).values());
        assertEquals(1, document.attachments().size());
        assertEquals("사진.jpg", document.attachments().get(0).name());
        assertEquals(photo.length, document.attachments().get(0).size());
        try (Stream<Path> attachments = Files.list(onlyCaseSubmission().resolve("attachments"))) {
            assertArrayEquals(photo, Files.readAllBytes(attachments.findFirst().orElseThrow()));
        }
    }

    @Test
    void javascriptOffPhotosAndVideosArriveWithoutTheirMetadata() throws Exception {
        byte[] video = Files.readAllBytes(MEDIA.resolve("phone.mp4"));
        byte[] photo = Files.readAllBytes(MEDIA.resolve("photo.jpg"));
        plaintext(Part.field("testimony", MARKER), Part.file("attachments", "phone.mp4", video),
                Part.file("attachments", "photo.jpg", photo));
        List<byte[]> arrived = attachmentsAfterDecrypt(); // decrypting checks each against the manifest's hash
        assertEquals(2, arrived.size());
        assertArrayEquals(withoutMetadata(video), arrived.get(0));
        assertArrayEquals(withoutMetadata(photo), arrived.get(1));
        assertFalse(Arrays.equals(photo, arrived.get(1)));
        assertEquals(List.of((long) video.length, (long) arrived.get(1).length), decryptedManifestSizes());
    }

    @Test
    void aSourceWhoKeepsMetadataSendsFilesOctetForOctet() throws Exception {
        byte[] video = Files.readAllBytes(MEDIA.resolve("phone.mov"));
        byte[] photo = Files.readAllBytes(MEDIA.resolve("photo.heic"));
        plaintext(Part.field("testimony", MARKER), Part.field(SubmissionService.KEEP_METADATA_FIELD, "yes"),
                Part.file("attachments", "phone.mov", video), Part.file("attachments", "photo.heic", photo));
        List<byte[]> arrived = attachmentsAfterDecrypt();
        assertArrayEquals(video, arrived.get(0));
        assertArrayEquals(photo, arrived.get(1));
    }

    private static final Path MEDIA = Path.of("src/test/resources/media");

    private static byte[] withoutMetadata(byte[] file) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MetadataRemover.copy(new ByteArrayInputStream(file), out);
        return out.toByteArray();
    }

    /** The decrypted attachments of the only submission, in their order. */
    private List<byte[]> attachmentsAfterDecrypt() throws Exception {
        List<byte[]> files = new ArrayList<>();
        try (Stream<Path> attachments = Files.list(onlyCaseSubmissionAfterDecrypt().resolve("attachments"))) {
            for (Path file : attachments.sorted().toList()) {
                files.add(Files.readAllBytes(file));
            }
        }
        return files;
    }

    private List<Long> decryptedManifestSizes() throws Exception {
        TestimonyDocument document = TestimonyDocument.parse(Files.readAllBytes(onlyCaseSubmission().resolve("testimony.json")));
        return document.attachments().stream().map(TestimonyDocument.Attachment::size).toList();
    }

    @Test
    void noPlaintextReachesTheDataDirectory() throws Exception {
        service.acceptPlaintextForm(form(Part.field("testimony", MARKER),
                Part.file("attachments", MARKER + ".jpg", MARKER.getBytes(StandardCharsets.UTF_8))), "en", SubmissionServiceTest::validToken);
        assertEquals(1, store.pending().size());
        store.close();
        assertEquals(List.of(), MarkerScan.filesContaining(data, MARKER));
        store = SubmissionStore.open(data);
    }

    @Test
    void javascriptOnCiphertextIsStoredAsItCame() throws Exception {
        byte[] document = new TestimonyDocument("ru", "browser",
                List.of(TestimonyDocument.Answer.text("testimony", null, "Я бежал с лесозаготовок")), List.of()).toJson();
        var stored = service.acceptCiphertext(form(
                new Part("testimony", Optional.of("blob"), "application/octet-stream",
                        new ByteArrayInputStream(MessageEncryptor.encrypt(office, document)))), SubmissionServiceTest::validToken);
        assertEquals("browser", stored.encryptedBy());
        assertEquals(office.currentSubkey().keyId(), store.pending().get(0).subkey());
        assertArrayEquals(document, Files.readAllBytes(onlyCaseSubmissionAfterDecrypt().resolve("testimony.json")));
    }

    @Test
    void resumableUploadsAreStoredAsTheyCameAndThenDeleted() throws Exception {
        byte[] photo = ("JPEG bytes " + MARKER).getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(photo, photo.length + 1000); // FORMAT.md section 5: padding after the file
        TestimonyDocument.Attachment manifest = new TestimonyDocument.Attachment(1, "photo.jpg", "image/jpeg",
                photo.length, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(photo)));
        byte[] document = new TestimonyDocument("ko", "browser",
                List.of(TestimonyDocument.Answer.text("testimony", null, MARKER)), List.of(manifest)).toJson();
        byte[] testimonyCiphertext = MessageEncryptor.encrypt(office, document);
        try (UploadStore uploads = UploadStore.open(data.resolve("uploads"), new UploadLimits(1 << 20, 4 << 20, 10))) {
            String testimony = uploads.create();
            uploads.append(testimony, 0, new ByteArrayInputStream(testimonyCiphertext, 0, 100));
            uploads.append(testimony, 100, new ByteArrayInputStream(testimonyCiphertext, 100, testimonyCiphertext.length));
            String attachment = uploads.create();
            uploads.append(attachment, 0, new ByteArrayInputStream(MessageEncryptor.encrypt(office, padded)));

            var stored = service.acceptUploaded(form(Part.field("testimony", testimony),
                    Part.field("attachment-1", attachment)), uploads, SubmissionServiceTest::validToken);
            assertEquals("browser", stored.encryptedBy());
            assertEmpty(data.resolve("uploads"));
        }
        Path submission = onlyCaseSubmissionAfterDecrypt();
        assertArrayEquals(document, Files.readAllBytes(submission.resolve("testimony.json")));
        try (Stream<Path> attachments = Files.list(submission.resolve("attachments"))) {
            assertArrayEquals(photo, Files.readAllBytes(attachments.findFirst().orElseThrow()), "the padding is cut off");
        }
    }

    @Test
    void anAttachmentInSegmentsIsStoredAsItsSegmentsAndDecryptsWhole() throws Exception {
        byte[] video = ("MP4 bytes " + MARKER).repeat(100).getBytes(StandardCharsets.UTF_8);
        byte[][] segments = {Arrays.copyOfRange(video, 0, 1000), Arrays.copyOfRange(video, 1000, video.length + 500)};
        List<String> digests = new ArrayList<>();
        for (byte[] segment : segments) {
            digests.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(segment)));
        }
        byte[] document = new TestimonyDocument("ko", "browser", List.of(TestimonyDocument.Answer.text("testimony", null, MARKER)),
                List.of(new TestimonyDocument.Attachment(1, "video.mp4", "video/mp4", video.length, null, digests))).toJson();

        service.acceptCiphertext(form(ciphertextPart("testimony", document), ciphertextPart("attachment-1-1", segments[0]),
                ciphertextPart("attachment-1-2", segments[1])), SubmissionServiceTest::validToken);

        assertEquals(List.of("testimony.json.pgp", "attachment-1-1.pgp", "attachment-1-2.pgp"),
                store.pending().get(0).parts().stream().map(part -> part.name()).toList());
        try (Stream<Path> attachments = Files.list(onlyCaseSubmissionAfterDecrypt().resolve("attachments"))) {
            assertArrayEquals(video, Files.readAllBytes(attachments.findFirst().orElseThrow()));
        }
    }

    @Test
    void segmentsComeInOrderAndCountTogetherAgainstTheAttachmentLimit() throws Exception {
        byte[] testimony = new byte[1];
        assertRefusedLeavingNothing(Reason.UNKNOWN_FIELD, () -> service.acceptCiphertext(form(ciphertextPart("testimony", testimony),
                ciphertextPart("attachment-1-2", new byte[1])), SubmissionServiceTest::validToken));
        assertRefusedLeavingNothing(Reason.UNKNOWN_FIELD, () -> service.acceptCiphertext(form(ciphertextPart("testimony", testimony),
                ciphertextPart("attachment-1-1", new byte[1]), ciphertextPart("attachment-1-1", new byte[1])),
                SubmissionServiceTest::validToken));
        assertRefusedLeavingNothing(Reason.UNKNOWN_FIELD, () -> service.acceptCiphertext(form(ciphertextPart("testimony", testimony),
                ciphertextPart("attachment-1", new byte[1]), ciphertextPart("attachment-1-2", new byte[1])),
                SubmissionServiceTest::validToken));
        assertRefusedLeavingNothing(Reason.ATTACHMENT_TOO_LARGE, () -> service.acceptCiphertext(form(ciphertextPart("testimony", testimony),
                ciphertextPart("attachment-1-1", new byte[60_000]), ciphertextPart("attachment-1-2", new byte[60_000])),
                SubmissionServiceTest::validToken));
        service.acceptCiphertext(form(ciphertextPart("testimony", testimony), ciphertextPart("attachment-1-1", new byte[60_000]),
                ciphertextPart("attachment-2-1", new byte[60_000])), SubmissionServiceTest::validToken);
    }

    private Part ciphertextPart(String field, byte[] plaintext) throws Exception {
        return new Part(field, Optional.of("blob"), "application/octet-stream",
                new ByteArrayInputStream(MessageEncryptor.encrypt(office, plaintext)));
    }

    @Test
    void aRefusedUploadedSubmissionLeavesNothingAndDeletesItsUploads() throws Exception {
        try (UploadStore uploads = UploadStore.open(data.resolve("uploads"), new UploadLimits(1 << 20, 4 << 20, 10))) {
            String toOther = uploads.create();
            uploads.append(toOther, 0, new ByteArrayInputStream(MessageEncryptor.encrypt(otherOffice, new byte[1])));
            assertRefusedLeavingNothing(Reason.WRONG_RECIPIENT, () -> service.acceptUploaded(
                    form(Part.field("testimony", toOther)), uploads, SubmissionServiceTest::validToken));
            assertEmpty(data.resolve("uploads"));
            assertRefusedLeavingNothing(Reason.UPLOAD_INTERRUPTED, () -> service.acceptUploaded(
                    form(Part.field("testimony", toOther)), uploads, SubmissionServiceTest::validToken));
        }
    }

    private static void assertEmpty(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void everyRefusalLeavesNothingBehind() throws Exception {
        byte[] ciphertextToOther = MessageEncryptor.encrypt(otherOffice, "x".getBytes(StandardCharsets.UTF_8));
        assertRefusedLeavingNothing(Reason.FORM_EXPIRED, () -> service.acceptPlaintextForm(
                List.<FormPart>of(Part.field(SubmissionService.FORM_TOKEN_FIELD, "stale"), Part.field("testimony", MARKER)).iterator(),
                "en", SubmissionServiceTest::validToken));
        assertRefusedLeavingNothing(Reason.UNKNOWN_FIELD, () -> plaintext(Part.field("testimony", MARKER), Part.field("name", "Kim")));
        assertRefusedLeavingNothing(Reason.MISSING_TESTIMONY, () -> plaintext(Part.field("town", MARKER)));
        assertRefusedLeavingNothing(Reason.TESTIMONY_TOO_LONG, () -> plaintext(Part.field("testimony", MARKER + "x".repeat(2_000))));
        assertRefusedLeavingNothing(Reason.ANSWER_TOO_LONG, () -> plaintext(Part.field("testimony", MARKER), Part.field("town", "x".repeat(201))));
        assertRefusedLeavingNothing(Reason.MALFORMED_FORM, () -> plaintext(Part.field("testimony", MARKER), Part.field("relation", "spy")));
        assertRefusedLeavingNothing(Reason.MALFORMED_FORM, () -> plaintext(new Part("testimony", Optional.empty(), "text/plain",
                new ByteArrayInputStream(new byte[] {(byte) 0xc3, 0x28}))));
        assertRefusedLeavingNothing(Reason.ATTACHMENT_TOO_LARGE, () -> plaintext(Part.field("testimony", MARKER),
                Part.file("attachments", "big.jpg", new byte[100_001])));
        assertRefusedLeavingNothing(Reason.TOO_MANY_ATTACHMENTS, () -> plaintext(Part.field("testimony", MARKER),
                Part.file("attachments", "1.jpg", new byte[1]), Part.file("attachments", "2.jpg", new byte[1]),
                Part.file("attachments", "3.jpg", new byte[1])));
        byte[] broken = Files.readAllBytes(MEDIA.resolve("truncated.mp4"));
        assertRefusedLeavingNothing(Reason.UNREADABLE_MEDIA, () -> plaintext(Part.field("testimony", MARKER),
                Part.file("attachments", "video.mp4", broken)));
        assertRefusedLeavingNothing(Reason.MALFORMED_FORM, () -> plaintext(Part.field("testimony", MARKER),
                Part.file("attachments", "1.jpg", new byte[1]), Part.field(SubmissionService.KEEP_METADATA_FIELD, "yes")));
        assertRefusedLeavingNothing(Reason.MALFORMED_FORM, () -> plaintext(Part.field("testimony", MARKER),
                Part.field(SubmissionService.KEEP_METADATA_FIELD, "yes"), Part.field(SubmissionService.KEEP_METADATA_FIELD, "yes")));
        assertRefusedLeavingNothing(Reason.MALFORMED_FORM, () -> plaintext(Part.field("testimony", MARKER),
                Part.field(SubmissionService.KEEP_METADATA_FIELD, "no")));
        assertRefusedLeavingNothing(Reason.NOT_CIPHERTEXT, () -> service.acceptCiphertext(form(
                Part.file("testimony", "t", MARKER.getBytes(StandardCharsets.UTF_8))), SubmissionServiceTest::validToken));
        assertRefusedLeavingNothing(Reason.WRONG_RECIPIENT, () -> service.acceptCiphertext(form(
                Part.file("testimony", "t", ciphertextToOther)), SubmissionServiceTest::validToken));
        assertRefusedLeavingNothing(Reason.UNKNOWN_FIELD, () -> service.acceptCiphertext(form(
                Part.file("testimony", "t", MessageEncryptor.encrypt(office, new byte[1])),
                Part.file("attachment-2", "a", MessageEncryptor.encrypt(office, new byte[1]))), SubmissionServiceTest::validToken));
    }

    private void plaintext(Part... parts) throws SubmissionRefused, IOException {
        service.acceptPlaintextForm(form(parts), "en", SubmissionServiceTest::validToken);
    }

    interface Submitting {
        void submit() throws Exception;
    }

    private void assertRefusedLeavingNothing(Reason expected, Submitting submitting) throws IOException {
        SubmissionRefused refused = assertThrows(SubmissionRefused.class, submitting::submit);
        assertEquals(expected, refused.reason());
        assertEquals(List.of(), store.pending());
        try (Stream<Path> files = Files.walk(data)) {
            List<String> blobs = files.filter(Files::isRegularFile).map(p -> data.relativize(p).toString())
                    .filter(name -> name.startsWith("submissions/") || name.startsWith("incoming/")).toList();
            assertEquals(List.of(), blobs, expected + " left files behind");
        }
    }

    private TestimonyDocument decryptOnlySubmission() throws Exception {
        return TestimonyDocument.parse(Files.readAllBytes(onlyCaseSubmissionAfterDecrypt().resolve("testimony.json")));
    }

    private Path onlyCaseSubmissionAfterDecrypt() throws Exception {
        Path bundle = dir.resolve("bundle.zip");
        assertEquals(1, store.exportBundle(bundle, false));
        Path folder = Files.createDirectories(dir.resolve("case"));
        var outcomes = new CaseFolder(folder, new MessageDecryptor(officeKey.unlock(PASSPHRASE))).addBundle(bundle);
        assertTrue(outcomes.stream().allMatch(CaseFolder.Outcome::decrypted), outcomes.toString());
        return onlyCaseSubmission();
    }

    private Path onlyCaseSubmission() throws IOException {
        try (Stream<Path> children = Files.list(dir.resolve("case"))) {
            return children.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @Test
    void sanityOfTheMarkerScan() throws IOException {
        Files.writeString(dir.resolve("probe"), "..." + MARKER + "...");
        assertFalse(MarkerScan.filesContaining(dir, MARKER).isEmpty());
    }
}
