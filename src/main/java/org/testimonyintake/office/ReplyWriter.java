package org.testimonyintake.office;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.testimonyintake.format.KeyMaterialException;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.ReplyBundle;
import org.testimonyintake.format.ReplyCertificate;
import org.testimonyintake.format.ReplyDocument;

/**
 * Writes a reply bundle (FORMAT.md section 10.5) on the offline machine: the reply encrypted to the case's reply key
 * and the office's current subkey, the manifest signed by the office primary key. The bundle file is created new;
 * it carries no time but the date.
 */
public final class ReplyWriter {
    /** The earliest ZIP time plus one second: the same MS-DOS time without the JDK's extended-timestamp field. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0, 1);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A file that goes with the reply. */
    public record Attachment(String name, String mediaType, byte[] content) {
    }

    /** A reply written into a bundle: its id, and its plaintext document, which the case folder keeps. */
    public record Written(String id, ReplyDocument document) {
    }

    private final OfficeKey officeKey;
    private final char[] passphrase;

    /** The passphrase is checked when the first bundle is signed. */
    public ReplyWriter(OfficeKey officeKey, char[] passphrase) {
        this.officeKey = officeKey;
        this.passphrase = passphrase.clone();
    }

    /** Writes one reply to {@code caseId} into the new file {@code out}. */
    public Written write(String caseId, ReplyCertificate replyKey, String message, List<Attachment> attachments,
            LocalDate today, Path out) throws IOException, KeyMaterialException, WrongPassphraseException, PGPException {
        if (!ReplyBundle.isId(caseId)) {
            throw new KeyMaterialException("a case id is 32 lower-case hex digits");
        }
        List<PGPPublicKey> recipients = List.of(replyKey.encryptionKey(),
                officeKey.certificate().currentEncryptionKey().getPGPPublicKey());
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String replyId = HexFormat.of().formatHex(id);

        Map<String, byte[]> parts = new LinkedHashMap<>();
        List<ReplyDocument.Attachment> listed = new ArrayList<>();
        for (int n = 1; n <= attachments.size(); n++) {
            Attachment attachment = attachments.get(n - 1);
            ReplyDocument.Attachment entry = new ReplyDocument.Attachment(n, attachment.name(), attachment.mediaType(),
                    attachment.content().length, ReplyBundle.sha256(attachment.content()));
            listed.add(entry);
            parts.put(entry.partName(), MessageEncryptor.encrypt(recipients, attachment.content()));
        }
        ReplyDocument replyDocument = new ReplyDocument(message, listed);
        byte[] document = replyDocument.toJson();
        Map<String, byte[]> ordered = new LinkedHashMap<>();
        ordered.put(ReplyBundle.DOCUMENT_PART, MessageEncryptor.encrypt(recipients, document));
        ordered.putAll(parts);

        List<ReplyBundle.Part> manifestParts = new ArrayList<>();
        ordered.forEach((name, data) -> manifestParts.add(new ReplyBundle.Part(name, data.length, ReplyBundle.sha256(data))));
        ReplyBundle.Reply reply = new ReplyBundle.Reply(replyId, caseId, manifestParts);
        byte[] manifest = new ReplyBundle(today, List.of(reply)).toJson();

        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(zipped)) {
            putStored(zip, ReplyBundle.MANIFEST, manifest);
            putStored(zip, ReplyBundle.SIGNATURE, sign(manifest, today));
            for (Map.Entry<String, byte[]> part : ordered.entrySet()) {
                putStored(zip, reply.entryName(new ReplyBundle.Part(part.getKey(), 0, "")), part.getValue());
            }
        }
        try (OutputStream file = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            file.write(zipped.toByteArray());
        }
        return new Written(replyId, replyDocument);
    }

    /** A binary-document signature by the primary key, dated 00:00 UTC of today. */
    private byte[] sign(byte[] manifest, LocalDate today) throws PGPException, WrongPassphraseException, IOException {
        PGPPublicKey primary = officeKey.primaryPublicKey();
        PGPSignatureGenerator generator = new PGPSignatureGenerator(
                new JcaPGPContentSignerBuilder(primary.getAlgorithm(), HashAlgorithmTags.SHA512)
                        .setProvider(new BouncyCastleProvider()), primary);
        generator.init(PGPSignature.BINARY_DOCUMENT, officeKey.unlockPrimary(passphrase));
        PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
        hashed.setSignatureCreationTime(false, Date.from(today.atStartOfDay(ZoneOffset.UTC).toInstant()));
        hashed.setIssuerFingerprint(false, primary);
        generator.setHashedSubpackets(hashed.generate());
        generator.update(manifest);
        return generator.generate().getEncoded();
    }

    private static void putStored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(data);
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(data.length);
        entry.setCompressedSize(data.length);
        entry.setCrc(crc.getValue());
        entry.setTimeLocal(ENTRY_TIME);
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
    }
}
