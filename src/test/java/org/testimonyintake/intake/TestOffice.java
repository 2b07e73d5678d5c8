package org.testimonyintake.intake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.office.OfficeKey;
import org.testimonyintake.office.SecretKeyFile;

/** A TEST-ONLY office key, generated once per test run, and the key files the server must accept or refuse. */
public final class TestOffice {
    public static final String NAME = "TEST office <test@example.org>";
    public static final char[] PASSPHRASE = "test only: a long enough passphrase".toCharArray();
    private static OfficeKey key;

    private TestOffice() {
    }

    public static synchronized OfficeKey key() throws Exception {
        if (key == null) {
            key = OfficeKey.generate(KeyProfile.COMPAT, NAME, PASSPHRASE);
        }
        return key;
    }

    public static String fingerprint() throws Exception {
        return key().certificate().primaryFingerprint();
    }

    public static Path certificateFile(Path directory) throws Exception {
        return Files.writeString(directory.resolve("office.asc"), key().certificate().armored(),
                StandardCharsets.US_ASCII);
    }

    /** The secret key, where a careless admin might copy it; only ever written to a test's temporary directory. */
    public static Path secretKeyFile(Path directory) throws Exception {
        Path file = directory.resolve("office.sec.asc");
        SecretKeyFile.createNew(file, key());
        return file;
    }

    /** The office certificate with every subkey removed: a primary key that nobody can encrypt to. */
    public static Path certificateWithoutEncryptionSubkey(Path directory) throws Exception {
        PGPPublicKeyRing ring = key().certificate().openPGPCertificate().getPGPPublicKeyRing();
        for (PGPPublicKey subkey : key().certificate().openPGPCertificate().getPGPPublicKeyRing()) {
            if (!subkey.isMasterKey()) {
                ring = PGPPublicKeyRing.removePublicKey(ring, subkey);
            }
        }
        return Files.write(directory.resolve("no-subkey.asc"), armored(ring.getEncoded()));
    }

    private static byte[] armored(byte[] binary) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArmoredOutputStream armor = ArmoredOutputStream.builder().build(out)) {
            armor.write(binary);
        }
        return out.toByteArray();
    }
}
