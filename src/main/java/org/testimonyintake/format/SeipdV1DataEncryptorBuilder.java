package org.testimonyintake.format;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.operator.PGPDataEncryptor;
import org.bouncycastle.openpgp.operator.PGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;

/**
 * The data encryptor of a SEIPDv1 packet with AES-256 (RFC 9580 section 5.13.1) for Bouncy Castle's
 * {@code PGPEncryptedDataGenerator}, which still writes every packet, the prefix and the MDC: only the bulk cipher is
 * ours. OpenPGP's CFB with a zero IV makes ciphertext block i the plaintext block i XOR AES(ciphertext block i-1), a
 * chain that no two blocks can share; but AES(C_i) = AES(P_i XOR K_i), with K_i the keystream block that encrypted
 * P_i, is exactly CBC encryption of the plaintext, whose output is the next keystream block. So one call of the JDK's
 * AES/CBC, which runs the whole buffer in the CPU's AES instructions, gives a buffer's keystream shifted by one block,
 * and one XOR its ciphertext: over twice what the JDK's AES/CFB reaches, which steps from Java to AES for each block.
 * The MDC's SHA-1 is the JDK's (the CPU's SHA instructions where there are some).
 */
final class SeipdV1DataEncryptorBuilder implements PGPDataEncryptorBuilder {
    private static final int BLOCK = 16;
    /** Bouncy Castle's value of {@link #getAeadAlgorithm} for "not AEAD". */
    private static final int NO_AEAD = -1;

    private final SecureRandom random;

    SeipdV1DataEncryptorBuilder(SecureRandom random) {
        this.random = random;
    }

    @Override
    public int getAlgorithm() {
        return SymmetricKeyAlgorithmTags.AES_256;
    }

    @Override
    public int getAeadAlgorithm() {
        return NO_AEAD;
    }

    @Override
    public int getChunkSize() {
        return 0;
    }

    @Override
    public boolean isV5StyleAEAD() {
        return false;
    }

    @Override
    public PGPDataEncryptor build(byte[] sessionKey) throws PGPException {
        Cipher cbc;
        try {
            cbc = Cipher.getInstance("AES/CBC/NoPadding", "SunJCE");
            cbc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sessionKey, "AES"), new IvParameterSpec(new byte[BLOCK]));
        } catch (GeneralSecurityException e) {
            throw new PGPException("the JDK's AES/CBC is not available", e);
        }
        PGPDigestCalculator mdc = new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA1);
        return new PGPDataEncryptor() {
            @Override
            public OutputStream getOutputStream(OutputStream out) {
                return new CfbOutputStream(cbc, out);
            }

            @Override
            public PGPDigestCalculator getIntegrityCalculator() {
                return mdc;
            }

            @Override
            public int getBlockSize() {
                return BLOCK;
            }
        };
    }

    @Override
    public PGPDataEncryptor build(byte[] sessionKey, byte[] aeadSalt) throws PGPException {
        throw new PGPException("SEIPDv1 has no AEAD");
    }

    @Override
    public SecureRandom getSecureRandom() {
        return random;
    }

    /** Always on: FORMAT.md section 3 allows SEIPD only. */
    @Override
    public PGPDataEncryptorBuilder setWithIntegrityPacket(boolean withIntegrityPacket) {
        if (!withIntegrityPacket) {
            throw new UnsupportedOperationException("SEIPDv1 always has its MDC");
        }
        return this;
    }

    @Override
    public PGPDataEncryptorBuilder setWithAEAD(int aeadAlgorithm, int chunkSize) {
        throw new UnsupportedOperationException("SEIPDv1 has no AEAD");
    }

    @Override
    public PGPDataEncryptorBuilder setUseV5AEAD() {
        throw new UnsupportedOperationException("SEIPDv1 has no AEAD");
    }

    @Override
    public PGPDataEncryptorBuilder setUseV6AEAD() {
        throw new UnsupportedOperationException("SEIPDv1 has no AEAD");
    }

    /**
     * OpenPGP's CFB encryption (no resynchronization, zero IV) as an output stream; an incomplete last block goes out
     * on {@link #close}, which also closes the stream beneath: the packet's end, as Bouncy Castle's own cipher stream
     * does.
     */
    static final class CfbOutputStream extends OutputStream {
        /** Plaintext encrypted in one CBC call at most. */
        private static final int CHUNK = 1 << 16;

        private final Cipher cbc;
        private final OutputStream out;
        /**
         * [0, BLOCK): the keystream block for the next plaintext block. A CBC call writes the keystream of the blocks
         * after it behind, so the keystream of block j of a chunk sits at j * BLOCK; the XOR then turns it into that
         * block's ciphertext in place, and the block after the chunk's last moves to the front.
         */
        private final byte[] keystream = new byte[BLOCK + CHUNK];
        /** Plaintext of a block not yet complete. */
        private final byte[] pending = new byte[BLOCK];
        private int pendingLength;
        private boolean closed;

        /** {@code cbc}: AES/CBC encryption with the session key and a zero IV, not used yet. */
        CfbOutputStream(Cipher cbc, OutputStream out) {
            this.cbc = cbc;
            this.out = out;
            // The first keystream block is AES(IV) = AES(0): CBC of a zero block under a zero IV, which also leaves
            // the CBC chain on it, as the next call needs.
            update(new byte[BLOCK], 0, BLOCK, 0);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (closed) {
                throw new IOException("the stream is closed");
            }
            if (pendingLength > 0) {
                int n = Math.min(length, BLOCK - pendingLength);
                System.arraycopy(bytes, offset, pending, pendingLength, n);
                pendingLength += n;
                offset += n;
                length -= n;
                if (pendingLength < BLOCK) {
                    return;
                }
                encrypt(pending, 0, BLOCK);
                pendingLength = 0;
            }
            while (length >= BLOCK) {
                int n = Math.min(length - length % BLOCK, CHUNK);
                encrypt(bytes, offset, n);
                offset += n;
                length -= n;
            }
            System.arraycopy(bytes, offset, pending, 0, length);
            pendingLength = length;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            for (int i = 0; i < pendingLength; i++) {
                keystream[i] ^= pending[i];
            }
            out.write(keystream, 0, pendingLength);
            out.close();
        }

        /** Encrypts whole blocks; {@code length} is a multiple of the block size, at most {@link #CHUNK}. */
        private void encrypt(byte[] plaintext, int offset, int length) throws IOException {
            update(plaintext, offset, length, BLOCK);
            for (int i = 0; i < length; i++) {
                keystream[i] ^= plaintext[offset + i];
            }
            out.write(keystream, 0, length);
            System.arraycopy(keystream, length, keystream, 0, BLOCK);
        }

        private void update(byte[] input, int offset, int length, int at) {
            try {
                cbc.update(input, offset, length, keystream, at);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("the keystream buffer holds a whole chunk", e);
            }
        }
    }
}
