package org.testimonyintake.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testimonyintake.office.DecryptionException;
import org.testimonyintake.office.MessageDecryptor;

/** Decrypts the way the office does, into a new file in a new folder, and returns what the file holds. */
final class Decryption {
    private Decryption() {
    }

    static byte[] decrypt(MessageDecryptor decryptor, Path message) throws IOException, DecryptionException {
        Path target = Files.createTempDirectory(message.getParent(), "decrypted-").resolve("testimony");
        try (InputStream in = Files.newInputStream(message)) {
            decryptor.decrypt(in, target);
        }
        return Files.readAllBytes(target);
    }
}
