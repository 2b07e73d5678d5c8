package org.testimonyintake.office;

import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.bcpg.S2K;
import org.bouncycastle.bcpg.SecretKeyPacket;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.testimonyintake.format.KeyMaterialException;

/**
 * The encryption subkeys of the office key that still hold their secret, as stored: all a decryption needs. Which
 * subkey is current, the signatures and the expiry matter to the commands that change or publish the key, not here,
 * where checking them cost 75 ms of every decrypt; and an office key revoked or expired since still opens what was sent
 * to it. Retired subkeys keep only a GnuPG stub and are left out.
 */
public final class DecryptionSubkeys {
    private final List<PGPSecretKey> subkeys;

    private DecryptionSubkeys(List<PGPSecretKey> subkeys) {
        this.subkeys = subkeys;
    }

    static DecryptionSubkeys of(PGPSecretKeyRing ring) throws KeyMaterialException {
        List<PGPSecretKey> subkeys = new ArrayList<>();
        for (PGPSecretKey key : ring) {
            if (!key.isMasterKey() && key.getPublicKey().isEncryptionKey() && !key.isPrivateKeyEmpty()) {
                subkeys.add(key);
            }
        }
        if (subkeys.isEmpty()) {
            throw new KeyMaterialException("the office key holds no encryption subkey with its secret");
        }
        return new DecryptionSubkeys(List.copyOf(subkeys));
    }

    /** Unlocks every one of them, once, for a run of decryptions. */
    public UnlockedOfficeKey unlock(char[] passphrase) throws WrongPassphraseException {
        List<UnlockedOfficeKey.Recipient> recipients = new ArrayList<>();
        try {
            for (PGPSecretKey subkey : subkeys) {
                recipients.add(new UnlockedOfficeKey.Recipient(subkey.getKeyIdentifier(), unlock(subkey, passphrase)));
            }
        } catch (PGPException e) {
            throw new WrongPassphraseException();
        }
        return new UnlockedOfficeKey(recipients);
    }

    /**
     * The compat profile's iterated-salted S2K hashes 65 MB with SHA-256, which staff wait for at every decrypt: the
     * JDK's digest does it in large blocks ({@link JdkSecretKeyDecryptor}). Other protections (Argon2 with AEAD for the
     * modern profile) stay with Bouncy Castle.
     */
    private static PGPPrivateKey unlock(PGPSecretKey subkey, char[] passphrase) throws PGPException {
        S2K s2k = subkey.getS2K();
        if (subkey.getS2KUsage() == SecretKeyPacket.USAGE_SHA1 && s2k != null && s2k.getType() == S2K.SALTED_AND_ITERATED) {
            return subkey.extractPrivateKey(JdkSecretKeyDecryptor.of(passphrase.clone()));
        }
        return subkey.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider())
                .build(passphrase.clone()));
    }
}
