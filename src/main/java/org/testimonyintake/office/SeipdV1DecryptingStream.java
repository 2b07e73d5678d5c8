package org.testimonyintake.office;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
 * <p>Both cores work on a large message: past its first {@value #FIRST_CHUNK} octets, a thread of its own reads,
 * decrypts and hashes ahead into a few buffers while the caller's thread writes. A small message (a testimony, a batch
 * of them) is decrypted on the caller's thread alone and pays nothing for a thread.
 *
 * <p>Like Bouncy Castle's stream it releases plaintext before the end is known good: the prefix and the MDC packet are
 * held back, and the end of the stream is reported only once the MDC matched; a mismatch, a bad quick check or a
 * truncation is an {@link IOException} instead. Callers keep what they read only when the stream ended normally, and
 * close the stream in any case, which stops the thread.
 */
final class SeipdV1DecryptingStream extends InputStream {
    private static final int BLOCK = 16;
    private static final int PREFIX = BLOCK + 2;
    /** Tag 19 in the old packet format, length 20: the MDC packet's header. */
    private static final int MDC_HEADER_TAG = 0xD3;
    private static final int MDC_HEADER_LENGTH = 0x14;
    private static final int MDC_PACKET = 2 + 20;
    /** Decrypted on the caller's thread; a message that does not end within it gets the decrypt-ahead thread. */
    private static final int FIRST_CHUNK = 16 * 1024;
    private static final int CHUNK = 256 * 1024;
    /** Buffers decrypted ahead of the caller: enough to ride out a slow write, 1 MiB of memory. */
    private static final int CHUNKS_AHEAD = 4;
    private static final int WARM_UP_ROUNDS = 20_000;
    private static final int WARM_UP_BYTES = 256;

    private final Cfb cfb;
    /** Hashes what is decrypted, on the thread that decrypts it: the caller's, then the decrypt-ahead thread's. */
    private final MdcDigest mdc;
    /** Decrypted octets: [start, releasable) may be read, [releasable, end) is held back as a possible MDC packet. */
    private final byte[] plaintext = new byte[CHUNK + 2 * MDC_PACKET + PREFIX];
    private int start;
    private int releasable;
    private int end;
    private boolean prefixChecked;
    private boolean ended;
    private boolean verified;
    private DecryptAhead ahead;

    /**
     * @param ciphertext the packet body after its version octet
     * @param aesKey the session key: 16, 24 or 32 octets
     */
    SeipdV1DecryptingStream(InputStream ciphertext, byte[] aesKey) throws IOException {
        cfb = new Cfb(ciphertext, aesKey);
        mdc = new MdcDigest();
    }

