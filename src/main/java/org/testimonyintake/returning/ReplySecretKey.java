package org.testimonyintake.returning;

import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.api.OpenPGPCertificate.OpenPGPUserId;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKey.OpenPGPSecretKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyReader;
import org.testimonyintake.format.KeyMaterialException;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.format.ReplyCertificate;

/**
 * The intake server's one entry point to secret key material, and only to a case's reply key (FORMAT.md section
 * 10.3): made with its secret protected under the receipt's wrapping key, and unlocked in memory for the request of a
 * source who gave that receipt. Reviewers grep for this class; it reads no other kind of key (an office key is refused
 * by {@link ReplyCertificate#of}: a reply key has no other user ID than {@link ReplyCertificate#USER_ID}).
 */
public final class ReplySecretKey {
    /** Count byte 0, 1024 octets: the passphrase is a 256-bit key already, Argon2id did the slow work. */
    private static final int S2K_COUNT = 0;

    /** A new reply key: the stored secret (binary, protected) and its public half for the testimony document. */
    public record Generated(byte[] protectedSecret, ReplyCertificate certificate) {
    }

    private ReplySecretKey() {
    }

    /** Makes a case's reply key dated 00:00 UTC of {@code today}, protected under {@code keys}' wrapping key. */
    public static Generated generate(CaseKeys keys, LocalDate today) throws PGPException, KeyMaterialException {
        Date midnight = Date.from(today.atStartOfDay(ZoneOffset.UTC).toInstant());
        char[] passphrase = keys.replyKeyPassphrase();
        OpenPGPKey key = KeyProfile.COMPAT.generate(ReplyCertificate.USER_ID, passphrase, midnight,
                KeyProfile.implementation().pbeSecretKeyEncryptorFactory(false, SymmetricKeyAlgorithmTags.AES_256, S2K_COUNT));
        Arrays.fill(passphrase, '\0');
        try {
            return new Generated(key.getEncoded(), ReplyCertificate.of(key.toCertificate()));
        } catch (IOException e) {
            throw new IllegalStateException("encoding a key in memory cannot fail", e);
        }
    }

    /** The public half of a stored reply key, readable without the receipt. */
    public static ReplyCertificate publicHalf(byte[] protectedSecret) throws KeyMaterialException {
        return ReplyCertificate.of(parse(protectedSecret).toCertificate());
    }

    private static OpenPGPKey parse(byte[] protectedSecret) throws KeyMaterialException {
        List<OpenPGPKey> parsed;
        try {
            parsed = new OpenPGPKeyReader(KeyProfile.implementation()).parseKeys(protectedSecret);
        } catch (IOException | RuntimeException e) {
            throw new KeyMaterialException("a stored reply key is unreadable");
        }
        if (parsed.size() != 1) {
            throw new KeyMaterialException("a stored reply key is unreadable");
        }
        return parsed.get(0);
    }

    /** Unlocks a stored reply key with the wrapping key of the receipt that found its case. */
    public static UnlockedReplyKey unlock(byte[] protectedSecret, CaseKeys keys) throws KeyMaterialException {
        OpenPGPKey key = parse(protectedSecret);
        ReplyCertificate certificate = ReplyCertificate.of(key.toCertificate());
        if (!List.of(ReplyCertificate.USER_ID).equals(key.getAllUserIds().stream().map(OpenPGPUserId::getUserId).toList())) {
            throw new KeyMaterialException("this is not a reply key");
        }
        OpenPGPSecretKey secret = key.getSecretKey(certificate.encryptionKey().getKeyIdentifier());
        char[] passphrase = keys.replyKeyPassphrase();
        try {
            PGPPrivateKey privateKey = secret.unlock(passphrase).getKeyPair().getPrivateKey();
            return new UnlockedReplyKey(certificate, privateKey);
        } catch (PGPException | RuntimeException e) {
            throw new KeyMaterialException("the receipt does not unlock this reply key");
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }
}
