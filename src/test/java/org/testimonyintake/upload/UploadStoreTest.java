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

    @Test
    void aChunkCutByACrashLeavesNoTimeOfDayAfterTheRestart() throws Exception {
        String id;
        try (UploadStore store = open()) {
            id = store.create();
            store.append(id, 0, new ByteArrayInputStream(ciphertext(100)));
        }
        // A process killed while it wrote a chunk never stamped the file: the write left its own time, and the
        // file's creation left the directory's.
        Path uploads = temporary.resolve("uploads");
        FileTime ofTheWrite = FileTime.from(Instant.parse("2026-11-27T14:31:07.123456Z"));
        Files.setLastModifiedTime(uploads.resolve(id), ofTheWrite);
        Files.setLastModifiedTime(uploads, ofTheWrite);
        clock.set(Instant.parse("2026-11-28T09:00:00Z"));
        try (UploadStore store = open()) {
            assertEquals(100, store.offset(id), "kept: its date is yesterday's");
            assertEquals(Instant.parse("2026-11-27T00:00:00Z"), Files.getLastModifiedTime(uploads.resolve(id)).toInstant(),
                    "the date of the write that was cut, not the restart's: the upload gets no more than its rule");
            assertEquals(Instant.parse("2026-11-28T00:00:00Z"), Files.getLastModifiedTime(uploads).toInstant());
        }
    }

    @Test
    void theDirectoryCarriesTheDateOfItsLastChangeOnly() throws Exception {
        Path uploads = temporary.resolve("uploads");
        try (UploadStore store = open()) {
            clock.set(Instant.parse("2026-11-28T10:15:30Z"));
            String claimed = store.create();
            assertEquals(Instant.parse("2026-11-28T00:00:00Z"), Files.getLastModifiedTime(uploads).toInstant(),
                    "after an upload is made");
            String idle = store.create();
            store.append(claimed, 0, new ByteArrayInputStream(ciphertext(100)));
            clock.set(Instant.parse("2026-11-29T11:00:00Z"));
            store.claim(claimed).close();
            assertEquals(Instant.parse("2026-11-29T00:00:00Z"), Files.getLastModifiedTime(uploads).toInstant(),
                    "after a claimed upload is deleted");
            clock.set(Instant.parse("2026-11-30T12:00:00Z"));
            assertEquals(1, store.deleteAbandoned());
            assertFalse(Files.exists(uploads.resolve(idle)));
            assertEquals(Instant.parse("2026-11-30T00:00:00Z"), Files.getLastModifiedTime(uploads).toInstant(),
                    "after an abandoned upload is deleted");
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
