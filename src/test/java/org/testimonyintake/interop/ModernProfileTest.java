package org.testimonyintake.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.Packet;
import org.bouncycastle.bcpg.PublicKeyEncSessionPacket;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SymmetricEncIntegrityPacket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.interop.ExternalTool.Outcome;
import org.testimonyintake.office.DecryptionException;
import org.testimonyintake.office.MessageDecryptor;
import org.testimonyintake.office.OfficeKey;

/**
 * The modern (RFC 9580 v6) profile works end to end in this code, and, as FORMAT.md documents, GnuPG 2.2 and sq 0.27
 * cannot use it at all: these tests fail the day that changes, so the documentation can be updated.
 */
class ModernProfileTest {
    @TempDir
    static Path directory;

    private static OfficeKeyFiles office;
    private static MessageDecryptor decryptor;

    @BeforeAll
    static void generateModernOfficeKey() throws Exception {
        office = OfficeKeyFiles.write(OfficeKey.generate(KeyProfile.MODERN, "Test Office <office@example.org>",
                OfficeKeyFiles.passphrase()), directory, "modern");
        decryptor = new MessageDecryptor(office.key().unlock(OfficeKeyFiles.passphrase()));
    }

    static Stream<String> plaintexts() {
        return Plaintexts.all().keySet().stream().sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plaintexts")
    void roundTripsByteForByte(String name) throws Exception {
        byte[] plaintext = Plaintexts.all().get(name);
        Path message = Files.write(directory.resolve(name + ".pgp"), MessageEncryptor.encrypt(office.certificate(), plaintext));
        assertArrayEquals(plaintext, Decryption.decrypt(decryptor, message));
    }

    @Test
    void keyAndMessagesAreVersion6() throws Exception {
        assertEquals(KeyProfile.MODERN, office.key().profile());
        assertEquals(PublicKeyPacket.VERSION_6, office.certificate().openPGPCertificate().getPrimaryKey().getVersion());
        assertEquals(PublicKeyPacket.VERSION_6, office.certificate().currentEncryptionKey().getVersion());

        List<Packet> packets = packets(MessageEncryptor.encrypt(office.certificate(), Plaintexts.RUSSIAN));
        assertEquals(2, packets.size(), packets.toString());
        PublicKeyEncSessionPacket pkesk = (PublicKeyEncSessionPacket) packets.get(0);
        SymmetricEncIntegrityPacket seipd = (SymmetricEncIntegrityPacket) packets.get(1);
        assertEquals(PublicKeyEncSessionPacket.VERSION_6, pkesk.getVersion());
        assertEquals(SymmetricEncIntegrityPacket.VERSION_2, seipd.getVersion());
    }

    /** SEIPDv2 takes the place of the MDC with AEAD tags: a flipped bit, a cut or appended bytes must all be refused. */
    @Test
    void modifiedMessagesAreRefused() throws Exception {
        byte[] message = MessageEncryptor.encrypt(office.certificate(), Plaintexts.BINARY);
        byte[] flipped = message.clone();
        flipped[message.length / 2] ^= 0x01;
        byte[] appended = Arrays.copyOf(message, message.length + 8);
        Map<String, byte[]> modified = Map.of("flipped bit", flipped, "last 16 bytes cut",
                Arrays.copyOf(message, message.length - 16), "8 zero bytes appended", appended);

        for (Map.Entry<String, byte[]> variant : modified.entrySet()) {
            Path file = Files.write(directory.resolve("modified.pgp"), variant.getValue());
            DecryptionException refused = assertThrows(DecryptionException.class,
                    () -> Decryption.decrypt(decryptor, file), variant.getKey());
            assertEquals(DecryptionException.Reason.INTEGRITY_FAILURE, refused.reason(), variant.getKey());
        }
    }

    /** Documented limitation: gpg 2.2 rejects every v6 packet ("packet(6) with unknown version 6"). */
    @Test
    void gpgCannotImportTheModernKey() throws Exception {
        try (GnuPG gpg = GnuPG.createIn(directory, OfficeKeyFiles.PASSPHRASE)) {
            for (Path file : List.of(office.certificateFile(), office.secretKeyFile())) {
                Outcome imported = gpg.importKey(file);
                assertNotEquals(0, imported.exitCode(), imported.describe());
                assertTrue(imported.stderr().contains("with unknown version 6"), imported.stderr());
                assertTrue(imported.stderr().contains("Total number processed: 0"), imported.stderr());
            }
            assertEquals("", gpg.run("--list-keys").requireSuccess().stdoutText());
        }
    }

    /** Documented limitation: sq 0.27 rejects the certificate ("Unsupported Cert: Unsupported primary key"). */
    @Test
    void sqCannotEncryptToTheModernKey() throws Exception {
        Path plaintext = Files.write(directory.resolve("sq.plaintext"), Plaintexts.RUSSIAN);
        Outcome encrypted = Sequoia.createIn(directory)
                .encrypt(office.certificateFile(), plaintext, directory.resolve("sq.pgp"));
        assertNotEquals(0, encrypted.exitCode(), encrypted.describe());
        assertTrue(encrypted.stderr().contains("Unsupported primary key"), encrypted.stderr());
    }

    /** The outer packets, without decrypting: a PKESK and the encrypted data, whose body is skipped. */
    private static List<Packet> packets(byte[] message) throws Exception {
        List<Packet> packets = new ArrayList<>();
        try (BCPGInputStream in = new BCPGInputStream(new ByteArrayInputStream(message))) {
            for (Packet packet = in.readPacket(); packet != null; packet = in.readPacket()) {
                packets.add(packet);
                if (packet instanceof SymmetricEncIntegrityPacket seipd) {
                    seipd.getInputStream().readAllBytes();
                }
            }
        }
        return packets;
    }
}
