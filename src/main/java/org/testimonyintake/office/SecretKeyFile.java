package org.testimonyintake.office;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyReader;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.testimonyintake.format.KeyMaterialException;
import org.testimonyintake.format.KeyProfile;

/**
 * The one entry point to secret key material (the pattern of Tink's {@code InsecureSecretKeyAccess}): every read or
 * write of an office secret key goes through here, so a reviewer can check with one search that the intake server
 * never does it. Files are created new with mode 0600 and never overwritten except by an atomic replace.
 */
public final class SecretKeyFile {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecretKeyFile() {
    }

    public static OfficeKey read(Path file) throws IOException, KeyMaterialException {
        byte[] encoded = Files.readAllBytes(file);
        List<OpenPGPKey> keys;
        try {
            keys = new OpenPGPKeyReader(KeyProfile.implementation()).parseKeys(encoded);
        } catch (IOException | RuntimeException e) {
            keys = List.of();
        }
        if (keys.size() != 1 || !keys.get(0).isSecretKey()) {
            throw notTheSecretKey(file, encoded, keys.isEmpty());
        }
        return new OfficeKey(keys.get(0));
    }

    /**
     * Reads only what a decryption needs ({@link DecryptionSubkeys}), as Bouncy Castle's packet classes store it:
     * its OpenPGP key API, which {@link #read} builds for the commands that change the key, costs every decrypt 60 ms.
     */
    public static DecryptionSubkeys readDecryptionSubkeys(Path file) throws IOException, KeyMaterialException {
        byte[] encoded = Files.readAllBytes(file);
        List<PGPSecretKeyRing> keys = new ArrayList<>();
        try (InputStream decoded = PGPUtil.getDecoderStream(new ByteArrayInputStream(encoded))) {
            PGPObjectFactory packets = new PGPObjectFactory(decoded, new BcKeyFingerprintCalculator());
            for (Object next = packets.nextObject(); next != null; next = packets.nextObject()) {
                if (!(next instanceof PGPSecretKeyRing ring)) {
                    keys.clear();
                    break;
                }
                keys.add(ring);
            }
        } catch (IOException | RuntimeException e) {
            keys.clear();
        }
        if (keys.size() != 1) {
            throw notTheSecretKey(file, encoded, keys.isEmpty());
        }
        return DecryptionSubkeys.of(keys.get(0));
    }

    /** True if group or others may read the file: the key is then only as safe as its passphrase. */
    public static boolean readableByOthers(Path file) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        return permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ);
    }

    /** Writes a new secret key file; fails if anything is already there. */
    public static void createNew(Path file, OfficeKey key) throws IOException {
        try (OutputStream out = Files.newOutputStream(Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY)),
                StandardOpenOption.WRITE)) {
            out.write(key.armored().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Replaces an existing secret key file atomically, so a crash leaves the old key or the new one, never half. */
    public static void replace(Path file, OfficeKey key) throws IOException {
        Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".office-key-", ".tmp");
        try {
            Files.writeString(temporary, key.armored(), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Checked before a key is generated, so nothing is generated only to be refused a place to go. */
    public static void requireAbsent(Path file) throws FileAlreadyExistsException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
    }

    /** What to tell staff who named the wrong file: the certificate, or something else. */
    private static KeyMaterialException notTheSecretKey(Path file, byte[] encoded, boolean noKeyParsed) {
        return new KeyMaterialException(noKeyParsed && looksLikePublicCertificate(encoded)
                ? file + " is a public certificate, not the secret office key"
                : file + " is not an OpenPGP secret key");
    }

    private static boolean looksLikePublicCertificate(byte[] encoded) {
        try {
            return !new OpenPGPKeyReader(KeyProfile.implementation()).parseCertificates(encoded).isEmpty();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
