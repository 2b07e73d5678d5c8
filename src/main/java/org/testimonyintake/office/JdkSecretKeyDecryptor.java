package org.testimonyintake.office;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.bouncycastle.bcpg.S2K;
import org.bouncycastle.bcpg.SymmetricKeyUtils;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.operator.PBESecretKeyDecryptor;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.PGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;
import org.bouncycastle.util.Strings;

/**
 * Unlocks a secret key with the JDK's digests and ciphers (the CPU's SHA and AES instructions). The iterated and salted
 * S2K (RFC 9580 section 3.7.1.3) of the compat profile hashes 65 MB of salt and passphrase, repeated: Bouncy Castle
 * writes them to the digest a few dozen octets at a time, 2.7 million calls; here they are laid out once in a 64 KiB
 * buffer and hashed a buffer at a time, a thousand calls. Same key, same count; staff wait for it at every decrypt.
 * Other S2K types (Argon2 of the modern profile) are Bouncy Castle's.
 */
final class JdkSecretKeyDecryptor extends PBESecretKeyDecryptor {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final char[] passphrase;
    private final PGPDigestCalculatorProvider digests;
    private final PBESecretKeyDecryptor jdk;

    private JdkSecretKeyDecryptor(char[] passphrase, PGPDigestCalculatorProvider digests) throws PGPException {
        super(passphrase, digests);
        this.passphrase = passphrase;
        this.digests = digests;
        this.jdk = new JcePBESecretKeyDecryptorBuilder(digests).setProvider("SunJCE").build(passphrase);
    }

    static JdkSecretKeyDecryptor of(char[] passphrase) throws PGPException {
        return new JdkSecretKeyDecryptor(passphrase, new JcaPGPDigestCalculatorProviderBuilder().setProvider("SUN").build());
    }

    @Override
    public byte[] makeKeyFromPassPhrase(int keyAlgorithm, S2K s2k) throws PGPException {
        if (s2k == null || s2k.getType() != S2K.SALTED_AND_ITERATED) {
            return super.makeKeyFromPassPhrase(keyAlgorithm, s2k);
        }
        byte[] passphraseBytes = Strings.toUTF8ByteArray(passphrase);
        try {
            return iteratedAndSalted(digests, s2k.getHashAlgorithm(), s2k.getIV(), passphraseBytes,
                    s2k.getIterationCount(), SymmetricKeyUtils.getKeyLengthInOctets(keyAlgorithm));
        } finally {
            Arrays.fill(passphraseBytes, (byte) 0);
        }
    }

    /**
     * The S2K itself: {@code count} octets (at least one salt and passphrase) of salt and passphrase repeated, hashed
     * once per hash-sized piece of the key, the n-th time after n zero octets.
     */
    static byte[] iteratedAndSalted(PGPDigestCalculatorProvider digests, int hashAlgorithm, byte[] salt,
                                    byte[] passphrase, long count, int keyBytes) throws PGPException {
        int unit = salt.length + passphrase.length;
        byte[] repeated = new byte[Math.max(1, BUFFER_BYTES / unit) * unit];
        for (int i = 0; i < repeated.length; i += unit) {
            System.arraycopy(salt, 0, repeated, i, salt.length);
            System.arraycopy(passphrase, 0, repeated, i + salt.length, passphrase.length);
        }
        long octets = Math.max(count, unit);
        byte[] key = new byte[keyBytes];
        try {
            for (int done = 0, zeros = 0; done < keyBytes; zeros++) {
                PGPDigestCalculator digest = digests.get(hashAlgorithm);
                OutputStream hashed = digest.getOutputStream();
                hashed.write(new byte[zeros]);
                for (long left = octets; left > 0; ) {
                    int n = (int) Math.min(left, repeated.length);
                    hashed.write(repeated, 0, n);
                    left -= n;
                }
                byte[] hash = digest.getDigest();
                int n = Math.min(hash.length, keyBytes - done);
                System.arraycopy(hash, 0, key, done, n);
                done += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a digest's stream writes to memory", e);
        } finally {
            Arrays.fill(repeated, (byte) 0);
        }
        return key;
    }

    @Override
    public byte[] recoverKeyData(int encAlgorithm, byte[] key, byte[] iv, byte[] keyData, int keyOff, int keyLen)
            throws PGPException {
        return jdk.recoverKeyData(encAlgorithm, key, iv, keyData, keyOff, keyLen);
    }

    @Override
    public byte[] recoverKeyData(int encAlgorithm, int aeadAlgorithm, byte[] s2kKey, byte[] iv, int packetTag,
                                 int keyVersion, byte[] keyData, byte[] pubkeyData) throws PGPException {
        return jdk.recoverKeyData(encAlgorithm, aeadAlgorithm, s2kKey, iv, packetTag, keyVersion, keyData, pubkeyData);
    }
}
