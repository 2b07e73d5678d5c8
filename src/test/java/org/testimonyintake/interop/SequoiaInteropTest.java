package org.testimonyintake.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** Sequoia sq 0.27 and this code read each other's messages byte for byte, with a compat office key. */
class SequoiaInteropTest {
    @TempDir
    static Path directory;

    private static OfficeKeyFiles office;
    private static MessageDecryptor decryptor;
    private static Sequoia sq;

    @BeforeAll
    static void generateOfficeKey() throws Exception {
        office = OfficeKeyFiles.write(OfficeKey.generate(KeyProfile.COMPAT, "Test Office <office@example.org>",
                OfficeKeyFiles.passphrase()), directory, "office");
        decryptor = new MessageDecryptor(office.key().unlock(OfficeKeyFiles.passphrase()));
        sq = Sequoia.createIn(directory);
    }

    /** sq armors by default and wraps the literal in a padded ("pad") compressed packet; --binary turns armor off. */
    @ParameterizedTest(name = "{0}, armor {1}")
    @MethodSource("org.testimonyintake.interop.Plaintexts#namesArmoredAndBinary")
    void sqMessageToTheOfficeDecryptsByteForByte(String name, boolean armor) throws Exception {
        byte[] plaintext = Plaintexts.all().get(name);
        Path input = directory.resolve(name + (armor ? ".armored" : ".binary") + ".plaintext");
        Files.write(input, plaintext);
        Path message = directory.resolve("sq-" + name + (armor ? ".asc" : ".pgp"));
        sq.encrypt(office.certificateFile(), input, message, armor ? new String[0] : new String[] {"--binary"})
                .requireSuccess();

        assertEquals(armor, Files.readString(message, StandardCharsets.ISO_8859_1).startsWith("-----BEGIN PGP MESSAGE-----"));
        String dump = sq.packetDump(message);
        assertTrue(dump.contains("Recipient: " + office.certificate().currentSubkey().keyId()), dump);
        assertArrayEquals(plaintext, Decryption.decrypt(decryptor, message));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.testimonyintake.interop.Plaintexts#names")
    void messageEncryptorOutputDecryptsInSqByteForByte(String name) throws Exception {
        byte[] plaintext = Plaintexts.all().get(name);
        Path message = Files.write(directory.resolve("encryptor-" + name + ".pgp"),
                MessageEncryptor.encrypt(office.certificate(), plaintext));
        Path decrypted = directory.resolve("encryptor-" + name + ".sq-decrypted");

        Outcome decryption = sq.decrypt(office.secretKeyFile(), OfficeKeyFiles.PASSPHRASE, message, decrypted);

        assertEquals(0, decryption.exitCode(), decryption.describe());
        assertArrayEquals(plaintext, Files.readAllBytes(decrypted));
    }

    @Test
    void messageEncryptorStreamOfUnevenWritesDecryptsInSqByteForByte() throws Exception {
        Path message = Files.write(directory.resolve("encryptor-uneven.pgp"),
                UnevenWrites.encrypt(office.certificate(), UnevenWrites.LARGE));
        Path decrypted = directory.resolve("encryptor-uneven.sq-decrypted");

        Outcome decryption = sq.decrypt(office.secretKeyFile(), OfficeKeyFiles.PASSPHRASE, message, decrypted);

        assertEquals(0, decryption.exitCode(), decryption.describe());
        assertArrayEquals(UnevenWrites.LARGE, Files.readAllBytes(decrypted));
    }
}
