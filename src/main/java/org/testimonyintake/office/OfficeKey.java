package org.testimonyintake.office;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.bcpg.S2K;
import org.bouncycastle.bcpg.SecretKeyPacket;
import org.bouncycastle.bcpg.SecretSubkeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.RevocationReasonTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.api.OpenPGPCertificate.OpenPGPComponentKey;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKey.OpenPGPSecretKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyEditor;
import org.bouncycastle.openpgp.api.SignatureParameters;
import org.bouncycastle.openpgp.api.KeyPassphraseProvider;
import org.testimonyintake.format.Fingerprints;
import org.testimonyintake.format.KeyMaterialException;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.format.Subkey;
import org.testimonyintake.format.SubkeyState;

/**
 * The secret office key: a keyset with one primary (the published fingerprint) and encryption subkeys, exactly one of
 * them current. Rotation adds a subkey, makes it current and revokes the old one as superseded; retirement destroys a
 * non-current subkey's secret. Instances are immutable: each operation returns the new key.
 */
public final class OfficeKey {
    private final OpenPGPKey key;

    OfficeKey(OpenPGPKey key) {
        this.key = key;
    }

    public static OfficeKey generate(KeyProfile profile, String name, char[] passphrase) throws PGPException {
        return new OfficeKey(profile.generate(name, passphrase, new Date()));
    }

    public KeyProfile profile() {
        return KeyProfile.of(key);
    }

    /** The public half, as published in keys/ and served to sources. */
    public OfficeCertificate certificate() throws KeyMaterialException {
        return OfficeCertificate.of(key.toCertificate());
    }

    /** Encryption subkeys newest first, with retired ones told apart (only the secret key knows which they are). */
    public List<Subkey> encryptionSubkeys() throws KeyMaterialException {
        List<Subkey> subkeys = new ArrayList<>();
        for (Subkey subkey : certificate().encryptionSubkeys()) {
            subkeys.add(isRetired(subkey) ? subkey.withState(SubkeyState.RETIRED) : subkey);
        }
        return subkeys;
    }

    /** Checks the passphrase against the primary key; every operation that changes the key calls this first. */
    public void requirePassphrase(char[] passphrase) throws WrongPassphraseException {
        if (!key.getPrimarySecretKey().isPassphraseCorrect(passphrase.clone())) {
            throw new WrongPassphraseException();
        }
    }

    /** Adds a new current encryption subkey and revokes the old one as superseded; the fingerprint stays. */
    public OfficeKey rotate(char[] passphrase) throws PGPException, KeyMaterialException, WrongPassphraseException {
        requirePassphrase(passphrase);
        KeyProfile profile = profile();
        OpenPGPComponentKey superseded = certificate().currentEncryptionKey();
        OpenPGPKeyEditor editor = new OpenPGPKeyEditor(key, constant(passphrase), KeyProfile.implementation());
        OpenPGPKey rotated = editor
                .addEncryptionSubkey(profile.newEncryptionKeyPair(new Date()), null)
                .revokeComponentKey(superseded, new SignatureParameters.Callback() {
                    @Override
                    public SignatureParameters apply(SignatureParameters parameters) {
                        return parameters.setHashedSubpacketsFunction(subpackets -> {
                            subpackets.setRevocationReason(true, RevocationReasonTags.KEY_SUPERSEDED,
                                    "superseded by a rotation");
                            return subpackets;
                        });
                    }
                })
                .done();
        return new OfficeKey(protectAsProfile(rotated, passphrase, profile));
    }

