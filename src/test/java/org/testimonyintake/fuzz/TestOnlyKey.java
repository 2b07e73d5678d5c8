package org.testimonyintake.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.office.MessageDecryptor;
import org.testimonyintake.office.SecretKeyFile;

/** The committed TEST-ONLY office key of src/test/resources/vectors, which the decryption vectors are encrypted to. */
public final class TestOnlyKey {
    private static final String DIRECTORY = "/vectors/";
    private static OfficeCertificate certificate;
    private static MessageDecryptor decryptor;

    private TestOnlyKey() {
    }

    public static synchronized OfficeCertificate certificate() throws Exception {
        if (certificate == null) {
            certificate = OfficeCertificate.parse(Files.readAllBytes(file("TEST-ONLY-office-key.pub.asc")));
        }
        return certificate;
    }

    public static synchronized MessageDecryptor decryptor() throws Exception {
        if (decryptor == null) {
            String passphrase = Files.readString(file("TEST-ONLY-passphrase.txt")).strip();
            decryptor = new MessageDecryptor(SecretKeyFile.read(file("TEST-ONLY-office-key.sec.asc"))
                    .unlock(passphrase.toCharArray()));
        }
        return decryptor;
    }

    private static Path file(String name) {
        try {
            return Path.of(TestOnlyKey.class.getResource(DIRECTORY + name).toURI());
        } catch (URISyntaxException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
