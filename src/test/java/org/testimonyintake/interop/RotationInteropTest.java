package org.testimonyintake.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.Subkey;
import org.testimonyintake.format.SubkeyState;
import org.testimonyintake.interop.ExternalTool.Outcome;
import org.testimonyintake.office.DecryptionException;
import org.testimonyintake.office.MessageDecryptor;
import org.testimonyintake.office.OfficeKey;

/**
 * Rotation and retirement as gpg and sq see them: the published fingerprint stays, senders move to the new subkey as
 * soon as they import the rotated certificate, old messages stay readable until their subkey is retired, and a
 * retired key file still imports.
 */
class RotationInteropTest {
    @TempDir
    static Path directory;

    private static OfficeKeyFiles original;
    private static OfficeKeyFiles rotatedTwice;
    private static OfficeKeyFiles retired;
    private static Subkey first;
    private static Subkey second;
    private static Subkey third;
    /** Korean text encrypted to the first subkey, before any rotation. */
    private static Path messageToFirst;
    /** Russian text encrypted to the second subkey, between the rotations. */
    private static Path messageToSecond;

    @BeforeAll
    static void generateRotateTwiceAndRetireTheFirstSubkey() throws Exception {
        OfficeKey key = OfficeKey.generate(KeyProfile.COMPAT, "Test Office <office@example.org>", OfficeKeyFiles.passphrase());
        original = OfficeKeyFiles.write(key, directory, "original");
        first = key.certificate().currentSubkey();
        messageToFirst = Files.write(directory.resolve("to-first.pgp"),
                MessageEncryptor.encrypt(key.certificate(), Plaintexts.KOREAN));

        key = key.rotate(OfficeKeyFiles.passphrase());
        second = key.certificate().currentSubkey();
        messageToSecond = Files.write(directory.resolve("to-second.pgp"),
                MessageEncryptor.encrypt(key.certificate(), Plaintexts.RUSSIAN));

        key = key.rotate(OfficeKeyFiles.passphrase());
        rotatedTwice = OfficeKeyFiles.write(key, directory, "rotated-twice");
        third = key.certificate().currentSubkey();

        retired = OfficeKeyFiles.write(key.retire(first.keyId(), OfficeKeyFiles.passphrase()), directory, "retired");
    }

    @Test
    void rotationKeepsTheFingerprintAndMakesOnlyTheNewSubkeyCurrent() throws Exception {
        String fingerprint = original.certificate().primaryFingerprint();
        assertEquals(fingerprint, rotatedTwice.certificate().primaryFingerprint());
        assertEquals(fingerprint, retired.certificate().primaryFingerprint());
        assertEquals(3, List.of(first.keyId(), second.keyId(), third.keyId()).stream().distinct().count());
        assertEquals(Map.of(first.keyId(), SubkeyState.PREVIOUS, second.keyId(), SubkeyState.PREVIOUS,
                third.keyId(), SubkeyState.CURRENT), states(rotatedTwice.key()));
    }

    @Test
    void messageToTheFirstSubkeyStillDecryptsAfterTwoRotations() throws Exception {
        MessageDecryptor decryptor = new MessageDecryptor(rotatedTwice.key().unlock(OfficeKeyFiles.passphrase()));
        assertArrayEquals(Plaintexts.KOREAN, Decryption.decrypt(decryptor, messageToFirst));
        assertArrayEquals(Plaintexts.RUSSIAN, Decryption.decrypt(decryptor, messageToSecond));
    }

    /** A sender who had the original certificate imports the rotated one and from then on uses the newest subkey. */
    @Test
    void gpgEncryptsToTheNewSubkeyOnceItImportsTheRotatedCertificate() throws Exception {
        try (GnuPG sender = GnuPG.createIn(directory, "unused")) {
            String fingerprint = original.certificate().primaryFingerprint();
            Path plaintext = Files.write(directory.resolve("gpg-sender.plaintext"), Plaintexts.RUSSIAN);
            sender.importKey(original.certificateFile()).requireSuccess();
            Path before = directory.resolve("gpg-before-rotation.pgp");
            sender.encrypt(fingerprint, plaintext, before).requireSuccess();

            sender.importKey(rotatedTwice.certificateFile()).requireSuccess();
            Path after = directory.resolve("gpg-after-rotation.pgp");
            sender.encrypt(fingerprint, plaintext, after).requireSuccess();

            assertEquals(List.of(first.keyId()), sender.recipientKeyIds(before));
            assertEquals(List.of(third.keyId()), sender.recipientKeyIds(after));
            assertEquals(Map.of(first.keyId(), "r", second.keyId(), "r", third.keyId(), "-"),
                    subkeyValidities(sender.run("--with-colons", "--list-keys", fingerprint).requireSuccess()));
        }
    }