    /**
     * Destroys the secret part of a previous subkey (crypto-shredding): the file then keeps only a GnuPG-style stub
     * ("no private key"), which gpg and sq read as a key whose secret is absent.
     */
    public OfficeKey retire(String subkeyId, char[] passphrase)
            throws KeyMaterialException, WrongPassphraseException, PGPException {
        requirePassphrase(passphrase);
        Subkey subkey = findEncryptionSubkey(subkeyId);
        if (subkey.state() == SubkeyState.CURRENT) {
            throw new KeyMaterialException("subkey " + subkey.keyId() + " is the current one; rotate first, then retire it");
        }
        if (subkey.state() == SubkeyState.RETIRED) {
            throw new KeyMaterialException("subkey " + subkey.keyId() + " is already retired");
        }
        PGPSecretKey secret = secretKey(subkey).getPGPSecretKey();
        SecretKeyPacket stub = new SecretSubkeyPacket(secret.getPublicKey().getPublicKeyPacket(),
                SymmetricKeyAlgorithmTags.AES_256, SecretKeyPacket.USAGE_SHA1,
                S2K.gnuDummyS2K(S2K.GNUDummyParams.noPrivateKey()), null, null);
        PGPSecretKeyRing ring = PGPSecretKeyRing.insertSecretKey(key.getPGPSecretKeyRing(),
                new PGPSecretKey(stub, secret.getPublicKey()));
        return new OfficeKey(new OpenPGPKey(ring, KeyProfile.implementation()));
    }

    /** Unlocks every encryption subkey that still has its secret, once, for a run of decryptions. */
    public UnlockedOfficeKey unlock(char[] passphrase) throws KeyMaterialException, WrongPassphraseException {
        return DecryptionSubkeys.of(key.getPGPSecretKeyRing()).unlock(passphrase);
    }

    /** Unlocks the primary key, which signs reply bundles (FORMAT.md section 10.5); lives only in memory. */
    PGPPrivateKey unlockPrimary(char[] passphrase) throws WrongPassphraseException {
        try {
            return key.getPrimarySecretKey().unlock(passphrase.clone()).getKeyPair().getPrivateKey();
        } catch (PGPException e) {
            throw new WrongPassphraseException();
        }
    }

    PGPPublicKey primaryPublicKey() {
        return key.getPrimaryKey().getPGPPublicKey();
    }

    String armored() throws IOException {
        return key.toAsciiArmoredString();
    }

    /** Finds a subkey by key ID or fingerprint, ignoring case, spaces and a leading 0x. */
    Subkey findEncryptionSubkey(String id) throws KeyMaterialException {
        String wanted = id.replace(" ", "").replaceFirst("^0[xX]", "").toUpperCase(Locale.ROOT);
        for (Subkey subkey : encryptionSubkeys()) {
            if (!wanted.isEmpty() && (subkey.fingerprint().equals(wanted) || subkey.keyId().equals(wanted))) {
                return subkey;
            }
        }
        throw new KeyMaterialException("no encryption subkey " + id + " in this key");
    }

    private boolean isRetired(Subkey subkey) {
        return secretKey(subkey).getPGPSecretKey().isPrivateKeyEmpty();
    }

    private OpenPGPSecretKey secretKey(Subkey subkey) {
        return key.getSecretKeys().values().stream()
                .filter(k -> Fingerprints.hex(k.getPGPPublicKey().getFingerprint())
                        .equals(subkey.fingerprint()))
                .findFirst().orElseThrow();
    }

    /** BC's key editor leaves a new subkey unprotected; protect it as the profile requires, so gpg and sq read it. */
    private static OpenPGPKey protectAsProfile(OpenPGPKey edited, char[] passphrase, KeyProfile profile)
            throws PGPException {
        PGPSecretKeyRing ring = edited.getPGPSecretKeyRing();
        for (OpenPGPSecretKey secret : edited.getSecretKeys().values()) {
            if (secret.getPGPSecretKey().getS2KUsage() == SecretKeyPacket.USAGE_NONE) {
                OpenPGPSecretKey protectedKey = secret.unlock()
                        .changePassphrase(passphrase.clone(), profile.secretKeyProtection());
                ring = PGPSecretKeyRing.insertSecretKey(ring, protectedKey.getPGPSecretKey());
            }
        }
        return new OpenPGPKey(ring, KeyProfile.implementation());
    }

    private static KeyPassphraseProvider constant(char[] passphrase) {
        return secretKey -> passphrase.clone(); // BC wipes the arrays it is given
    }
}
