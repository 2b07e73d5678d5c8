package org.testimonyintake.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.upload.UploadRefused.Reason;

class UploadStoreTest {
    /** 14:37:21 UTC: a time of day that must never reach the disk. */
    private static final Instant AFTERNOON = Instant.parse("2026-11-27T14:37:21Z");
    private static final UploadLimits LIMITS = new UploadLimits(1 << 20, 3 << 20, 10);

    @TempDir
    Path temporary;

    private final SettableClock clock = new SettableClock(AFTERNOON);

    @Test
    void chunksAddUpToTheUploadAndARepeatedChunkChangesNothing() throws Exception {
        byte[] ciphertext = ciphertext(200_000);
        try (UploadStore store = open()) {
            String id = store.create();
            assertEquals(0, store.offset(id));
            assertEquals(70_000, store.append(id, 0, slice(ciphertext, 0, 70_000)));
            assertEquals(70_000, store.append(id, 0, slice(ciphertext, 0, 70_000)), "the same chunk again");
            assertEquals(140_000, store.append(id, 50_000, slice(ciphertext, 50_000, 140_000)), "an overlapping chunk");
            assertEquals(200_000, store.append(id, 140_000, slice(ciphertext, 140_000, 200_000)));
            assertArrayEquals(ciphertext, readClaimed(store, id));
        }
    }

    @Test
    void aChunkAfterAGapIsRefusedWithTheOffsetToResumeFrom() throws Exception {
        byte[] ciphertext = ciphertext(1000);
        try (UploadStore store = open()) {
            String id = store.create();
            store.append(id, 0, slice(ciphertext, 0, 400));
            UploadRefused refused = assertThrows(UploadRefused.class,
                    () -> store.append(id, 600, slice(ciphertext, 600, 1000)));
            assertEquals(Reason.WRONG_OFFSET, refused.reason());
            assertEquals(400, refused.offset());
        }
    }

    @Test
    void aChunkThatBreaksOffKeepsWhatArrivedAndTheUploadResumes() throws Exception {
        byte[] ciphertext = ciphertext(300_000);
        try (UploadStore store = open()) {
            String id = store.create();
            assertThrows(IOException.class, () -> store.append(id, 0, breaksOffAfter(slice(ciphertext, 0, 300_000), 100_000)));
            long acknowledged = store.offset(id);
            assertTrue(acknowledged > 0 && acknowledged <= 100_000, "acknowledged " + acknowledged);
            store.append(id, acknowledged, slice(ciphertext, (int) acknowledged, 300_000));
            assertArrayEquals(ciphertext, readClaimed(store, id));
        }
    }

    @Test
    void onlyCiphertextIsTaken() throws Exception {
        try (UploadStore store = open()) {
            String id = store.create();
            byte[] plaintext = "{\"type\": \"testimony-intake/testimony\"}".getBytes();
            assertEquals(Reason.NOT_CIPHERTEXT,
                    assertThrows(UploadRefused.class, () -> store.append(id, 0, new ByteArrayInputStream(plaintext))).reason());
            assertEquals(0, store.offset(id));
            assertEquals(0, Files.size(temporary.resolve("uploads").resolve(id)), "nothing of it was written");
        }
        assertTrue(UploadStore.opensPkesk((byte) 0xC1));
        assertTrue(UploadStore.opensPkesk((byte) 0x85));
        assertFalse(UploadStore.opensPkesk((byte) 0xD2), "a SEIPD packet without any PKESK");
        assertFalse(UploadStore.opensPkesk((byte) '-'), "ASCII armor");
    }

    @Test
    void limitsHoldPerUploadInAllAndInNumber() throws Exception {
        try (UploadStore store = open()) {
            String big = store.create();
            UploadRefused tooLarge = assertThrows(UploadRefused.class,
                    () -> store.append(big, 0, new ByteArrayInputStream(ciphertext((1 << 20) + 1))));
            assertEquals(Reason.TOO_LARGE, tooLarge.reason());

            for (int i = 0; i < 3; i++) {
                String id = i == 0 ? big : store.create();
                store.append(id, store.offset(id), new ByteArrayInputStream(
                        store.offset(id) == 0 ? ciphertext(1 << 20) : new byte[(int) ((1 << 20) - store.offset(id))]));
            }
            String another = store.create();
            assertEquals(Reason.SERVER_FULL, assertThrows(UploadRefused.class,
                    () -> store.append(another, 0, new ByteArrayInputStream(ciphertext(10)))).reason());
            for (int i = 0; i < 6; i++) {
                store.create();
            }
            assertEquals(Reason.SERVER_FULL, assertThrows(UploadRefused.class, store::create).reason());
        }
    }

