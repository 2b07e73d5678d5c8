package org.testimonyintake.office;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.InvalidDocumentException;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.format.ReplyBundle;
import org.testimonyintake.format.ReplyCertificate;
import org.testimonyintake.format.ReplyDocument;

/** FORMAT.md section 10.5: a reply bundle the office writes verifies against the office certificate, and only then. */
class ReplyWriterTest {
    private static final char[] PASSPHRASE = "TEST-ONLY passphrase of the office".toCharArray();
    private static final String CASE = "0123456789abcdef0123456789abcdef";
    private static final LocalDate TODAY = LocalDate.of(2026, 12, 6);

    private static OfficeKey office;
    private static OfficeKey otherOffice;
    private static ReplyCertificate replyKey;

    @BeforeAll
    static void keys() throws Exception {
        office = OfficeKey.generate(KeyProfile.COMPAT, "TEST-ONLY office", PASSPHRASE);
        otherOffice = OfficeKey.generate(KeyProfile.COMPAT, "TEST-ONLY impostor", PASSPHRASE);
        // any compat certificate with an encryption subkey serves as a reply key here
        replyKey = ReplyCertificate.of(KeyProfile.COMPAT.generate(ReplyCertificate.USER_ID, PASSPHRASE, new java.util.Date(),
                KeyProfile.implementation().pbeSecretKeyEncryptorFactory(false, org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags.AES_256, 0)).toCertificate());
    }

    private static Path writeReply(Path dir, OfficeKey signer) throws Exception {
        Path bundle = dir.resolve("reply-" + System.nanoTime() + ".zip");
        new ReplyWriter(signer, PASSPHRASE).write(CASE, replyKey, "TEST-ONLY 어느 현장이었습니까?",
                List.of(new ReplyWriter.Attachment("map.png", "image/png", new byte[] {1, 2, 3})), TODAY, bundle);
        return bundle;
    }

    @Test
    void theOfficesBundleVerifiesAndListsItsReply(@TempDir Path dir) throws Exception {
        ReplyBundle.Verified verified = ReplyBundle.read(writeReply(dir, office), office.certificate());
        ReplyBundle.Reply reply = verified.manifest().replies().get(0);
        assertEquals(CASE, reply.caseId());
        assertEquals(List.of("reply.json.pgp", "attachment-1.pgp"), reply.parts().stream().map(ReplyBundle.Part::name).toList());
        assertEquals(TODAY, verified.manifest().created());
        try (ZipFile zip = new ZipFile(writeReply(dir, office).toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                assertEquals(ZipEntry.STORED, entry.getMethod());
                assertEquals(java.time.LocalDateTime.of(1980, 1, 1, 0, 0), entry.getTimeLocal());
            }
        }
    }

    @Test
    void aBundleSignedByAnotherKeyIsRefused(@TempDir Path dir) throws Exception {
        Path forged = writeReply(dir, otherOffice);
        assertThrows(InvalidDocumentException.class, () -> ReplyBundle.read(forged, office.certificate()));
    }

    @Test
    void anAlteredManifestPartOrEntryListIsRefused(@TempDir Path dir) throws Exception {
        Path good = writeReply(dir, office);
        List<UnaryOperator<java.util.Map<String, byte[]>>> tampering = List.of(
                entries -> { entries.get(ReplyBundle.MANIFEST)[10] ^= 1; return entries; },
                entries -> { entries.remove(ReplyBundle.SIGNATURE); return entries; },
                entries -> {
                    String part = entries.keySet().stream().filter(n -> n.endsWith("attachment-1.pgp")).findFirst().orElseThrow();
                    byte[] altered = entries.get(part).clone();
                    altered[altered.length - 1] ^= 1;
                    entries.put(part, altered);
                    return entries;
                },
                entries -> { entries.put("extra.txt", "planted".getBytes(StandardCharsets.UTF_8)); return entries; },
                entries -> { entries.keySet().removeIf(n -> n.endsWith("attachment-1.pgp")); return entries; });
        int n = 0;
        for (UnaryOperator<java.util.Map<String, byte[]>> tamper : tampering) {
            Path bad = rewrite(good, dir.resolve("bad-" + n++ + ".zip"), tamper);
            assertThrows(InvalidDocumentException.class, () -> ReplyBundle.read(bad, office.certificate()), bad.toString());
        }
    }

    @Test
    void theReplyDocumentReadsBackThroughTheOfficeKey(@TempDir Path dir) throws Exception {
        ReplyBundle.Verified verified = ReplyBundle.read(writeReply(dir, office), office.certificate());
        ReplyBundle.Reply reply = verified.manifest().replies().get(0);
        ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
        new MessageDecryptor(office.unlock(PASSPHRASE)).decrypt(
                new java.io.ByteArrayInputStream(verified.part(reply, reply.parts().get(0))), plaintext);
        ReplyDocument document = ReplyDocument.parse(plaintext.toByteArray());
        assertEquals("TEST-ONLY 어느 현장이었습니까?", document.message());
        assertEquals("map.png", document.attachments().get(0).name());
        assertArrayEquals(new byte[] {1, 2, 3}, decrypt(verified.part(reply, reply.parts().get(1))));
    }

    private static byte[] decrypt(byte[] message) throws Exception {
        ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
        new MessageDecryptor(office.unlock(PASSPHRASE)).decrypt(new java.io.ByteArrayInputStream(message), plaintext);
        return plaintext.toByteArray();
    }

    private static Path rewrite(Path bundle, Path target, UnaryOperator<java.util.Map<String, byte[]>> tamper) throws Exception {
        java.util.Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    entries.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(target))) {
            for (var entry : tamper.apply(entries).entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return target;
    }
}
