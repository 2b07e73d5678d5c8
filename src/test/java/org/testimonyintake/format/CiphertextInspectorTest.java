package org.testimonyintake.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testimonyintake.format.RefusedCiphertextException.Reason;
import org.testimonyintake.office.OfficeKey;

/** The server's packet-level check of uploads (FORMAT.md section 3), on messages made by Bouncy Castle. */
class CiphertextInspectorTest {
    static final char[] PASSPHRASE = "test only".toCharArray();
    static final byte[] TESTIMONY = "Я бежал с лесозаготовок; 강제노동 벌목장에서 도망쳤다".getBytes(StandardCharsets.UTF_8);

    static OfficeCertificate office;
    static OfficeCertificate otherOffice;
    static OfficeCertificate modernOffice;
    static byte[] good;

    @BeforeAll
    static void keys() throws Exception {
        office = certificate(KeyProfile.COMPAT);
        otherOffice = certificate(KeyProfile.COMPAT);
        modernOffice = certificate(KeyProfile.MODERN);
        good = MessageEncryptor.encrypt(office, TESTIMONY);
    }

    static OfficeCertificate certificate(KeyProfile profile) throws Exception {
        OpenPGPKey key = profile.generate("Test office", PASSPHRASE, new Date());
        return OfficeCertificate.of(key.toCertificate());
    }

    static Reason refusal(byte[] message, OfficeCertificate to) {
        return assertThrows(RefusedCiphertextException.class, () -> inspect(message, to, Long.MAX_VALUE)).reason();
    }

    static CiphertextInspector.Inspected inspect(byte[] message, OfficeCertificate to, long maxBytes)
            throws IOException, RefusedCiphertextException {
        return CiphertextInspector.copyChecked(new ByteArrayInputStream(message), OutputStream.nullOutputStream(),
                to.acceptedRecipients(LocalDate.now(), 30), maxBytes);
    }

    @Test
    void acceptsAMessageToTheCurrentSubkeyAndCopiesItExactly() throws Exception {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        var inspected = CiphertextInspector.copyChecked(new ByteArrayInputStream(good), copy,
                office.acceptedRecipients(LocalDate.now(), 30), Long.MAX_VALUE);
        assertArrayEquals(good, copy.toByteArray());
        assertEquals(office.currentSubkey(), inspected.recipient());
        assertEquals(good.length, inspected.size());
    }

    @Test
    void acceptsAModernMessage() throws Exception {
        byte[] modern = MessageEncryptor.encrypt(modernOffice, TESTIMONY);
        assertEquals(modernOffice.currentSubkey(), inspect(modern, modernOffice, Long.MAX_VALUE).recipient());
    }

    @Test
    void refusesAMessageToAnotherKey() {
        assertEquals(Reason.WRONG_RECIPIENT, refusal(good, otherOffice));
    }

    @Test
    void refusesArmorEvenAroundAGoodMessage() throws IOException {
        ByteArrayOutputStream armored = new ByteArrayOutputStream();
        try (ArmoredOutputStream armor = new ArmoredOutputStream(armored)) {
            armor.write(good);
        }
        assertEquals(Reason.NOT_OPENPGP, refusal(armored.toByteArray(), office));
    }

    @Test
    void refusesPlaintext() throws IOException {
        assertEquals(Reason.NOT_OPENPGP, refusal("I fled the logging camp".getBytes(StandardCharsets.US_ASCII), office));
        // UTF-8 Cyrillic starts with an octet that has its top bit set, so it parses as a packet header first.
        assertEquals(Reason.UNEXPECTED_PACKET, refusal(TESTIMONY, office));
        ByteArrayOutputStream literal = new ByteArrayOutputStream();
        try (OutputStream out = new PGPLiteralDataGenerator().open(literal, PGPLiteralData.BINARY, "", TESTIMONY.length, new Date(0))) {
            out.write(TESTIMONY);
        }
        assertEquals(Reason.UNEXPECTED_PACKET, refusal(literal.toByteArray(), office));
    }

    @Test
    void refusesEncryptionWithoutIntegrityProtection() throws Exception {
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
                new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(false)
                        .setSecureRandom(new SecureRandom()));
        generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(office.currentEncryptionKey().getPGPPublicKey()));
        ByteArrayOutputStream sed = new ByteArrayOutputStream();
        try (OutputStream encrypted = generator.open(sed, new byte[4096]);
             OutputStream out = new PGPLiteralDataGenerator().open(encrypted, PGPLiteralData.BINARY, "", TESTIMONY.length, new Date(0))) {
            out.write(TESTIMONY);
        }
        assertEquals(Reason.NOT_INTEGRITY_PROTECTED, refusal(sed.toByteArray(), office));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 10, 60, 100, 140})
    void refusesTruncation(int missingBytes) {
        assertEquals(Reason.TRUNCATED, refusal(Arrays.copyOf(good, good.length - missingBytes), office));
    }

    @Test
    void refusesTrailingData() {
        byte[] trailing = Arrays.copyOf(good, good.length + 3);
        trailing[good.length] = (byte) 0xcb; // a literal data packet header: valid framing, not allowed after SEIPD
        assertEquals(Reason.TRAILING_DATA, refusal(trailing, office));
        byte[] twice = Arrays.copyOf(good, good.length * 2);
        System.arraycopy(good, 0, twice, good.length, good.length);
        assertEquals(Reason.TRAILING_DATA, refusal(twice, office));
    }

    @Test
    void refusesEmptyAndGarbage() {
        assertEquals(Reason.NO_RECIPIENT, refusal(new byte[0], office));
        byte[] garbage = new byte[4096];
        new SecureRandom().nextBytes(garbage);
        garbage[0] = 0x00; // not a packet header
        assertEquals(Reason.NOT_OPENPGP, refusal(garbage, office));
    }

    @Test
    void refusesWhatExceedsTheLimit() {
        var refused = assertThrows(RefusedCiphertextException.class, () -> inspect(good, office, good.length - 1));
        assertEquals(Reason.TOO_LARGE, refused.reason());
    }

    @Test
    void previousSubkeyIsAcceptedOnlyWithinTheGraceWindow() throws Exception {
        OfficeKey key = OfficeKey.generate(KeyProfile.COMPAT, "Rotating office", PASSPHRASE);
        byte[] toFirstSubkey = MessageEncryptor.encrypt(key.certificate(), TESTIMONY);
        OfficeCertificate rotated = key.rotate(PASSPHRASE).certificate();
        LocalDate today = LocalDate.now(java.time.ZoneOffset.UTC);

        var inspected = CiphertextInspector.copyChecked(new ByteArrayInputStream(toFirstSubkey),
                OutputStream.nullOutputStream(), rotated.acceptedRecipients(today.plusDays(30), 30), Long.MAX_VALUE);
        assertEquals(SubkeyState.PREVIOUS, inspected.recipient().state());
        var refused = assertThrows(RefusedCiphertextException.class, () -> CiphertextInspector.copyChecked(
                new ByteArrayInputStream(toFirstSubkey), OutputStream.nullOutputStream(),
                rotated.acceptedRecipients(today.plusDays(31), 30), Long.MAX_VALUE));
        assertEquals(Reason.WRONG_RECIPIENT, refused.reason());
    }
}
