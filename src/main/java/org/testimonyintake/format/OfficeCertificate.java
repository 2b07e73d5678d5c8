package org.testimonyintake.format;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.PacketTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPCertificate.OpenPGPComponentKey;
import org.bouncycastle.openpgp.api.OpenPGPCertificate.OpenPGPComponentSignature;
import org.bouncycastle.openpgp.api.OpenPGPKeyReader;

/**
 * The published office certificate: one primary key whose fingerprint is printed on leaflets, and encryption subkeys
 * that rotate under it (FORMAT.md, "Office certificate"). Exactly one subkey is current. Holds public keys only:
 * {@link #parse} refuses anything that carries secret key material.
 */
public final class OfficeCertificate {
    private static final int ENCRYPTION_FLAGS = KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE;

    private final OpenPGPCertificate certificate;
    private final List<Subkey> encryptionSubkeys;

    private OfficeCertificate(OpenPGPCertificate certificate, List<Subkey> encryptionSubkeys) {
        this.certificate = certificate;
        this.encryptionSubkeys = encryptionSubkeys;
    }

    /** Reads an armored or binary certificate, refusing secret key material and certificates senders cannot use. */
    public static OfficeCertificate parse(byte[] encoded) throws KeyMaterialException {
        if (containsSecretKeyMaterial(encoded)) {
            throw new KeyMaterialException("this file holds secret key material; only the public office certificate belongs here");
        }
        List<OpenPGPCertificate> certificates;
        try {
            certificates = new OpenPGPKeyReader(KeyProfile.implementation()).parseCertificates(encoded);
        } catch (IOException | RuntimeException e) {
            throw new KeyMaterialException("this is not an OpenPGP certificate");
        }
        if (certificates.size() != 1) {
            throw new KeyMaterialException(certificates.isEmpty()
                    ? "this is not an OpenPGP certificate" : "this file holds more than one certificate");
        }
        return of(certificates.get(0));
    }

    /** Wraps a certificate already in memory, such as the public half of a freshly generated key. */
    public static OfficeCertificate of(OpenPGPCertificate certificate) throws KeyMaterialException {
        if (certificate.isSecretKey()) {
            throw new KeyMaterialException("secret key material where a public certificate belongs");
        }
        Date now = new Date();
        if (certificate.getPrimaryKey().getRevocation(now) != null) {
            throw new KeyMaterialException("the office key is revoked");
        }
        Date expiry = certificate.getExpirationTime(now);
        if (expiry != null && !expiry.after(now)) {
            throw new KeyMaterialException("the office key expired on " + utcDate(expiry));
        }
        List<Subkey> subkeys = describeEncryptionSubkeys(certificate, now);
        if (subkeys.stream().noneMatch(s -> s.state() == SubkeyState.CURRENT)) {
            throw new KeyMaterialException("the office key has no usable encryption subkey");
        }
        return new OfficeCertificate(certificate, subkeys);
    }

    public String primaryFingerprint() {
        return Fingerprints.hex(certificate.getFingerprint());
    }

    /** Every encryption subkey, newest first; retired ones appear as previous, since only the secret key knows. */
    public List<Subkey> encryptionSubkeys() {
        return encryptionSubkeys;
    }

    public Subkey currentSubkey() {
        return encryptionSubkeys.stream().filter(s -> s.state() == SubkeyState.CURRENT).findFirst().orElseThrow();
    }

    /**
     * The subkeys an upload may be addressed to on {@code today}: the current one, and previous ones superseded at
     * most {@code graceDays} days ago (a source may have loaded the form before a rotation; FORMAT.md section 2).
     */
    public List<Subkey> acceptedRecipients(LocalDate today, int graceDays) {
        return encryptionSubkeys.stream()
                .filter(s -> s.state() == SubkeyState.CURRENT
                        || s.superseded().map(date -> !date.plusDays(graceDays).isBefore(today)).orElse(false))
                .toList();
    }

    /** The Bouncy Castle key of the current subkey, the only one anything is encrypted to. */
    public OpenPGPComponentKey currentEncryptionKey() {
        String fingerprint = currentSubkey().fingerprint();
        return certificate.getSubkeys().values().stream()
                .filter(k -> Fingerprints.hex(k.getPGPPublicKey().getFingerprint()).equals(fingerprint))
                .findFirst().orElseThrow();
    }

    public OpenPGPCertificate openPGPCertificate() {
        return certificate;
    }

    public String armored() {
        try {
            return certificate.toAsciiArmoredString();
        } catch (IOException e) {
            throw new IllegalStateException("encoding a parsed certificate cannot fail", e);
        }
    }

    private static List<Subkey> describeEncryptionSubkeys(OpenPGPCertificate certificate, Date now) {
        List<OpenPGPComponentKey> keys = certificate.getSubkeys().values().stream()
                .filter(OfficeCertificate::boundForEncryption)
                .sorted(Comparator.comparing(OpenPGPComponentKey::getCreationTime).reversed())
                .map(OpenPGPComponentKey.class::cast)
                .toList();
        List<Subkey> subkeys = new ArrayList<>();
        boolean currentChosen = false;
        for (OpenPGPComponentKey key : keys) {
            OpenPGPComponentSignature revocation = key.getRevocation(now);
            // Only the newest usable subkey is current; an older one that was never revoked counts as previous.
            boolean current = !currentChosen && revocation == null && key.isEncryptionKey(now);
            currentChosen |= current;
            subkeys.add(new Subkey(Fingerprints.hex(key.getPGPPublicKey().getFingerprint()),
                    Fingerprints.keyId(key.getPGPPublicKey().getKeyID()), utcDate(key.getCreationTime()),
                    Optional.ofNullable(revocation).map(r -> utcDate(r.getSignature().getCreationTime())),
                    current ? SubkeyState.CURRENT : SubkeyState.PREVIOUS));
        }
        return List.copyOf(subkeys);
    }

    /** Bound with encryption key flags, whether or not it was revoked since. */
    private static boolean boundForEncryption(OpenPGPComponentKey key) {
        OpenPGPComponentSignature binding = key.getCertification();
        var hashed = binding == null ? null : binding.getSignature().getHashedSubPackets();
        return hashed != null && (hashed.getKeyFlags() & ENCRYPTION_FLAGS) != 0;
    }

    /** Looks at every packet, not a prefix: true if a secret key packet stands anywhere in the file. */
    public static boolean containsSecretKeyMaterial(byte[] encoded) {
        try (InputStream decoded = PGPUtil.getDecoderStream(new ByteArrayInputStream(encoded));
             BCPGInputStream packets = new BCPGInputStream(decoded)) {
            while (packets.nextPacketTag() >= 0) {
                int tag = packets.nextPacketTag();
                if (tag == PacketTags.SECRET_KEY || tag == PacketTags.SECRET_SUBKEY) {
                    return true;
                }
                packets.readPacket();
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false; // not parseable as packets: the certificate reader says what is wrong
        }
    }

    static LocalDate utcDate(Date date) {
        return date.toInstant().atZone(ZoneOffset.UTC).toLocalDate();
    }
}
