package org.testimonyintake.office;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.interop.GnuPG;

/**
 * The office's own AES-CFB path for SEIPDv1 against Bouncy Castle's and gpg's: the same plaintext for every length
 * around the block and buffer boundaries, and a refusal for every damaged copy, wherever the damage is.
 */
class SeipdV1FastPathTest {
    private static final char[] PASSPHRASE = "test only: fast path passphrase".toCharArray();
    private static final int CHUNK = 256 * 1024;
    /** Decrypted on the caller's thread before the decrypt-ahead thread takes over. */
    private static final int FIRST_CHUNK = 16 * 1024;
    private static final int[] SIZES = {0, 1, 2, 3, 15, 16, 17, 18, 19, 21, 22, 23, 31, 32, 33, 255, 8192,
        FIRST_CHUNK - 41, FIRST_CHUNK - 22, FIRST_CHUNK - 18, FIRST_CHUNK - 1, FIRST_CHUNK, FIRST_CHUNK + 1,
        FIRST_CHUNK + CHUNK - 22, FIRST_CHUNK + CHUNK, CHUNK - 41, CHUNK - 22, CHUNK - 18, CHUNK - 1, CHUNK, CHUNK + 1,
        CHUNK + 22, 3 * CHUNK + 7, 9 * CHUNK + 5};

    @TempDir
    static Path dir;
    static OfficeKey key;
    static OfficeCertificate office;
    static UnlockedOfficeKey unlocked;
    static MessageDecryptor decryptor;

    @BeforeAll
    static void officeKey() throws Exception {
        key = OfficeKey.generate(KeyProfile.COMPAT, "Fast path test", PASSPHRASE);
        office = key.certificate();
        unlocked = key.unlock(PASSPHRASE);
        decryptor = new MessageDecryptor(unlocked);
    }

