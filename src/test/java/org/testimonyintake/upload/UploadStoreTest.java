package org.testimonyintake.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.upload.UploadRefused.Reason;

/** The directory engine: the store contract, and what only files have (modes, dates, a restart). */
class UploadStoreTest extends UploadStoreContract {
    @TempDir
    Path temporary;

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

    @Override
    protected UploadStore open() throws IOException {
        return FileUploadStore.open(temporary.resolve("uploads"), LIMITS, clock);
    }

    @Override
    protected long storedOctets(String id) throws IOException {
        Path file = temporary.resolve("uploads").resolve(id);
        return Files.exists(file) ? Files.size(file) : -1;
    }

}
