package org.testimonyintake.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testimonyintake.format.KeyMaterialException;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.office.OfficeKey;
import org.testimonyintake.office.SecretKeyFile;

/** An office key as the office keeps it: the secret key file (written by SecretKeyFile) and the public certificate. */
public record OfficeKeyFiles(OfficeKey key, Path secretKeyFile, Path certificateFile) {
    public static final String PASSPHRASE = "Test passphrase, never used for a real office key";

    public static char[] passphrase() {
        return PASSPHRASE.toCharArray();
    }

    /** Writes {@code key} to {@code name}.sec.asc and {@code name}.pub.asc in {@code directory}. */
    public static OfficeKeyFiles write(OfficeKey key, Path directory, String name) throws IOException, KeyMaterialException {
        Path secret = directory.resolve(name + ".sec.asc");
        SecretKeyFile.createNew(secret, key);
        Path certificate = Files.writeString(directory.resolve(name + ".pub.asc"), key.certificate().armored(),
                StandardCharsets.US_ASCII);
        return new OfficeKeyFiles(key, secret, certificate);
    }

    public OfficeCertificate certificate() throws KeyMaterialException {
        return key.certificate();
    }
}
