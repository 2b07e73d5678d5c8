package org.testimonyintake.returning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SecretKeyPacket;
import org.bouncycastle.bcpg.SignaturePacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.KeyMaterialException;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.interop.GnuPG;

/** FORMAT.md section 10.3: a case's reply key, its protection under the receipt, and reading replies with it. */
class ReplySecretKeyTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 12, 6);
    private static final byte[] REPLY = "TEST-ONLY reply marker 7a1f: 수용소 이름을 알려 주세요".getBytes(StandardCharsets.UTF_8);

    private static CaseKeys keys;
    private static ReplySecretKey.Generated generated;
    private static OfficeCertificate office;

    @BeforeAll
    static void makeACase() throws Exception {
        ReceiptChecks checks = new ReceiptChecks(new byte[16], new ReceiptChecks.Cost(1024, 1, 1), ReceiptChecks.Bounds.STANDARD);
        keys = checks.derive(Receipt.generate(new SecureRandom()));
        generated = ReplySecretKey.generate(keys, TODAY);
        OpenPGPKey officeKey = KeyProfile.COMPAT.generate("TEST-ONLY office", "test only".toCharArray(), new Date(),
                KeyProfile.implementation().pbeSecretKeyEncryptorFactory(false, SymmetricKeyAlgorithmTags.AES_256, 0));
        office = OfficeCertificate.of(officeKey.toCertificate());
    }

    private static byte[] replyToCaseAndOffice(byte[] plaintext) throws Exception {
        return MessageEncryptor.encrypt(List.of(generated.certificate().encryptionKey(),
                office.currentEncryptionKey().getPGPPublicKey()), plaintext);
    }

    @Test
    void theReceiptsKeysUnlockTheReplyKeyAndItReadsAReply() throws Exception {
        byte[] message = replyToCaseAndOffice(REPLY);
        UnlockedReplyKey unlocked = ReplySecretKey.unlock(generated.protectedSecret(), keys);
        assertArrayEquals(REPLY, unlocked.decrypt(message, 1 << 20));
    }

    @Test
    void everyDateInTheStoredKeyIsMidnight() throws Exception {
        List<Long> times = new ArrayList<>();
        try (BCPGInputStream packets = new BCPGInputStream(new ByteArrayInputStream(generated.protectedSecret()))) {
            while (packets.nextPacketTag() >= 0) {
                var packet = packets.readPacket();
                if (packet instanceof SecretKeyPacket secret) {
                    times.add(secret.getPublicKeyPacket().getTime().getTime());
                    assertEquals(SecretKeyPacket.USAGE_SHA1, secret.getS2KUsage(), "protected, S2K usage 254");
                } else if (packet instanceof PublicKeyPacket key) {
                    times.add(key.getTime().getTime());
                } else if (packet instanceof SignaturePacket signature) {
                    times.add(signature.getCreationTime());
                }
            }
        }
        long midnight = TODAY.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        assertFalse(times.isEmpty());
        assertEquals(List.of(midnight), times.stream().distinct().toList());
    }

    @Test
    void anotherReceiptDoesNotUnlockIt() throws Exception {
        ReceiptChecks checks = new ReceiptChecks(new byte[16], new ReceiptChecks.Cost(1024, 1, 1), ReceiptChecks.Bounds.STANDARD);
        CaseKeys other = checks.derive(Receipt.generate(new SecureRandom()));
        assertThrows(KeyMaterialException.class, () -> ReplySecretKey.unlock(generated.protectedSecret(), other));
    }

    @Test
    void aTamperedOrTruncatedReplyYieldsNothing() throws Exception {
        byte[] message = replyToCaseAndOffice(REPLY);
        UnlockedReplyKey unlocked = ReplySecretKey.unlock(generated.protectedSecret(), keys);
        byte[] flipped = message.clone();
        flipped[flipped.length - 30] ^= 1;
        assertThrows(UnlockedReplyKey.UnreadableReply.class, () -> unlocked.decrypt(flipped, 1 << 20));
        byte[] truncated = java.util.Arrays.copyOf(message, message.length - 5);
        assertThrows(UnlockedReplyKey.UnreadableReply.class, () -> unlocked.decrypt(truncated, 1 << 20));
        assertThrows(UnlockedReplyKey.UnreadableReply.class, () -> unlocked.decrypt(message, REPLY.length - 1));
    }

    @Test
    void aMessageOnlyForTheOfficeIsNotAReply() throws Exception {
        byte[] officeOnly = MessageEncryptor.encrypt(office, REPLY);
        UnlockedReplyKey unlocked = ReplySecretKey.unlock(generated.protectedSecret(), keys);
        assertThrows(UnlockedReplyKey.UnreadableReply.class, () -> unlocked.decrypt(officeOnly, 1 << 20));
    }

    @Test
    void anOfficeKeyIsNotReadAsAReplyKey() throws Exception {
        OpenPGPKey officeKey = KeyProfile.COMPAT.generate("TEST-ONLY office", keys.replyKeyPassphrase(), new Date(),
                KeyProfile.implementation().pbeSecretKeyEncryptorFactory(false, SymmetricKeyAlgorithmTags.AES_256, 0));
        assertThrows(KeyMaterialException.class, () -> ReplySecretKey.unlock(officeKey.getEncoded(), keys));
    }

    @Test
    void gnuPGDecryptsAReplyWithTheReplySecretKeyAndItsPassphrase(@TempDir Path dir) throws Exception {
        Path key = Files.write(dir.resolve("reply.key"), generated.protectedSecret());
        Path message = Files.write(dir.resolve("reply.pgp"), replyToCaseAndOffice(REPLY));
        try (GnuPG gpg = GnuPG.createIn(dir, new String(keys.replyKeyPassphrase()))) {
            gpg.run("--import", key.toString()).requireSuccess();
            Path plaintext = dir.resolve("reply.txt");
            gpg.decrypt(message, plaintext).requireSuccess();
            assertArrayEquals(REPLY, Files.readAllBytes(plaintext));
            assertTrue(gpg.recipientKeyIds(message).contains(generated.certificate().encryptionSubkey().keyId()));
        }
    }
}
