package org.testimonyintake.format;

import java.util.Date;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPImplementation;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyGenerator;
import org.bouncycastle.openpgp.api.SignatureParameters;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPImplementation;
import org.bouncycastle.openpgp.operator.PBESecretKeyEncryptorFactory;

/**
 * The two office key profiles of FORMAT.md section "Key profile".
 *
 * <p>{@link #COMPAT} is the default because it is the only profile that GnuPG 2.2, Sequoia sq 0.27, openpgp.js and
 * Bouncy Castle all read: v4, legacy Ed25519 certification-only primary, cv25519 ECDH encryption subkey, Features =
 * MDC only (so every sender uses SEIPDv1), secret protected with iterated-salted S2K. {@link #MODERN} is RFC 9580 v6
 * (Ed25519 + X25519, SEIPDv2, Argon2-protected secret), which GnuPG 2.2 and sq 0.27 cannot import.
 */
public enum KeyProfile {
    COMPAT(PublicKeyPacket.VERSION_4),
    MODERN(PublicKeyPacket.VERSION_6);

    /** Symmetric preferences written on every self-signature (FORMAT.md: AES-256 first, AES-128 as fallback). */
    private static final int[] SYMMETRIC_PREFERENCES = {SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_128};
    /** The iterated-salted S2K count byte; 0xff is the largest count (65,011,712 bytes hashed). */
    private static final int MAX_S2K_COUNT = 0xff;

    private final int keyVersion;

    KeyProfile(int keyVersion) {
        this.keyVersion = keyVersion;
    }

    public static KeyProfile of(OpenPGPCertificate key) {
        return key.getPrimaryKey().getVersion() == PublicKeyPacket.VERSION_6 ? MODERN : COMPAT;
    }

    public OpenPGPKey generate(String userId, char[] passphrase, Date creationTime) throws PGPException {
        return generate(userId, passphrase, creationTime, secretKeyProtection());
    }

    /** The same with another secret-key protection, for keys whose passphrase is itself a 256-bit key. */
    public OpenPGPKey generate(String userId, char[] passphrase, Date creationTime, PBESecretKeyEncryptorFactory protection)
            throws PGPException {
        OpenPGPKeyGenerator generator = new OpenPGPKeyGenerator(implementation(), keyVersion,
                implementation().pgpKeyPairGeneratorProvider(), implementation().pgpDigestCalculatorProvider(),
                protection, implementation().keyFingerPrintCalculator(), creationTime);
        return generator
                .withPrimaryKey(this == COMPAT ? g -> g.generateLegacyEd25519KeyPair() : g -> g.generateEd25519KeyPair(),
                        preferences())
                .addUserId(userId, preferences())
                .addEncryptionSubkey(newEncryptionKeyPair(creationTime), null)
                .build(passphrase.clone()); // BC wipes the array it is given
    }

    /** A fresh encryption key pair of this profile, for key generation and for rotation. */
    public PGPKeyPair newEncryptionKeyPair(Date creationTime) throws PGPException {
        var generator = implementation().pgpKeyPairGeneratorProvider().get(keyVersion, creationTime);
        PGPKeyPair keyPair = this == COMPAT ? generator.generateLegacyX25519KeyPair() : generator.generateX25519KeyPair();
        return keyPair.asSubkey(implementation().keyFingerPrintCalculator());
    }

    /** How a secret key of this profile is protected with its passphrase. */
    public PBESecretKeyEncryptorFactory secretKeyProtection() throws PGPException {
        return this == COMPAT
                ? implementation().pbeSecretKeyEncryptorFactory(false, SymmetricKeyAlgorithmTags.AES_256, MAX_S2K_COUNT)
                : implementation().pbeSecretKeyEncryptorFactory(true);
    }

    public static OpenPGPImplementation implementation() {
        return Implementation.INSTANCE;
    }

    /**
     * Lazy, so that a command line naming a profile (picocli lists an enum's constants) does not build BC's policy.
     */
    private static final class Implementation {
        static final OpenPGPImplementation INSTANCE = new BcOpenPGPImplementation();
    }

    /** Self-signature parameters; BC's Callback has only a default method, hence the anonymous class. */
    private SignatureParameters.Callback preferences() {
        return new SignatureParameters.Callback() {
            @Override
            public SignatureParameters apply(SignatureParameters parameters) {
                return parameters.setHashedSubpacketsFunction(subpackets -> {
                    // An office key that expires silently stops the intake site; custodians rotate instead.
                    subpackets.removePacketsOfType(SignatureSubpacketTags.KEY_EXPIRE_TIME);
                    if (KeyProfile.this == COMPAT) {
                        // Advertising SEIPDv2 makes openpgp.js and BC send messages that gpg 2.2 and sq 0.27 cannot read.
                        subpackets.removePacketsOfType(SignatureSubpacketTags.FEATURES);
                        subpackets.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
                        subpackets.removePacketsOfType(SignatureSubpacketTags.PREFERRED_AEAD_ALGORITHMS);
                        subpackets.removePacketsOfType(SignatureSubpacketTags.PREFERRED_SYM_ALGS);
                        subpackets.setPreferredSymmetricAlgorithms(false, SYMMETRIC_PREFERENCES);
                    }
                    return subpackets;
                });
            }
        };
    }
}
