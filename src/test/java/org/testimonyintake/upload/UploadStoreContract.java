package org.testimonyintake.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.testimonyintake.SettableClock;
import org.testimonyintake.upload.UploadRefused.Reason;

/**
 * What every engine of {@link UploadStore} promises, run against each: UploadStoreTest (the directory) and
 * PostgresUploadStoreTest (the database) say only how to open it and how much of an upload it keeps.
 */
public abstract class UploadStoreContract {
    /** 14:37:21 UTC: a time of day that must never be stored. */
    protected static final Instant AFTERNOON = Instant.parse("2026-11-27T14:37:21Z");
    protected static final UploadLimits LIMITS = new UploadLimits(1 << 20, 3 << 20, 10);

    protected final SettableClock clock = new SettableClock(AFTERNOON);

    /** The engine with {@link #LIMITS}, dated by {@link #clock}. */
    protected abstract UploadStore open() throws IOException;

    /** How many octets of the upload the engine keeps, -1 for none at all. */
    protected abstract long storedOctets(String id) throws Exception;

    @Test
    public void chunksAddUpToTheUploadAndARepeatedChunkChangesNothing() throws Exception {
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
    public void aChunkAfterAGapIsRefusedWithTheOffsetToResumeFrom() throws Exception {
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
    public void aChunkThatBreaksOffKeepsWhatArrivedAndTheUploadResumes() throws Exception {
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
    public void onlyCiphertextIsTaken() throws Exception {
        try (UploadStore store = open()) {
            String id = store.create();
            byte[] plaintext = "{\"type\": \"testimony-intake/testimony\"}".getBytes();
            assertEquals(Reason.NOT_CIPHERTEXT,
                    assertThrows(UploadRefused.class, () -> store.append(id, 0, new ByteArrayInputStream(plaintext))).reason());
            assertEquals(0, store.offset(id));
            assertEquals(0, storedOctets(id), "nothing of it was written");
        }
        assertTrue(UploadStore.opensPkesk((byte) 0xC1));
        assertTrue(UploadStore.opensPkesk((byte) 0x85));
        assertFalse(UploadStore.opensPkesk((byte) 0xD2), "a SEIPD packet without any PKESK");
        assertFalse(UploadStore.opensPkesk((byte) '-'), "ASCII armor");
    }

    @Test
    public void limitsHoldPerUploadInAllAndInNumber() throws Exception {
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
    public void aClaimedUploadTakesNoMoreChunksAndIsDeletedWhenClosed() throws Exception {
        try (UploadStore store = open()) {
            String id = store.create();
            store.append(id, 0, new ByteArrayInputStream(ciphertext(100)));
            UploadStore.Claimed claimed = store.claim(id);
            assertEquals(Reason.UNKNOWN_UPLOAD, assertThrows(UploadRefused.class,
                    () -> store.append(id, 100, new ByteArrayInputStream(new byte[10]))).reason());
            assertEquals(100, claimed.size());
            claimed.close();
            assertEquals(-1, storedOctets(id), "deleted");
            assertEquals(Reason.UNKNOWN_UPLOAD, assertThrows(UploadRefused.class, () -> store.claim(id)).reason());
            assertEquals(Reason.UNKNOWN_UPLOAD, assertThrows(UploadRefused.class, () -> store.offset("../intake.db")).reason());
        }
    }

    protected static byte[] readClaimed(UploadStore store, String id) throws Exception {
        try (UploadStore.Claimed claimed = store.claim(id); InputStream in = claimed.open()) {
            return in.readAllBytes();
        }
    }

    /** Random octets after a PKESK packet header: all that the store itself checks. */
    protected static byte[] ciphertext(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        bytes[0] = (byte) 0xC1;
        return bytes;
    }

    protected static InputStream slice(byte[] bytes, int from, int to) {
        return new ByteArrayInputStream(Arrays.copyOfRange(bytes, from, to));
    }

    /** A request body whose connection drops after {@code limit} octets. */
    protected static InputStream breaksOffAfter(InputStream in, int limit) {
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
}
