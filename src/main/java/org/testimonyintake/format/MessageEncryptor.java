package org.testimonyintake.format;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Date;
import java.util.List;
import org.bouncycastle.bcpg.AEADAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.PGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Encrypts one stream to the current office subkey as FORMAT.md "Messages" requires: a single PKESK, then SEIPDv1
 * with AES-256 for a v4 (compat) key or SEIPDv2 AES-256-OCB with 256 KiB chunks for a v6 (modern) key; no compression;
 * a binary literal data packet with an empty file name and a zero date, so the message carries no name or time.
 */
public final class MessageEncryptor {
    /** Zero date in the literal data packet: no time of submission is written anywhere (FORMAT.md). */
    private static final Date NO_DATE = new Date(0);
    /** Partial-length packet buffer; streams of any size are encrypted in this much memory. */
    private static final int PACKET_BUFFER_BYTES = 1 << 16;
    /** SEIPDv2 chunk size octet c, chunks of 2^(c+6) = 256 KiB (BC's default of 64-byte chunks is slow and large). */
    private static final int AEAD_CHUNK_SIZE_OCTET = 12;

    private static final BouncyCastleProvider BOUNCY_CASTLE = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();

    private MessageEncryptor() {
    }

    /** Opens a stream whose bytes are encrypted to {@code certificate}'s current subkey; close it to finish. */
    public static OutputStream open(OfficeCertificate certificate, OutputStream ciphertext) throws IOException {
        return open(List.of(certificate.currentEncryptionKey().getPGPPublicKey()), ciphertext);
    }

    /**
     * Opens a stream encrypted to every one of {@code recipients}, one PKESK each (a reply goes to the case's reply
     * key and the office, FORMAT.md section 10.5); SEIPDv2 only if all of them are v6 keys.
     */
    public static OutputStream open(List<PGPPublicKey> recipients, OutputStream ciphertext) throws IOException {
        PGPDataEncryptorBuilder dataEncryptor;
        if (recipients.stream().allMatch(recipient -> recipient.getVersion() == PublicKeyPacket.VERSION_6)) {
            dataEncryptor = new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setSecureRandom(RANDOM)
                    .setProvider(BOUNCY_CASTLE) // the JDK has no OCB
                    .setWithAEAD(AEADAlgorithmTags.OCB, AEAD_CHUNK_SIZE_OCTET)
                    .setUseV6AEAD();
        } else {
            dataEncryptor = new SeipdV1DataEncryptorBuilder(RANDOM);
        }
        PGPEncryptedDataGenerator encryptor = new PGPEncryptedDataGenerator(dataEncryptor);
        for (PGPPublicKey recipient : recipients) {
            encryptor.addMethod(new JcePublicKeyKeyEncryptionMethodGenerator(recipient).setProvider(BOUNCY_CASTLE)
                    .setSecureRandom(RANDOM));
        }
        PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
        try {
            OutputStream encrypted = encryptor.open(new NonClosing(ciphertext), new byte[PACKET_BUFFER_BYTES]);
            OutputStream plaintext = literal.open(encrypted, PGPLiteralData.BINARY, "", NO_DATE,
                    new byte[PACKET_BUFFER_BYTES]);
            return new FilterOutputStream(plaintext) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    literal.close();
                    encryptor.close();
                }
            };
        } catch (PGPException e) {
            throw new IOException("cannot encrypt to the office key", e);
        }
    }

    /** Encrypts a whole byte array; for small documents. */
    public static byte[] encrypt(OfficeCertificate certificate, byte[] plaintext) throws IOException {
        return encrypt(List.of(certificate.currentEncryptionKey().getPGPPublicKey()), plaintext);
    }

    /** Encrypts a whole byte array to every one of {@code recipients}. */
    public static byte[] encrypt(List<PGPPublicKey> recipients, byte[] plaintext) throws IOException {
        var ciphertext = new java.io.ByteArrayOutputStream(plaintext.length + 512);
        try (OutputStream out = open(recipients, ciphertext)) {
            out.write(plaintext);
        }
        return ciphertext.toByteArray();
    }

    /** Leaves the caller's stream open: the caller owns it. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
