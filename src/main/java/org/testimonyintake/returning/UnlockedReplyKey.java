package org.testimonyintake.returning;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.format.ReplyCertificate;

/**
 * A case's reply key, unlocked for one request: decrypts that case's replies into memory only. A plaintext is
 * returned only after the whole message's integrity check passed, so a tampered reply yields nothing, not even a part.
 */
public final class UnlockedReplyKey {
    private static final BouncyCastleProvider BOUNCY_CASTLE = new BouncyCastleProvider();
    private static final Provider JDK_AES = Security.getProvider("SunJCE");

    /** A reply part that is not a readable, intact message to this key. */
    public static final class UnreadableReply extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableReply() {
            super("cannot decrypt this reply", null, false, false);
        }
    }

    private final ReplyCertificate certificate;
    private final PGPPrivateKey privateKey;

    UnlockedReplyKey(ReplyCertificate certificate, PGPPrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    public ReplyCertificate certificate() {
        return certificate;
    }

    /** The plaintext of {@code message} (a FORMAT.md section 3 message, binary), at most {@code maxBytes} long. */
    public byte[] decrypt(byte[] message, int maxBytes) throws UnreadableReply {
        try {
            PGPObjectFactory packets = new PGPObjectFactory(new ByteArrayInputStream(message),
                    KeyProfile.implementation().keyFingerPrintCalculator());
            if (!(packets.nextObject() instanceof PGPEncryptedDataList list)) {
                throw new UnreadableReply();
            }
            PGPPublicKeyEncryptedData data = null;
            for (PGPEncryptedData candidate : list) {
                if (candidate instanceof PGPPublicKeyEncryptedData pkesk
                        && pkesk.getKeyIdentifier().matches(certificate.encryptionKey().getKeyIdentifier())) {
                    data = pkesk;
                }
            }
            if (data == null || !data.isIntegrityProtected()) {
                throw new UnreadableReply();
            }
            InputStream clear = data.getDataStream(new JcePublicKeyDataDecryptorFactoryBuilder()
                    .setProvider(BOUNCY_CASTLE).setContentProvider(data.isAEAD() ? BOUNCY_CASTLE : JDK_AES)
                    .build(privateKey));
            PGPObjectFactory inner = new PGPObjectFactory(clear, KeyProfile.implementation().keyFingerPrintCalculator());
            if (!(inner.nextObject() instanceof PGPLiteralData literal)) {
                throw new UnreadableReply();
            }
            byte[] plaintext = literal.getDataStream().readNBytes(maxBytes + 1);
            if (plaintext.length > maxBytes || inner.nextObject() != null || !data.verify()
                    || packets.nextObject() != null) {
                throw new UnreadableReply();
            }
            return plaintext;
        } catch (PGPException | IOException | RuntimeException e) {
            // BC reports a bad MDC and truncation as exceptions of the decrypted stream
            throw new UnreadableReply();
        }
    }
}