    /**
     * Runs the bulk AES path a few thousand times on a small buffer, so that the JIT compiles it with the CPU's AES
     * instructions before the first large message arrives; in a short run of the office tool it would otherwise stay
     * interpreted for the first hundred megabytes ({@link DigestWarmUp} readies SHA-1). Meant for a thread of its own
     * while the key is unlocked.
     */
    static void warmUp() {
        try {
            SeipdV1DecryptingStream stream = new SeipdV1DecryptingStream(InputStream.nullInputStream(), new byte[32]);
            for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                stream.cfb.decrypt(WARM_UP_BYTES, stream.plaintext, 0);
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

    /** Stops the decrypt-ahead thread, if there is one, and waits for it: nothing reads the ciphertext after this. */
    @Override
    public void close() throws IOException {
        if (ahead != null) {
            ahead.stop();
        }
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
        int length;
        if (ahead == null) {
            length = cfb.readAndDecrypt(plaintext, end, FIRST_CHUNK);
            mdc.update(plaintext, end, length);
            ended = length < FIRST_CHUNK;
            if (!ended) {
                ahead = new DecryptAhead(cfb, mdc);
            }
        } else {
            length = ahead.next(plaintext, end);
            ended = length < CHUNK;
        }
        end += length;
        // Everything but the last MDC_PACKET octets is message.
        releasable = Math.max(releasable, end - MDC_PACKET);
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

    /** Called once the last chunk arrived: the decrypt-ahead thread, if any, has hashed its last octet. */
    private void verifyMdc() throws IOException {
        if (end - releasable != MDC_PACKET || (plaintext[releasable] & 0xff) != MDC_HEADER_TAG
                || (plaintext[releasable + 1] & 0xff) != MDC_HEADER_LENGTH) {
            throw new IOException("no modification detection code at the end");
        }
        byte[] expected = new byte[20];
        System.arraycopy(plaintext, releasable + 2, expected, 0, 20);
        if (!MessageDigest.isEqual(mdc.digestWithMdcHeader(), expected)) {
            throw new IOException("modification detected");
        }
        verified = true;
    }

    /**
     * SHA-1 of the plaintext fed to it except its last {@value #MDC_PACKET} octets, which may be the MDC packet: those
     * are held back until more plaintext follows or the end is known.
     */
    private static final class MdcDigest {
        private final MessageDigest sha1;
        private final byte[] held = new byte[MDC_PACKET];
        private int heldLength;

        MdcDigest() throws IOException {
            try {
                sha1 = MessageDigest.getInstance("SHA-1");
            } catch (GeneralSecurityException e) {
                throw new IOException("no SHA-1", e);
            }
        }

        void update(byte[] b, int offset, int length) {
            int total = heldLength + length;
            if (total <= MDC_PACKET) {
                System.arraycopy(b, offset, held, heldLength, length);
                heldLength = total;
                return;
            }
            int hashed = total - MDC_PACKET; // of the held octets first, then of the new ones
            int fromHeld = Math.min(hashed, heldLength);
            sha1.update(held, 0, fromHeld);
            sha1.update(b, offset, hashed - fromHeld);
            System.arraycopy(held, fromHeld, held, 0, heldLength - fromHeld);
            heldLength -= fromHeld;
            int kept = length - (hashed - fromHeld);
            System.arraycopy(b, offset + length - kept, held, heldLength, kept);
            heldLength += kept;
        }

        /** The digest of everything before the held octets and the MDC packet's two header octets. */
        byte[] digestWithMdcHeader() {
            sha1.update(held, 0, 2);
            return sha1.digest();
        }
    }

    /** Reads and decrypts the ciphertext, on one thread at a time: the caller's first, then the decrypt-ahead one. */
    private static final class Cfb {
        private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

        private final InputStream ciphertext;
        private final Cipher aes;
        /** The previous ciphertext block, then the ciphertext being decrypted. */
        private final byte[] shifted = new byte[BLOCK + CHUNK];
        private final byte[] keystream = new byte[CHUNK];

        Cfb(InputStream ciphertext, byte[] aesKey) throws IOException {
            this.ciphertext = ciphertext;
            try {
                aes = Cipher.getInstance("AES/ECB/NoPadding", "SunJCE");
                aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"));
            } catch (GeneralSecurityException e) {
                throw new IOException("no AES session key", e);
            }
        }

        /**
         * Reads up to {@code max} octets of ciphertext (a multiple of the block size) and writes their plaintext to
         * {@code out[offset...]}; fewer than {@code max} means the ciphertext ended.
         */
        int readAndDecrypt(byte[] out, int offset, int max) throws IOException {
            int length = ciphertext.readNBytes(shifted, BLOCK, max);
            decrypt(length, out, offset);
            if (length == max) {
                System.arraycopy(shifted, max, shifted, 0, BLOCK);
            }
            return length;
        }

        /** Decrypts {@code length} octets from {@code shifted[BLOCK...]}, eight at a time where it can. */
        void decrypt(int length, byte[] out, int offset) throws IOException {
            int blocks = (length + BLOCK - 1) / BLOCK;
            try {
                aes.update(shifted, 0, blocks * BLOCK, keystream, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("the keystream buffer holds a whole chunk", e);
            }
            int i = 0;
            for (; i + Long.BYTES <= length; i += Long.BYTES) {
                LONGS.set(out, offset + i, (long) LONGS.get(shifted, BLOCK + i) ^ (long) LONGS.get(keystream, i));
            }
            for (; i < length; i++) {
                out[offset + i] = (byte) (shifted[BLOCK + i] ^ keystream[i]);
            }
        }
    }

    /** The decrypt-ahead thread and the bounded queues between it and the caller. */
    private static final class DecryptAhead implements Runnable {
        /** A buffer of plaintext; shorter than a chunk at the end of the ciphertext; or what went wrong reading it. */
        private record Chunk(byte[] bytes, int length, IOException failure) {
        }

        private final Cfb cfb;
        private final MdcDigest mdc;
        private final BlockingQueue<Chunk> decrypted = new ArrayBlockingQueue<>(CHUNKS_AHEAD);
        /** Buffers the caller has copied out, for reuse: at most the queue's, the thread's and the caller's. */
        private final BlockingQueue<byte[]> emptied = new ArrayBlockingQueue<>(CHUNKS_AHEAD + 2);
        private final Thread thread;

        DecryptAhead(Cfb cfb, MdcDigest mdc) {
            this.cfb = cfb;
            this.mdc = mdc;
            thread = new Thread(this, "decrypt-ahead");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            try {
                int length = CHUNK;
                while (length == CHUNK) {
                    byte[] buffer = emptied.poll();
                    buffer = buffer != null ? buffer : new byte[CHUNK];
                    Chunk chunk;
                    try {
                        length = cfb.readAndDecrypt(buffer, 0, CHUNK);
                        mdc.update(buffer, 0, length);
                        chunk = new Chunk(buffer, length, null);
                    } catch (IOException e) {
                        length = -1;
                        chunk = new Chunk(null, 0, e);
                    }
                    decrypted.put(chunk);
                }
            } catch (InterruptedException stopped) {
                // the caller gave up on the message
            }
        }

        /** Copies the next chunk of plaintext to {@code out[offset...]}; returns its length. */
        int next(byte[] out, int offset) throws IOException {
            Chunk chunk;
            try {
                chunk = decrypted.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while decrypting");
            }
            if (chunk.failure() != null) {
                throw chunk.failure();
            }
            System.arraycopy(chunk.bytes(), 0, out, offset, chunk.length());
            emptied.offer(chunk.bytes());
            return chunk.length();
        }

        void stop() {
            thread.interrupt();
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
