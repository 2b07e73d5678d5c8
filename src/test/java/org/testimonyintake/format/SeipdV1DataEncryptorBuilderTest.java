package org.testimonyintake.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The CBC-based CFB encryption against the JDK's own AES/CFB (OpenPGP's CFB without resynchronization is CFB-128
 * with a zero IV): the same ciphertext for every length around the block and chunk boundaries, however the plaintext
 * is cut into writes. That OpenPGP tools read whole messages is shown by the interop tests.
 */
class SeipdV1DataEncryptorBuilderTest {
    private static final int CHUNK = 1 << 16;
    private static final int[] LENGTHS = {0, 1, 15, 16, 17, 18, 31, 32, 33, 1000, CHUNK - 17, CHUNK - 16, CHUNK - 1,
        CHUNK, CHUNK + 1, CHUNK + 16, CHUNK + 17, 2 * CHUNK + 18, 5 * CHUNK + 3};

    @Test
    void ciphertextIsTheJdksAesCfbForEveryLengthAndEveryWayOfWriting() throws Exception {
        byte[] key = random(32, 1);
        List<String> problems = new ArrayList<>();
        Random cuts = new Random(2);
        List<IntUnaryOperator> writings = List.of(
                remaining -> remaining, // all at once
                remaining -> 1, // an octet at a time
                remaining -> 1 + cuts.nextInt(40), // less than a few blocks
                remaining -> 1 + cuts.nextInt(3 * CHUNK), // anything up to several chunks
                remaining -> cuts.nextBoolean() ? 1 : CHUNK); // as a partial-length packet writer does
        for (int length : LENGTHS) {
            byte[] plaintext = random(length, length);
            byte[] expected = jdkCfb(key, plaintext);
            for (int w = 0; w < writings.size(); w++) {
                byte[] actual = encrypt(key, plaintext, writings.get(w));
                if (!Arrays.equals(expected, actual)) {
                    problems.add(length + " octets, writing " + w + ": differs");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void closeClosesTheStreamBeneathAndLaterWritesFail() throws Exception {
        boolean[] closed = {false};
        ByteArrayOutputStream beneath = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        SeipdV1DataEncryptorBuilder.CfbOutputStream cfb =
                new SeipdV1DataEncryptorBuilder.CfbOutputStream(cbc(new byte[32]), beneath);
        cfb.write(new byte[5]);
        cfb.close();
        assertTrue(closed[0]);
        assertEquals(5, beneath.size());
        assertThrows(IOException.class, () -> cfb.write(1));
    }

    private static byte[] encrypt(byte[] key, byte[] plaintext, IntUnaryOperator nextWrite) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SeipdV1DataEncryptorBuilder.CfbOutputStream cfb = new SeipdV1DataEncryptorBuilder.CfbOutputStream(cbc(key),
                out)) {
            for (int at = 0; at < plaintext.length; ) {
                int n = Math.min(plaintext.length - at, nextWrite.applyAsInt(plaintext.length - at));
                cfb.write(plaintext, at, n);
                at += n;
            }
        }
        return out.toByteArray();
    }

    private static Cipher cbc(byte[] key) throws Exception {
        Cipher cbc = Cipher.getInstance("AES/CBC/NoPadding", "SunJCE");
        cbc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
        return cbc;
    }

    private static byte[] jdkCfb(byte[] key, byte[] plaintext) throws Exception {
        Cipher cfb = Cipher.getInstance("AES/CFB/NoPadding", "SunJCE");
        cfb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
        return cfb.doFinal(plaintext);
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