    @Test
    void filesAreOwnerOnlyAndCarryADateButNoTime() throws Exception {
        try (UploadStore store = open()) {
            String id = store.create();
            store.append(id, 0, new ByteArrayInputStream(ciphertext(5000)));
            Path file = temporary.resolve("uploads").resolve(id);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
            assertEquals(Instant.parse("2026-11-27T00:00:00Z"), Files.getLastModifiedTime(file).toInstant());
        }
    }

    @Test
    void anUploadIdleForADayIsDeletedAndOneInUseIsNot() throws Exception {
        try (UploadStore store = open()) {
            String idle = store.create();
            String busy = store.create();
            store.append(idle, 0, new ByteArrayInputStream(ciphertext(100)));
            clock.advance(Duration.ofHours(23));
            store.append(busy, 0, new ByteArrayInputStream(ciphertext(100)));
            assertEquals(0, store.deleteAbandoned());
            clock.advance(Duration.ofHours(1));
            assertEquals(1, store.deleteAbandoned());
            assertEquals(Reason.UNKNOWN_UPLOAD, assertThrows(UploadRefused.class, () -> store.offset(idle)).reason());
            assertFalse(Files.exists(temporary.resolve("uploads").resolve(idle)));
            assertEquals(100, store.offset(busy));
            clock.advance(Duration.ofHours(23));
            assertEquals(1, store.deleteAbandoned());
            assertEquals(0, store.deleteAbandoned());
        }
    }

    @Test
    void afterARestartOnlyTheDateDecides() throws Exception {
        String recent;
        String old;
        try (UploadStore store = open()) {
            recent = store.create();
            old = store.create();
            store.append(recent, 0, new ByteArrayInputStream(ciphertext(100)));
        }
        Path uploads = temporary.resolve("uploads");
        Files.setLastModifiedTime(uploads.resolve(old), FileTime.from(Instant.parse("2026-11-26T00:00:00Z")));
        clock.set(Instant.parse("2026-11-28T09:00:00Z")); // old's date is two days back, recent's one
        try (UploadStore store = open()) {
            assertEquals(Reason.UNKNOWN_UPLOAD, assertThrows(UploadRefused.class, () -> store.offset(old)).reason());
            assertFalse(Files.exists(uploads.resolve(old)));
            assertEquals(100, store.offset(recent));
            clock.advance(Duration.ofHours(23));
            assertEquals(0, store.deleteAbandoned(), "a full day from the restart");
            clock.advance(Duration.ofHours(1));
            assertEquals(1, store.deleteAbandoned());
        }
    }

    @Test
    void aClaimedUploadTakesNoMoreChunksAndIsDeletedWhenClosed() throws Exception {
        try (UploadStore store = open()) {
            String id = store.create();
            store.append(id, 0, new ByteArrayInputStream(ciphertext(100)));
            UploadStore.Claimed claimed = store.claim(id);
            assertEquals(Reason.UNKNOWN_UPLOAD, assertThrows(UploadRefused.class,
                    () -> store.append(id, 100, new ByteArrayInputStream(new byte[10]))).reason());
            assertEquals(100, claimed.size());
            claimed.close();
            assertFalse(Files.exists(temporary.resolve("uploads").resolve(id)));
            assertEquals(Reason.UNKNOWN_UPLOAD, assertThrows(UploadRefused.class, () -> store.claim(id)).reason());
            assertEquals(Reason.UNKNOWN_UPLOAD, assertThrows(UploadRefused.class, () -> store.offset("../intake.db")).reason());
        }
    }

    private UploadStore open() throws IOException {
        return FileUploadStore.open(temporary.resolve("uploads"), LIMITS, clock);
    }

    private static byte[] readClaimed(UploadStore store, String id) throws Exception {
        try (UploadStore.Claimed claimed = store.claim(id); InputStream in = claimed.open()) {
            return in.readAllBytes();
        }
    }

    /** Random octets after a PKESK packet header: all that the store itself checks. */
    private static byte[] ciphertext(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        bytes[0] = (byte) 0xC1;
        return bytes;
    }

    private static InputStream slice(byte[] bytes, int from, int to) {
        return new ByteArrayInputStream(Arrays.copyOfRange(bytes, from, to));
    }

    /** A request body whose connection drops after {@code limit} octets. */
    private static InputStream breaksOffAfter(InputStream in, int limit) {
        return new InputStream() {
            private int read;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (read >= limit) {
                    throw new IOException("connection reset");
                }
                int n = in.read(buffer, offset, Math.min(length, limit - read));
                read += Math.max(n, 0);
                return n;
            }
        };
    }

    private static final class SettableClock extends Clock {
        private Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
