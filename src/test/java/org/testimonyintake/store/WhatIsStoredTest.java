package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What lands on disk: content only in blob files, owner-only modes, and no time finer than a date. */
class WhatIsStoredTest {
    private static final FileTime RECEIVED_MIDNIGHT = FileTime.from(Instant.parse("2026-11-27T00:00:00Z"));

    @TempDir
    Path data;

    @Test
    void contentLandsOnlyInBlobFiles() throws IOException {
        byte[] marker = ("MARKER-" + SubmissionFields.newId()).getBytes(StandardCharsets.US_ASCII);
        byte[] content = new byte[20_000];
        System.arraycopy(marker, 0, content, 100, marker.length);
        System.arraycopy(marker, 0, content, 15_000, marker.length);
        List<String> ids = new ArrayList<>();
        try (SubmissionStore store = SubmissionStore.open(data)) {
            for (int i = 0; i < 5; i++) {
                ids.add(Submissions.commit(store, content, content));
            }
            try (NewSubmission inProgress = store.begin()) {
                Submissions.writePart(inProgress, "testimony.json.pgp", content);
                OutputStream unfinished = inProgress.createPart("attachment-1.pgp");
                unfinished.write(content);
                unfinished.flush();
                // while open, with the write-ahead log and an upload in progress
                assertMarkerOnlyIn(marker, ids, inProgress.id());
            }
        }
        assertMarkerOnlyIn(marker, ids, null);
    }

    @Test
    void everythingIsOwnerOnly() throws IOException {
        try (SubmissionStore store = SubmissionStore.open(data)) {
            Submissions.commit(store, new byte[] {1, 2, 3}, new byte[] {4});
            try (NewSubmission inProgress = store.begin()) {
                Submissions.writePart(inProgress, "testimony.json.pgp", new byte[] {5});
                OutputStream unfinished = inProgress.createPart("attachment-1.pgp");
                unfinished.write(6);
                unfinished.flush();
                assertTrue(Files.exists(data.resolve("intake.db-wal")));
                assertOwnerOnly();
            }
        }
        assertOwnerOnly();
    }

    @Test
    void modificationTimesAreTheReceivedDate() throws IOException {
        String id;
        try (SubmissionStore store = SqliteSubmissionStore.open(data, Submissions.AFTERNOON)) {
            id = Submissions.commit(store, new byte[] {1, 2, 3}, new byte[] {4});
            Path directory = data.resolve("submissions").resolve(id);
            for (Path path : List.of(directory, directory.resolve("testimony.json.pgp"),
                    directory.resolve("attachment-1.pgp"), data.resolve("submissions"), data.resolve("incoming"))) {
                assertEquals(RECEIVED_MIDNIGHT, Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS),
                        path.toString());
            }
        }
        // Once closed, only the change times (ctime) still tell the time: see DataDirectory.
        for (Path path : Submissions.everything(data)) {
            assertEquals(RECEIVED_MIDNIGHT, Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS),
                    path.toString());
        }
        assertEquals(RECEIVED_MIDNIGHT, Files.getLastModifiedTime(data));
    }

    private void assertMarkerOnlyIn(byte[] marker, List<String> committed, String inProgress) throws IOException {
        List<Path> holders = new ArrayList<>();
        for (Path path : Submissions.everything(data)) {
            if (Files.isRegularFile(path) && Submissions.contains(Files.readAllBytes(path), marker)) {
                holders.add(data.relativize(path));
            }
        }
        List<Path> expected = new ArrayList<>();
        for (String id : committed) {
            expected.add(Path.of("submissions", id, "attachment-1.pgp"));
            expected.add(Path.of("submissions", id, "testimony.json.pgp"));
        }
        if (inProgress != null) {
            expected.add(Path.of("incoming", inProgress, "attachment-1.pgp.partial"));
            expected.add(Path.of("incoming", inProgress, "testimony.json.pgp"));
        }
        assertEquals(expected.stream().sorted().toList(), holders.stream().sorted().toList());
    }

    private void assertOwnerOnly() {
        assertEquals("rwx------", Modes.of(data));
        for (Path path : Submissions.everything(data)) {
            assertEquals(Files.isDirectory(path) ? "rwx------" : "rw-------", Modes.of(path), path.toString());
        }
    }
}
