package org.testimonyintake.office;

import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.bcpg.SymmetricEncIntegrityPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.PublicKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.KeyFingerPrintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.testimonyintake.office.DecryptionException.Reason;

/**
 * Decrypts OpenPGP messages addressed to any office subkey. Bouncy Castle streams plaintext out before it checks the
 * MDC at the end, so plaintext goes to a hidden owner-only temporary file beside the target and is renamed into place
 * only after the whole message verified; on any failure the temporary file is deleted and no target appears. Bouncy
 * Castle reads the packets and unwraps the session key; the bulk of an AES SEIPDv1 message (all the server and the
 * browsers send to a compat key) is decrypted by {@link SeipdV1DecryptingStream}, everything else by Bouncy Castle.
 */
public final class MessageDecryptor {
    private static final int COPY_BUFFER_BYTES = 64 * 1024;
    /** Bouncy Castle's own, without its OpenPGP API: building that API's policy cost every start 0.15 s of CPU. */
    private static final KeyFingerPrintCalculator FINGERPRINTS = new BcKeyFingerprintCalculator();

    private final UnlockedOfficeKey key;

    public MessageDecryptor(UnlockedOfficeKey key) {
        this.key = key;
    }

    /**
     * Starts compiling the bulk decryption path on a thread of its own, to be called before the key is unlocked:
     * the second core does it while the first hashes the passphrase, and the first large message runs at full speed.
     */
    public static void warmUpInBackground() {
        Thread warmUp = new Thread(SeipdV1DecryptingStream::warmUp, "warm-up");
        warmUp.setDaemon(true);
        warmUp.setPriority(Thread.MIN_PRIORITY);
        warmUp.start();
    }

    /** Decrypts {@code message} into a new file {@code target}, which must not exist yet. */
    public void decrypt(InputStream message, Path target) throws DecryptionException, IOException {
        decrypt(message, target, Long.MAX_VALUE);
    }

