package org.testimonyintake.office;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.S2K;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.junit.jupiter.api.Test;

/** The office's own iterated and salted S2K gives Bouncy Castle's key, for every shape of hash, key, count and passphrase. */
class JdkSecretKeyDecryptorTest {
    private static final byte[] SALT = {1, 2, 3, 4, 5, 6, 7, (byte) 0xff};

    @Test
    void everyHashKeySizeCountAndPassphraseGivesBouncyCastlesKey() throws Exception {
        List<String> problems = new ArrayList<>();
        int[] hashes = {HashAlgorithmTags.SHA1, HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA512};
        int[] ciphers = {SymmetricKeyAlgorithmTags.AES_128, SymmetricKeyAlgorithmTags.AES_192, SymmetricKeyAlgorithmTags.AES_256};
        // Count bytes: 1,024 octets (fewer than the longest passphrase's salt and passphrase), 20,480, and one that
        // does not end on a 64 KiB buffer nor on a whole salt and passphrase.
        int[] counts = {0, 0x60, 0x9b};
        String[] passphrases = {"", "a", "test only: 증언 접수 사무실 암호 Пароль", "x".repeat(3000)};
        for (int hash : hashes) {
            for (int cipher : ciphers) {
                for (int count : counts) {
                    for (String passphrase : passphrases) {
                        S2K s2k = S2K.saltedAndIteratedS2K(hash, SALT, count);
                        if (!Arrays.equals(bouncyCastleKey(cipher, s2k, passphrase), officeKey(cipher, s2k, passphrase))) {
                            problems.add("hash " + hash + ", cipher " + cipher + ", count byte " + count
                                    + ", passphrase of " + passphrase.length() + " characters");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** The compat profile's own: SHA-256, AES-256, count byte 0xff (65,011,712 octets). */
    @Test
    void theCompatProfilesS2KGivesBouncyCastlesKey() throws Exception {
        S2K s2k = S2K.saltedAndIteratedS2K(HashAlgorithmTags.SHA256, SALT, 0xff);
        String passphrase = "test only: compat profile passphrase";
        assertArrayEquals(bouncyCastleKey(SymmetricKeyAlgorithmTags.AES_256, s2k, passphrase),
                officeKey(SymmetricKeyAlgorithmTags.AES_256, s2k, passphrase));
    }

    private static byte[] officeKey(int cipher, S2K s2k, String passphrase) throws Exception {
        return JdkSecretKeyDecryptor.of(passphrase.toCharArray()).makeKeyFromPassPhrase(cipher, s2k);
    }

    private static byte[] bouncyCastleKey(int cipher, S2K s2k, String passphrase) throws Exception {
        return new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(passphrase.toCharArray())
                .makeKeyFromPassPhrase(cipher, s2k);
    }
}
