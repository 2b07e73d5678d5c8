package org.testimonyintake.office;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The plaintext of a SEIPDv1 packet body (RFC 9580 section 5.13.1): AES in OpenPGP's CFB mode with a zero IV, a random
 * prefix of one block plus two repeated octets, then the packets, then the MDC packet (0xD3 0x14 and the SHA-1 of
 * everything before its last 20 octets).
 *
 * <p>CFB decryption does not chain: plaintext block i is ciphertext block i XOR the encryption of ciphertext block i-1.
 * So a whole buffer of ciphertext, shifted by one block, goes through one AES/ECB call of the JDK, which uses the CPU's
 * AES instructions on many blocks at once, and one XOR; SHA-1 is the JDK's too (the CPU's SHA instructions). That is
 * several times what a block-by-block CFB reaches.
 *
 * <p>Like Bouncy Castle's stream it releases plaintext before the end is known good: the prefix and the MDC packet are
 * held back, and the end of the stream is reported only once the MDC matched; a mismatch, a bad quick check or a
 * truncation is an {@link IOException} instead. Callers keep what they read only when the stream ended normally.
 */
final class SeipdV1DecryptingStream extends InputStream {
    private static final int BLOCK = 16;
    private static final int PREFIX = BLOCK + 2;
    /** Tag 19 in the old packet format, length 20: the MDC packet's header. */
    private static final int MDC_HEADER_TAG = 0xD3;
    private static final int MDC_HEADER_LENGTH = 0x14;
    private static final int MDC_PACKET = 2 + 20;
    private static final int CHUNK = 256 * 1024;
    private static final int WARM_UP_ROUNDS = 20_000;
    private static final int WARM_UP_BYTES = 256;

    private final InputStream ciphertext;
    private final Cipher aes;
    private final MessageDigest sha1;
    /** The previous ciphertext block, then the ciphertext of the chunk being decrypted. */
    private final byte[] shifted = new byte[BLOCK + CHUNK];
    private final byte[] keystream = new byte[CHUNK];
    /** Decrypted octets: [start, releasable) may be read, [releasable, end) is held back as a possible MDC packet. */
    private final byte[] plaintext = new byte[CHUNK + 2 * MDC_PACKET + PREFIX];
    private int start;
    private int releasable;
    private int end;
    private boolean prefixChecked;
    private boolean ended;
    private boolean verified;

    /**
     * @param ciphertext the packet body after its version octet
     * @param aesKey the session key: 16, 24 or 32 octets
     */
    SeipdV1DecryptingStream(InputStream ciphertext, byte[] aesKey) throws IOException {
        this.ciphertext = ciphertext;
        try {
            aes = Cipher.getInstance("AES/ECB/NoPadding", "SunJCE");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"));
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (GeneralSecurityException e) {
            throw new IOException("no AES session key", e);
        }
    }

    /**
     * Runs the bulk path a few thousand times on a small buffer, so that the JIT compiles it with the CPU's AES and SHA
     * instructions before the first large message arrives; in a short run of the office tool it would otherwise stay
     * interpreted for the first hundred megabytes. Meant for a thread of its own while the key is unlocked.
     */
    static void warmUp() {
        try {
            SeipdV1DecryptingStream stream = new SeipdV1DecryptingStream(InputStream.nullInputStream(), new byte[32]);
            for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                stream.end = 0;
                stream.decrypt(WARM_UP_BYTES);
                stream.sha1.update(stream.plaintext, 0, WARM_UP_BYTES);
            }
        } catch (IOException e) {
            // only a warm-up: the real run reports any real failure
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (releasable == start) {
            if (verified) {
                return -1;
            }
            decryptMore();
        }
        int n = Math.min(len, releasable - start);
        System.arraycopy(plaintext, start, b, off, n);
        start += n;
        return n;
    }

    private void decryptMore() throws IOException {
        if (ended) {
            verifyMdc();
            return;
        }
        System.arraycopy(plaintext, start, plaintext, 0, end - start);
        end -= start;
        releasable -= start;
        start = 0;
        int length = ciphertext.readNBytes(shifted, BLOCK, CHUNK);
        ended = length < CHUNK;
        decrypt(length);
        // Everything but the last MDC_PACKET octets is message; hashed as it is released.
        int hashedUpTo = Math.max(releasable, end - MDC_PACKET);
        if (hashedUpTo > releasable) {
            sha1.update(plaintext, releasable, hashedUpTo - releasable);
            releasable = hashedUpTo;
        }
        if (!prefixChecked && releasable >= PREFIX) {
            if (plaintext[BLOCK - 2] != plaintext[BLOCK] || plaintext[BLOCK - 1] != plaintext[BLOCK + 1]) {
                throw new IOException("quick check failed: wrong session key or damaged data");
            }
            prefixChecked = true;
            start = PREFIX;
        }
        if (!prefixChecked && ended) {
            throw new IOException("truncated: shorter than the random prefix and the MDC");
        }
    }

    /** Decrypts {@code length} octets of ciphertext from {@code shifted[BLOCK...]} onto the end of the plaintext. */
    private void decrypt(int length) throws IOException {
        int blocks = (length + BLOCK - 1) / BLOCK;
        try {
            aes.update(shifted, 0, blocks * BLOCK, keystream, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("the keystream buffer holds a whole chunk", e);
        }
        for (int i = 0; i < length; i++) {
            plaintext[end + i] = (byte) (shifted[BLOCK + i] ^ keystream[i]);
        }
        end += length;
        if (length == CHUNK) {
            System.arraycopy(shifted, CHUNK, shifted, 0, BLOCK);
        }
    }

    private void verifyMdc() throws IOException {
        if (end - releasable != MDC_PACKET || (plaintext[releasable] & 0xff) != MDC_HEADER_TAG
                || (plaintext[releasable + 1] & 0xff) != MDC_HEADER_LENGTH) {
            throw new IOException("no modification detection code at the end");
        }
        sha1.update(plaintext, releasable, 2);
        byte[] expected = new byte[20];
        System.arraycopy(plaintext, releasable + 2, expected, 0, 20);
        if (!MessageDigest.isEqual(sha1.digest(), expected)) {
            throw new IOException("modification detected");
        }
        verified = true;
    }
}