    /**
     * The same, refusing a plaintext of more than {@code maxPlaintextBytes}: a compressed message (gpg compresses by
     * default) can expand a thousandfold and fill the office's disk.
     */
    public void decrypt(InputStream message, Path target, long maxPlaintextBytes) throws DecryptionException, IOException {
        // The atomic move below is rename(2), which would silently replace an earlier decryption.
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Path temporary = decryptToTemporary(message, target.toAbsolutePath().getParent(), maxPlaintextBytes);
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Decrypts {@code message} into a new hidden owner-only temporary file in {@code folder} and returns it once the
     * whole message verified, for the caller to move into place; on any failure the file is deleted.
     */
    Path decryptToTemporary(InputStream message, Path folder, long maxPlaintextBytes)
            throws DecryptionException, IOException {
        Path temporary = Files.createTempFile(folder, ".decrypting-", ".partial");
        boolean verified = false;
        try {
            // WRITE alone, not the default TRUNCATE_EXISTING: on ext4 a file truncated at open is flushed to disk at
            // close (auto_da_alloc), which cost 78 ms of a 200 MB decrypt; the new file is empty anyway.
            try (OutputStream plaintext = Files.newOutputStream(temporary, StandardOpenOption.WRITE)) {
                decrypt(message, plaintext, maxPlaintextBytes);
            }
            verified = true;
            return temporary;
        } finally {
            if (!verified) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /**
     * Writes the plaintext to {@code plaintext} as it streams; the caller must discard what was written unless this
     * returns normally, since the integrity check happens at the end.
     */
    public void decrypt(InputStream message, OutputStream plaintext) throws DecryptionException, IOException {
        decrypt(message, plaintext, Long.MAX_VALUE);
    }

    private void decrypt(InputStream message, OutputStream plaintext, long maxPlaintextBytes)
            throws DecryptionException, IOException {
        PGPObjectFactory packets = openPackets(message);
        PGPEncryptedDataList encryptedData = readEncryptedDataList(packets);
        Recipient recipient = findRecipient(encryptedData);
        if (!recipient.data().isIntegrityProtected()) {
            throw new DecryptionException(Reason.NOT_INTEGRITY_PROTECTED);
        }
        try {
            PGPSessionKey sessionKey = recipient.data().getSessionKey(recipient.decryptor());
            Integer aesKeyBytes = AES_KEY_BYTES.get(sessionKey.getAlgorithm());
            boolean fast = isSeipdV1(recipient.data()) && aesKeyBytes != null && aesKeyBytes == sessionKey.getKey().length;
            InputStream clear = fast ? new SeipdV1DecryptingStream(recipient.data().getInputStream(), sessionKey.getKey())
                    : recipient.data().getDataStream(recipient.decryptor());
            try {
                try {
                    copyLiteralData(new PGPObjectFactory(clear, FINGERPRINTS),
                            new PlaintextOutput(plaintext, maxPlaintextBytes));
                } catch (DecryptionException wrongPackets) {
                    // Damage comes first: a truncated message also looks like broken packets.
                    if (fast) {
                        clear.transferTo(OutputStream.nullOutputStream());
                    }
                    throw wrongPackets;
                }
                // The fast stream ends only after its MDC matched; Bouncy Castle's is checked here.
                boolean intact = fast ? clear.read() == -1 : recipient.data().verify();
                if (!intact) {
                    throw new DecryptionException(Reason.INTEGRITY_FAILURE);
                }
            } finally {
                if (fast) {
                    clear.close(); // stops its decrypt-ahead thread; BC's stream would close the message under us
                }
            }
            // Bytes after the encrypted data are outside the integrity check: gpg and sq refuse them too.
            if (packets.nextObject() != null) {
                throw new DecryptionException(Reason.INTEGRITY_FAILURE);
            }
        } catch (PlaintextOutput.WriteFailure e) {
            throw e.getCause(); // a full disk says nothing about the message
        } catch (PlaintextOutput.TooLarge e) {
            throw new DecryptionException(Reason.TOO_LARGE);
        } catch (PGPException | IOException | RuntimeException e) {
            // BC reports a bad MDC, a bad AEAD tag and truncation as IOExceptions of the decrypted stream.
            throw new DecryptionException(Reason.INTEGRITY_FAILURE);
        }
    }

    /**
     * Counts the plaintext against its limit, and marks failures to write it, so they are not taken for failures of
     * the message.
     */
    private static final class PlaintextOutput extends FilterOutputStream {
        static final class WriteFailure extends IOException {
            private static final long serialVersionUID = 1L;

            WriteFailure(IOException cause) {
                super(cause);
            }

            @Override
            public synchronized IOException getCause() {
                return (IOException) super.getCause();
            }
        }

        static final class TooLarge extends IOException {
            private static final long serialVersionUID = 1L;
        }

        private long left;

        PlaintextOutput(OutputStream out, long maxBytes) {
            super(out);
            this.left = maxBytes;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > left) {
                throw new TooLarge();
            }
            left -= len;
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new WriteFailure(e);
            }
        }
    }

    /** The AES session keys the fast path takes, by OpenPGP algorithm id; anything else stays with Bouncy Castle. */
    private static final Map<Integer, Integer> AES_KEY_BYTES = Map.of(
            SymmetricKeyAlgorithmTags.AES_128, 16, SymmetricKeyAlgorithmTags.AES_192, 24, SymmetricKeyAlgorithmTags.AES_256, 32);

    private static boolean isSeipdV1(PGPEncryptedData data) {
        return data.getEncData() instanceof SymmetricEncIntegrityPacket packet
                && packet.getVersion() == SymmetricEncIntegrityPacket.VERSION_1;
    }

    private record Recipient(PGPPublicKeyEncryptedData data, PublicKeyDataDecryptorFactory decryptor) {
    }

    private static PGPObjectFactory openPackets(InputStream message) throws DecryptionException {
        try {
            InputStream decoded = PGPUtil.getDecoderStream(new BufferedInputStream(message));
            return new PGPObjectFactory(decoded, FINGERPRINTS);
        } catch (IOException | RuntimeException e) {
            throw new DecryptionException(Reason.NOT_OPENPGP);
        }
    }

    private static PGPEncryptedDataList readEncryptedDataList(PGPObjectFactory packets) throws DecryptionException {
        try {
            Object next = packets.nextObject();
            while (next instanceof PGPMarker) {
                next = packets.nextObject();
            }
            if (next instanceof PGPEncryptedDataList list) {
                return list;
            }
        } catch (IOException | RuntimeException e) {
            // falls through: not parseable as OpenPGP
        }
        throw new DecryptionException(Reason.NOT_OPENPGP);
    }

    private Recipient findRecipient(PGPEncryptedDataList list) throws DecryptionException {
        for (PGPEncryptedData candidate : list) {
            if (candidate instanceof PGPPublicKeyEncryptedData data) {
                Optional<PGPPrivateKey> named = key.forRecipient(data.getKeyIdentifier());
                if (named.isPresent()) {
                    return new Recipient(data, decryptorFactory(named.get()));
                }
            }
        }
        for (PGPEncryptedData candidate : list) {
            if (candidate instanceof PGPPublicKeyEncryptedData data && data.getKeyIdentifier().isWildcard()) {
                for (PGPPrivateKey privateKey : key.all()) {
                    PublicKeyDataDecryptorFactory decryptor = decryptorFactory(privateKey);
                    try {
                        data.getSessionKey(decryptor);
                        return new Recipient(data, decryptor);
                    } catch (PGPException | RuntimeException wrongKey) {
                        // try the next subkey
                    }
                }
            }
        }
        throw new DecryptionException(Reason.NOT_FOR_THIS_KEY);
    }

    /**
     * Session keys are unwrapped by BC; what is not AES SEIPDv1 (SEIPDv2 OCB, older ciphers) BC decrypts too. BC's
     * lightweight classes, not its JCA provider: registering the provider costs a tenth of a second at every start.
     */
    private static PublicKeyDataDecryptorFactory decryptorFactory(PGPPrivateKey privateKey) {
        return new BcPublicKeyDataDecryptorFactory(privateKey);
    }

    /** Reads the decrypted packets: optional compression and signatures around exactly one literal data packet. */
    private static void copyLiteralData(PGPObjectFactory packets, OutputStream plaintext)
            throws IOException, PGPException, DecryptionException {
        int literals = 0;
        for (Object next = packets.nextObject(); next != null; next = packets.nextObject()) {
            if (next instanceof PGPCompressedData compressed) {
                packets = new PGPObjectFactory(compressed.getDataStream(), FINGERPRINTS);
            } else if (next instanceof PGPLiteralData literal) {
                literals++;
                if (literals > 1) {
                    throw new DecryptionException(Reason.NOT_ONE_LITERAL);
                }
                copy(literal.getDataStream(), plaintext);
            } else if (!(next instanceof PGPOnePassSignatureList || next instanceof PGPSignatureList || next instanceof PGPMarker)) {
                throw new DecryptionException(Reason.NOT_ONE_LITERAL);
            }
        }
        if (literals != 1) {
            throw new DecryptionException(Reason.NOT_ONE_LITERAL);
        }
    }

    /** InputStream.transferTo's 8 KiB buffer costs a call down the packet streams per 8 KiB of a video. */
    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER_BYTES];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
        }
    }
}
