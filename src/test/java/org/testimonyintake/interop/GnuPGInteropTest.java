package org.testimonyintake.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.interop.ExternalTool.Outcome;
import org.testimonyintake.office.MessageDecryptor;
import org.testimonyintake.office.OfficeKey;
import org.testimonyintake.office.cli.OfficeCli;

/**
 * GnuPG 2.2 and this code read each other's messages byte for byte, with a compat office key. The sender's gpg has only
 * the public certificate; the office's gpg has the secret key file imported as SecretKeyFile wrote it.
 */
class GnuPGInteropTest {
    @TempDir
    static Path directory;

    private static OfficeKeyFiles office;
    private static MessageDecryptor decryptor;
    private static GnuPG sender;
    private static GnuPG officeGpg;

    @BeforeAll
    static void generateOfficeKeyAndGiveItToGnuPG() throws Exception {
        office = OfficeKeyFiles.write(OfficeKey.generate(KeyProfile.COMPAT, "Test Office <office@example.org>",
                OfficeKeyFiles.passphrase()), directory, "office");
        decryptor = new MessageDecryptor(office.key().unlock(OfficeKeyFiles.passphrase()));
        sender = GnuPG.createIn(directory, "unused");
        sender.importKey(office.certificateFile()).requireSuccess();
        officeGpg = GnuPG.createIn(directory, OfficeKeyFiles.PASSPHRASE);
        officeGpg.importKey(office.secretKeyFile()).requireSuccess();
    }

    @AfterAll
    static void stopAgents() throws Exception {
        sender.close();
        officeGpg.close();
    }

    @ParameterizedTest(name = "{0}, armor {1}")
    @MethodSource("org.testimonyintake.interop.Plaintexts#namesArmoredAndBinary")
    void gpgMessageToTheOfficeDecryptsByteForByte(String name, boolean armor) throws Exception {
        byte[] plaintext = Plaintexts.all().get(name);
        Path message = directory.resolve("gpg-" + name + (armor ? ".asc" : ".gpg"));
        sender.encrypt(office.certificate().primaryFingerprint(), write(name, plaintext), message,
                armor ? new String[] {"--armor"} : new String[0]).requireSuccess();

        assertEquals(armor, Files.readString(message, StandardCharsets.ISO_8859_1).startsWith("-----BEGIN PGP MESSAGE-----"));
        assertEquals(List.of(office.certificate().currentSubkey().keyId()), officeGpg.recipientKeyIds(message));
        // gpg compresses by default; the decryptor must unwrap the compressed packet.
        assertTrue(officeGpg.listPackets(message).contains(":compressed packet: algo="), officeGpg.listPackets(message));
        assertArrayEquals(plaintext, Decryption.decrypt(decryptor, message));
    }

    @Test
    void gpgMessageWithHiddenRecipientDecrypts() throws Exception {
        Path message = directory.resolve("gpg-throw-keyids.gpg");
        sender.encrypt(office.certificate().primaryFingerprint(), write("hidden", Plaintexts.KOREAN), message,
                "--throw-keyids").requireSuccess();

        assertEquals(List.of("0000000000000000"), officeGpg.recipientKeyIds(message));
        assertArrayEquals(Plaintexts.KOREAN, Decryption.decrypt(decryptor, message));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.testimonyintake.interop.Plaintexts#names")
    void messageEncryptorOutputDecryptsInGpgByteForByte(String name) throws Exception {
        byte[] plaintext = Plaintexts.all().get(name);
        Path message = Files.write(directory.resolve("encryptor-" + name + ".gpg"),
                MessageEncryptor.encrypt(office.certificate(), plaintext));
        Path decrypted = directory.resolve("encryptor-" + name + ".gpg-decrypted");

        Outcome decryption = officeGpg.decrypt(message, decrypted).requireSuccess();

        assertArrayEquals(plaintext, Files.readAllBytes(decrypted));
        assertFalse(decryption.stderr().contains("WARNING"), decryption.stderr());
        String packets = officeGpg.listPackets(message);
        assertTrue(packets.contains(":pubkey enc packet: version 3"), packets);
        assertTrue(packets.contains("mdc_method: 2"), packets);
        assertFalse(packets.contains(":compressed packet:"), packets);
    }

    /**
     * The office key as gpg keeps it once it expired there: gpg exports the secret under its own protection (SHA-1,
     * AES-128), and intake-office decrypt still opens a message sent to it before. Checking the expiry, as the
     * commands that publish the key do, refused it before (exit 3, "the office key expired").
     */
    @Test
    void aKeyThatExpiredInGpgStillOpensWhatWasSentToIt() throws Exception {
        String fingerprint = office.certificate().primaryFingerprint();
        Path message = directory.resolve("before-expiry.gpg");
        sender.encrypt(fingerprint, write("before-expiry", Plaintexts.KOREAN), message).requireSuccess();
        Path exported = directory.resolve("expired.sec.asc");
        try (GnuPG custodian = GnuPG.createIn(directory, OfficeKeyFiles.PASSPHRASE)) {
            custodian.importKey(office.secretKeyFile()).requireSuccess();
            custodian.run("--quick-set-expire", fingerprint, "seconds=1").requireSuccess();
            Files.write(exported, custodian.run("--armor", "--export-secret-keys", fingerprint).requireSuccess().stdout());
            String packets = custodian.run("--list-packets", exported.toString()).stdoutText();
            assertTrue(packets.contains("iter+salt S2K, algo: 7, SHA1 protection, hash: 2"), packets);
        }
        Thread.sleep(1_500); // past the expiry
        Path passphrase = Files.writeString(directory.resolve("expired-passphrase.txt"), OfficeKeyFiles.PASSPHRASE);
        Path out = directory.resolve("expired-out");
        StringWriter err = new StringWriter();

        int exitCode = OfficeCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "decrypt",
                "--secret", exported.toString(), "--passphrase-file", passphrase.toString(), "--out", out.toString(),
                message.toString());

        assertEquals(0, exitCode, err.toString());
        assertArrayEquals(Plaintexts.KOREAN, Files.readAllBytes(out.resolve("before-expiry")));
    }

    @Test
    void messageEncryptorStreamOfUnevenWritesDecryptsInGpgByteForByte() throws Exception {
        Path message = Files.write(directory.resolve("encryptor-uneven.gpg"),
                UnevenWrites.encrypt(office.certificate(), UnevenWrites.LARGE));
        Path decrypted = directory.resolve("encryptor-uneven.gpg-decrypted");

        Outcome decryption = officeGpg.decrypt(message, decrypted).requireSuccess();

        assertArrayEquals(UnevenWrites.LARGE, Files.readAllBytes(decrypted));
        assertFalse(decryption.stderr().contains("WARNING"), decryption.stderr());
        assertArrayEquals(UnevenWrites.LARGE, Decryption.decrypt(decryptor, message));
    }

    private static Path write(String name, byte[] plaintext) throws Exception {
        Path file = directory.resolve(name + ".plaintext");
        return Files.exists(file) ? file : Files.write(file, plaintext);
    }
}
