package org.testimonyintake.returning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FORMAT.md section 10.2 with the real libargon2 at the real cost, checked against Bouncy Castle's Argon2id. */
class ReceiptChecksTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Receipt RECEIPT = Receipt.parse("1234 5678 9012 3456 7890 1234 5627").orElseThrow();

    @Test
    void theLookupIdIsArgon2idOfTheDigitsAsAnIndependentImplementationComputesIt() throws Exception {
        byte[] salt = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
        CaseKeys keys = new ReceiptChecks(salt, ReceiptChecks.Cost.STANDARD, ReceiptChecks.Bounds.STANDARD).derive(RECEIPT);

        Argon2BytesGenerator bouncyCastle = new Argon2BytesGenerator();
        bouncyCastle.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withIterations(8).withMemoryAsKB(65536).withParallelism(1).withSalt(salt).build());
        byte[] tag = new byte[64];
        bouncyCastle.generateBytes("1234567890123456789012345627".getBytes(StandardCharsets.US_ASCII), tag);
        assertEquals(HexFormat.of().formatHex(Arrays.copyOf(tag, 32)), keys.lookupId());
        assertEquals(HexFormat.of().formatHex(Arrays.copyOfRange(tag, 32, 64)), new String(keys.replyKeyPassphrase()));
    }

    @Test
    void anotherSaltGivesAnotherLookupId() throws Exception {
        ReceiptChecks.Cost cheap = new ReceiptChecks.Cost(1024, 1, 1);
        String first = new ReceiptChecks(new byte[16], cheap, ReceiptChecks.Bounds.STANDARD).derive(RECEIPT).lookupId();
        byte[] otherSalt = new byte[16];
        otherSalt[0] = 1;
        assertNotEquals(first, new ReceiptChecks(otherSalt, cheap, ReceiptChecks.Bounds.STANDARD).derive(RECEIPT).lookupId());
        assertEquals(first, new ReceiptChecks(new byte[16], cheap, ReceiptChecks.Bounds.STANDARD).derive(RECEIPT).lookupId());
    }

    @Test
    void beyondTheBoundAChecksIsRefusedAsBusy() {
        ReceiptChecks.Cost cheap = new ReceiptChecks.Cost(1024, 1, 1);
        ReceiptChecks full = new ReceiptChecks(new byte[16], cheap, new ReceiptChecks.Bounds(0, 0, Duration.ofSeconds(30)));
        assertThrows(ReceiptChecks.Busy.class, () -> full.derive(RECEIPT), "no place to run or wait");
        ReceiptChecks noneRunning = new ReceiptChecks(new byte[16], cheap, new ReceiptChecks.Bounds(0, 1, Duration.ofMillis(1)));
        assertThrows(ReceiptChecks.Busy.class, () -> noneRunning.derive(RECEIPT), "waited its longest");
    }

    @Test
    void theSaltIsMadeOnceOwnerOnlyDatedAndKept(@TempDir Path data) throws Exception {
        byte[] salt = InstallationSalt.loadOrCreate(data, RANDOM);
        assertEquals(16, salt.length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("returning-salt"))));
        for (Path dated : new Path[] {data.resolve("returning-salt"), data}) {
            assertEquals(LocalTime.MIDNIGHT, Files.getLastModifiedTime(dated).toInstant().atOffset(ZoneOffset.UTC)
                    .toLocalTime(), "no time finer than a date (FORMAT.md section 6): " + dated);
        }
        assertEquals(HexFormat.of().formatHex(salt), HexFormat.of().formatHex(InstallationSalt.loadOrCreate(data, RANDOM)));
    }
}
