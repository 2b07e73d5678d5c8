package org.testimonyintake.intake.submission;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hidden {@link SubmissionService#FORM_TOKEN_FIELD} field: an HMAC-SHA256 of the UTC date the form was served,
 * so a submission must come from a form this server handed out today or yesterday. Stateless and cookie-free: it binds
 * nothing but the date, and nothing finer than a date is kept anywhere. The long window is on purpose: writing and
 * uploading over Tor is slow.
 */
public final class FormToken {
    static final String KEY_FILE = "form-token.key";
    private static final int KEY_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final Clock clock;
    /** The tokens of the current UTC day and the one before: computed once a day, not for every request. */
    private volatile DayTokens tokens;

    private record DayTokens(LocalDate today, String issuedToday, String issuedYesterday) {
    }

    FormToken(byte[] key, Clock clock) {
        this.key = new SecretKeySpec(key, ALGORITHM);
        this.clock = clock;
    }

    /** Reads {@code <data>/form-token.key}, creating it (random, mode 0600) on first start. */
    public static FormToken openOrCreate(Path dataDirectory) throws IOException {
        return openOrCreate(dataDirectory, Clock.systemUTC());
    }

    static FormToken openOrCreate(Path dataDirectory, Clock clock) throws IOException {
        Path file = dataDirectory.resolve(KEY_FILE);
        if (Files.notExists(file)) {
            byte[] fresh = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(fresh);
            try {
                Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------"))), fresh);
                // The data directory keeps no time finer than a date (FORMAT.md section 6), not even of its set-up.
                FileTime midnight = FileTime.from(LocalDate.now(clock.withZone(ZoneOffset.UTC))
                        .atStartOfDay(ZoneOffset.UTC).toInstant());
                Files.setLastModifiedTime(file, midnight);
                Files.setLastModifiedTime(dataDirectory, midnight);
            } catch (FileAlreadyExistsException createdMeanwhile) {
                // another process started on the same data directory first: use its key
            }
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length != KEY_BYTES) {
            throw new IOException(file + " is damaged: delete it and start again (forms served before become invalid)");
        }
        return new FormToken(key, clock);
    }

    /** The token for a form served now. */
    public String issue() {
        return tokens().issuedToday();
    }

    /** True if the token was issued today or yesterday (UTC); compared in constant time. */
    public boolean isValid(String token) {
        if (token == null) {
            return false;
        }
        byte[] given = token.getBytes(StandardCharsets.US_ASCII);
        DayTokens valid = tokens();
        return MessageDigest.isEqual(given, valid.issuedToday().getBytes(StandardCharsets.US_ASCII))
                | MessageDigest.isEqual(given, valid.issuedYesterday().getBytes(StandardCharsets.US_ASCII));
    }

    /** Two threads may both compute a new day's tokens; they compute the same. */
    private DayTokens tokens() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        DayTokens current = tokens;
        if (current == null || !current.today().equals(today)) {
            current = new DayTokens(today, forDate(today), forDate(today.minusDays(1)));
            tokens = current;
        }
        return current;
    }

    private String forDate(LocalDate date) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] tag = mac.doFinal(("testimony-intake form " + date).getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