    @Test
    void bouncyCastleMessagesOfEveryLengthDecryptAsBouncyCastleDecryptsThem() throws Exception {
        List<String> problems = new ArrayList<>();
        for (int size : SIZES) {
            byte[] plaintext = random(size, size);
            byte[] message = MessageEncryptor.encrypt(office, plaintext);
            if (!Arrays.equals(plaintext, fastDecrypt(message))) {
                problems.add(size + ": the fast path differs");
            }
            if (!Arrays.equals(plaintext, bouncyCastleDecrypt(message))) {
                problems.add(size + ": Bouncy Castle differs");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void gpgMessagesOfEveryLengthDecrypt() throws Exception {
        Path certificate = Files.write(dir.resolve("office.asc"), office.armored().getBytes(StandardCharsets.US_ASCII));
        try (GnuPG gpg = GnuPG.createIn(dir, "unused")) {
            assertEquals(0, gpg.importKey(certificate).exitCode());
            List<String> problems = new ArrayList<>();
            for (int size : new int[] {0, 1, 17, 8192, CHUNK - 22, CHUNK + 1, 3 * CHUNK + 7}) {
                byte[] plaintext = random(size, -size);
                Path in = Files.write(dir.resolve("gpg-" + size), plaintext);
                Path out = dir.resolve("gpg-" + size + ".gpg");
                assertEquals(0, gpg.encrypt(office.primaryFingerprint(), in, out, "--compress-algo", "none").exitCode());
                if (!Arrays.equals(plaintext, fastDecrypt(Files.readAllBytes(out)))) {
                    problems.add(size + ": differs from what gpg encrypted");
                }
            }
            assertEquals(List.of(), problems);
        }
    }

    /** One bit flipped in each of many places of the encrypted data, and cuts at many lengths: all refused. */
    @Test
    void everyDamagedCopyIsRefusedAsTamperedAndBouncyCastleRefusesItToo() throws Exception {
        byte[] message = MessageEncryptor.encrypt(office, random(CHUNK + 100, 7));
        int body = message.length - (CHUNK + 100 + 22 + 18 + 8); // about where the SEIPD body starts
        Random positions = new Random(42);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int position = i < 8 ? message.length - 1 - i : body + positions.nextInt(message.length - body);
            byte[] tampered = message.clone();
            tampered[position] ^= (byte) (1 << positions.nextInt(8));
            check(problems, "bit flipped at " + position, tampered);
        }
        for (int cut : new int[] {1, 2, 20, 21, 22, 23, 30, 100, CHUNK / 2, message.length - body - 1}) {
            check(problems, "cut " + cut, Arrays.copyOf(message, message.length - cut));
        }
        assertEquals(List.of(), problems);
    }

    private void check(List<String> problems, String what, byte[] damaged) throws IOException {
        try {
            fastDecrypt(damaged);
            problems.add(what + ": decrypted");
        } catch (DecryptionException e) {
            if (e.reason() != DecryptionException.Reason.INTEGRITY_FAILURE && e.reason() != DecryptionException.Reason.NOT_OPENPGP) {
                problems.add(what + ": " + e.reason());
            }
        }
        try {
            bouncyCastleDecrypt(damaged);
            problems.add(what + ": Bouncy Castle decrypted it");
        } catch (Exception expected) {
            // Bouncy Castle refuses it as well
        }
    }

    /**
     * Every split of the MDC packet between the last two chunks, where the caller's thread hands over to the
     * decrypt-ahead thread and where that thread's first chunk ends: whatever the message's framing adds, 100 sizes
     * below each boundary put from 0 to 22 octets of the MDC packet into the last chunk. Each decrypts; with its last
     * octet flipped, none does.
     */
    @Test
    void theMdcSplitAnywhereBetweenTwoChunksIsStillChecked() throws Exception {
        List<String> problems = new ArrayList<>();
        for (int boundary : new int[] {FIRST_CHUNK, FIRST_CHUNK + CHUNK}) {
            for (int size = boundary - 100; size <= boundary; size++) {
                byte[] plaintext = random(size, size);
                byte[] message = MessageEncryptor.encrypt(office, plaintext);
                if (!Arrays.equals(plaintext, fastDecrypt(message))) {
                    problems.add(size + ": differs");
                }
                message[message.length - 1] ^= 1;
                try {
                    fastDecrypt(message);
                    problems.add(size + ": decrypted with its MDC changed");
                } catch (DecryptionException e) {
                    if (e.reason() != DecryptionException.Reason.INTEGRITY_FAILURE) {
                        problems.add(size + ": " + e.reason());
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theStreamEndsOnlyAfterItsMdcMatched() throws Exception {
        byte[] message = MessageEncryptor.encrypt(office, random(100, 1));
        message[message.length - 1] ^= 1;
        ByteArrayOutputStream released = new ByteArrayOutputStream();
        assertThrows(DecryptionException.class, () -> decryptor.decrypt(new ByteArrayInputStream(message), released));
        assertTrue(released.size() <= 100, "nothing of the prefix or the MDC packet is released");
    }

    /**
     * A video-sized message with one bit flipped near its end: the decrypt-ahead thread has long run ahead, yet no
     * file appears, no temporary file stays, and the thread is gone.
     */
    @Test
    void aTamperedLargeMessageLeavesNoFileAndNoThread() throws Exception {
        byte[] message = MessageEncryptor.encrypt(office, random(24 * CHUNK + 3, 24));
        for (int position : new int[] {message.length - 30, message.length / 2}) {
            byte[] tampered = message.clone();
            tampered[position] ^= 4;
            Path folder = Files.createDirectories(dir.resolve("tampered-" + position));
            Path target = folder.resolve("video.mp4");
            DecryptionException refused = assertThrows(DecryptionException.class,
                    () -> decryptor.decrypt(new ByteArrayInputStream(tampered), target));
            assertEquals(DecryptionException.Reason.INTEGRITY_FAILURE, refused.reason());
            try (var left = Files.list(folder)) {
                assertEquals(List.of(), left.toList(), "no plaintext, whole or partial, is left in the folder");
            }
        }
        byte[] truncated = Arrays.copyOf(message, message.length - 5 * CHUNK);
        Path target = Files.createDirectories(dir.resolve("truncated")).resolve("video.mp4");
        assertThrows(DecryptionException.class, () -> decryptor.decrypt(new ByteArrayInputStream(truncated), target));
        try (var left = Files.list(target.getParent())) {
            assertEquals(List.of(), left.toList());
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("decrypt-ahead")),
                "closing the stream stopped the decrypt-ahead thread");
    }

    /** The plaintext is written out while the thread decrypts ahead, and all of it arrives in order. */
    @Test
    void aLargeMessageDecryptsIntoItsFileWithTheThreadAhead() throws Exception {
        byte[] plaintext = random(30 * CHUNK + 11, 30);
        Path target = Files.createDirectories(dir.resolve("large")).resolve("video.mp4");
        decryptor.decrypt(new ByteArrayInputStream(MessageEncryptor.encrypt(office, plaintext)), target);
        assertTrue(Arrays.equals(plaintext, Files.readAllBytes(target)));
        try (var left = Files.list(target.getParent())) {
            assertEquals(List.of(target), left.toList());
        }
    }

    private static byte[] fastDecrypt(byte[] message) throws IOException, DecryptionException {
        ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
        decryptor.decrypt(new ByteArrayInputStream(message), plaintext);
        return plaintext.toByteArray();
    }

    private static byte[] bouncyCastleDecrypt(byte[] message) throws Exception {
        PGPObjectFactory packets = new PGPObjectFactory(new ByteArrayInputStream(message),
                KeyProfile.implementation().keyFingerPrintCalculator());
        PGPPublicKeyEncryptedData data = (PGPPublicKeyEncryptedData) ((PGPEncryptedDataList) packets.nextObject()).get(0);
        PGPPrivateKey privateKey = unlocked.forRecipient(data.getKeyIdentifier()).orElseThrow();
        InputStream clear = data.getDataStream(new JcePublicKeyDataDecryptorFactoryBuilder()
                .setProvider(new BouncyCastleProvider()).build(privateKey));
        PGPLiteralData literal = (PGPLiteralData) new PGPObjectFactory(clear,
                KeyProfile.implementation().keyFingerPrintCalculator()).nextObject();
        byte[] plaintext = literal.getDataStream().readAllBytes();
        if (!data.verify()) {
            throw new IOException("MDC mismatch");
        }
        return plaintext;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