    @Test
    void sqEncryptsToTheNewSubkeyOnly() throws Exception {
        Sequoia sq = Sequoia.createIn(directory);
        Path plaintext = Files.write(directory.resolve("sq-sender.plaintext"), Plaintexts.RUSSIAN);
        Path message = directory.resolve("sq-after-rotation.pgp");
        sq.encrypt(rotatedTwice.certificateFile(), plaintext, message).requireSuccess();

        Matcher recipients = Pattern.compile("Recipient: ([0-9A-F]{16})").matcher(sq.packetDump(message));
        assertEquals(List.of(third.keyId()), recipients.results().map(r -> r.group(1)).toList());
    }

    @Test
    void gpgAndSqDecryptAnOldMessageWithTheRotatedSecretKey() throws Exception {
        try (GnuPG office = GnuPG.createIn(directory, OfficeKeyFiles.PASSPHRASE)) {
            office.importKey(rotatedTwice.secretKeyFile()).requireSuccess();
            Path byGpg = directory.resolve("to-first.gpg-decrypted");
            office.decrypt(messageToFirst, byGpg).requireSuccess();
            assertArrayEquals(Plaintexts.KOREAN, Files.readAllBytes(byGpg));
        }
        Path bySq = directory.resolve("to-first.sq-decrypted");
        Outcome sqDecryption = Sequoia.createIn(directory)
                .decrypt(rotatedTwice.secretKeyFile(), OfficeKeyFiles.PASSPHRASE, messageToFirst, bySq);
        assertEquals(0, sqDecryption.exitCode(), sqDecryption.describe());
        assertArrayEquals(Plaintexts.KOREAN, Files.readAllBytes(bySq));
    }

    @Test
    void retiredSubkeyNoLongerDecryptsButTheOthersDo() throws Exception {
        assertEquals(SubkeyState.RETIRED, states(retired.key()).get(first.keyId()));
        MessageDecryptor decryptor = new MessageDecryptor(retired.key().unlock(OfficeKeyFiles.passphrase()));

        DecryptionException refused = assertThrows(DecryptionException.class,
                () -> Decryption.decrypt(decryptor, messageToFirst));
        assertEquals(DecryptionException.Reason.NOT_FOR_THIS_KEY, refused.reason());
        assertArrayEquals(Plaintexts.RUSSIAN, Decryption.decrypt(decryptor, messageToSecond));
    }

    /** gpg reads the retired subkey as a stub without secret ("ssb#") and keeps working with the rest of the key. */
    @Test
    void gpgImportsTheRetiredKeyAndDecryptsCurrentMessagesOnly() throws Exception {
        Path current = Files.write(directory.resolve("to-third.pgp"),
                MessageEncryptor.encrypt(retired.certificate(), Plaintexts.BINARY));
        try (GnuPG office = GnuPG.createIn(directory, OfficeKeyFiles.PASSPHRASE)) {
            office.importKey(retired.secretKeyFile()).requireSuccess();

            String secretKeys = office.run("--with-colons", "--list-secret-keys").requireSuccess().stdoutText();
            assertTrue(secretKeys.contains(":" + first.keyId() + ":") && stubKeyIds(secretKeys).equals(List.of(first.keyId())),
                    secretKeys);

            Path decrypted = directory.resolve("to-third.gpg-decrypted");
            office.decrypt(current, decrypted).requireSuccess();
            assertArrayEquals(Plaintexts.BINARY, Files.readAllBytes(decrypted));

            Outcome old = office.decrypt(messageToFirst, directory.resolve("to-first.after-retirement"));
            assertNotEquals(0, old.exitCode());
            assertTrue(old.stderr().contains("decryption failed: No secret key"), old.stderr());
        }
    }

    private static Map<String, SubkeyState> states(OfficeKey key) throws Exception {
        return key.encryptionSubkeys().stream().collect(Collectors.toMap(Subkey::keyId, Subkey::state));
    }

    /** Key ID to gpg's validity field ("r" revoked, "-" unknown, i.e. valid) of each "sub" record. */
    private static Map<String, String> subkeyValidities(Outcome listing) {
        return listing.stdoutText().lines().filter(line -> line.startsWith("sub:")).map(line -> line.split(":", -1))
                .collect(Collectors.toMap(fields -> fields[4], fields -> fields[1]));
    }

    /** Secret subkeys gpg holds only as stubs: field 15 of an "ssb" record is "#" when the secret is absent. */
    private static List<String> stubKeyIds(String secretKeyListing) {
        return secretKeyListing.lines().filter(line -> line.startsWith("ssb:")).map(line -> line.split(":", -1))
                .filter(fields -> fields[14].equals("#")).map(fields -> fields[4]).toList();
    }
}
