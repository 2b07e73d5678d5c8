package org.testimonyintake.returning;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The per-installation Argon2id salt (FORMAT.md section 10.2): 16 random octets in {@code returning-salt} in the data
 * directory, made once, owner-only. Losing it makes every receipt useless, so it is never rewritten.
 */
public final class InstallationSalt {
    static final String FILE_NAME = "returning-salt";
    static final int BYTES = 16;

    private InstallationSalt() {
    }

    /** Reads the salt of {@code dataDirectory}, making it first if the installation has none yet. */
    public static byte[] loadOrCreate(Path dataDirectory, SecureRandom random) throws IOException {
        Path file = dataDirectory.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            byte[] salt = new byte[BYTES];
            random.nextBytes(salt);
            try {
                try (OutputStream out = Files.newOutputStream(Files.createFile(file,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                        StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
                    out.write(salt);
                }
                // The data directory keeps no time finer than a date (FORMAT.md section 6), not even of its set-up.
                FileTime midnight = FileTime.from(LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC)
                        .toInstant());
                Files.setLastModifiedTime(file, midnight);
                Files.setLastModifiedTime(dataDirectory, midnight);
            } catch (FileAlreadyExistsException madeMeanwhile) {
                // another process (export beside serve) made it first: read theirs
            }
        }
        byte[] salt = Files.readAllBytes(file);
        if (salt.length != BYTES) {
            throw new IOException(file + " is not a returning-sources salt (" + BYTES + " octets)");
        }
        return salt;
    }
}
