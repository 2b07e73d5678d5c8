package org.testimonyintake.office;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.PGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;

/**
 * The JDK's digests (the CPU's SHA instructions) behind a 64 KiB buffer. Bouncy Castle's iterated-salted S2K writes
 * the salt and the passphrase to the digest some 1.4 million times, a few dozen octets each; passed on one by one those
 * writes cost three times the hashing itself. Buffered, the same 65 MB are hashed in large blocks: same key, same
 * count, a third of the wait at every unlock.
 */
final class BufferedJdkDigests implements PGPDigestCalculatorProvider {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final PGPDigestCalculatorProvider jdk;

    BufferedJdkDigests() throws PGPException {
        jdk = new JcaPGPDigestCalculatorProviderBuilder().setProvider("SUN").build();
    }

    @Override
    public PGPDigestCalculator get(int algorithm) throws PGPException {
        PGPDigestCalculator digest = jdk.get(algorithm);
        return new PGPDigestCalculator() {
            private OutputStream buffered = new BufferedOutputStream(digest.getOutputStream(), BUFFER_BYTES);

            @Override
            public int getAlgorithm() {
                return digest.getAlgorithm();
            }

            @Override
            public OutputStream getOutputStream() {
                return buffered;
            }

            @Override
            public byte[] getDigest() {
                try {
                    buffered.flush(); // a caller may ask for the digest without closing the stream
                } catch (IOException e) {
                    throw new UncheckedIOException("a digest's stream writes to memory", e);
                }
                return digest.getDigest();
            }

            @Override
            public void reset() {
                digest.reset();
                buffered = new BufferedOutputStream(digest.getOutputStream(), BUFFER_BYTES);
            }
        };
    }
}
