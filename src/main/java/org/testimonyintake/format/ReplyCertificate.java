package org.testimonyintake.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPCertificate.OpenPGPComponentKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyReader;

/**
 * The public half of a case's reply key (FORMAT.md section 10.3): a compat-profile certificate with one encryption
 * subkey. Staff encrypt replies to it; the server checks that a reply names it.
 */
public final class ReplyCertificate {
    public static final String USER_ID = "Testimony Intake reply key";

    private final OpenPGPCertificate certificate;
    private final OpenPGPComponentKey encryptionKey;

    private ReplyCertificate(OpenPGPCertificate certificate, OpenPGPComponentKey encryptionKey) {
        this.certificate = certificate;
        this.encryptionKey = encryptionKey;
    }

    /** Reads an armored or binary reply certificate, refusing secret key material. */
    public static ReplyCertificate parse(byte[] encoded) throws KeyMaterialException {
        if (OfficeCertificate.containsSecretKeyMaterial(encoded)) {
            throw new KeyMaterialException("a reply key certificate must not hold secret key material");
        }
        List<OpenPGPCertificate> certificates;
        try {
            certificates = new OpenPGPKeyReader(KeyProfile.implementation()).parseCertificates(encoded);
        } catch (IOException | RuntimeException e) {
            throw new KeyMaterialException("this is not a reply key certificate");
        }
        if (certificates.size() != 1) {
            throw new KeyMaterialException("this is not one reply key certificate");
        }
        return of(certificates.get(0));
    }

    public static ReplyCertificate of(OpenPGPCertificate certificate) throws KeyMaterialException {
        if (certificate.isSecretKey()) {
            throw new KeyMaterialException("secret key material where a reply key certificate belongs");
        }
        Optional<OpenPGPComponentKey> encryption = certificate.getEncryptionKeys().stream().findFirst();
        if (encryption.isEmpty() || KeyProfile.of(certificate) != KeyProfile.COMPAT) {
            throw new KeyMaterialException("a reply key has one compat-profile encryption subkey");
        }
        return new ReplyCertificate(certificate, encryption.get());
    }

    public PGPPublicKey encryptionKey() {
        return encryptionKey.getPGPPublicKey();
    }

    /** The encryption subkey as a recipient a reply's PKESK must name. */
    public Subkey encryptionSubkey() {
        PGPPublicKey key = encryptionKey();
        return new Subkey(Fingerprints.hex(key.getFingerprint()), Fingerprints.keyId(key.getKeyID()),
                OfficeCertificate.utcDate(key.getCreationTime()), Optional.empty(), SubkeyState.CURRENT);
    }

    public String armored() {
        try {
            return certificate.toAsciiArmoredString();
        } catch (IOException e) {
            throw new IllegalStateException("encoding a parsed certificate cannot fail", e);
        }
    }

    public byte[] encoded() {
        return armored().getBytes(StandardCharsets.US_ASCII);
    }
}
