package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmissionStoreTest {
    @TempDir
    Path temp;

    @Test
    void partsComeBackAsTheyWereWritten() throws IOException {
        Path data = temp.resolve("data");
        byte[] testimony = Submissions.content("testimony ciphertext ", 20_000);
        byte[] photo = Submissions.content("photo ciphertext ", 3);
        byte[] empty = new byte[0];
        String id;
        try (SubmissionStore store = SqliteSubmissionStore.open(data, Submissions.AFTERNOON)) {
            try (NewSubmission submission = store.begin()) {
                id = submission.id();
                // Written out of order: the store lists parts in bundle order, attachment 2 before 10.
                Submissions.writePart(submission, "attachment-10.pgp", empty);
                Submissions.writePart(submission, "attachment-2.pgp", photo);
                try (OutputStream out = submission.createPart("testimony.json.pgp")) {
                    for (byte b : testimony) {
                        out.write(b); // byte by byte, as a careless caller might
                    }
                }
                submission.commit("server", Submissions.SUBKEY);
            }
            StoredSubmission expected = new StoredSubmission(id, LocalDate.of(2026, 11, 27), "server",
                    Submissions.SUBKEY, List.of(new Part("testimony.json.pgp", 20_000),
                            new Part("attachment-2.pgp", 3), new Part("attachment-10.pgp", 0)));
            assertEquals(List.of(expected), store.pending());
        }
        assertTrue(id.matches("[0-9a-f]{32}"), id);
        Path directory = data.resolve("submissions").resolve(id);
        assertArrayEquals(testimony, Files.readAllBytes(directory.resolve("testimony.json.pgp")));
        assertArrayEquals(photo, Files.readAllBytes(directory.resolve("attachment-2.pgp")));
        assertEquals(List.of("attachment-10.pgp", "attachment-2.pgp", "testimony.json.pgp"),
                Submissions.names(directory));
        assertEquals(List.of(), Submissions.names(data.resolve("incoming")));
        try (SubmissionStore reopened = SubmissionStore.open(data)) {
            assertEquals(1, reopened.pending().size(), "committed means durable across a reopen");
        }
    }

    @Test
    void closingWithoutCommitLeavesNothing() throws IOException {
        Path data = temp.resolve("data");
        try (SubmissionStore store = SubmissionStore.open(data)) {
            try (NewSubmission submission = store.begin()) {
                Submissions.writePart(submission, "testimony.json.pgp", Submissions.content("abandoned ", 5000));
                OutputStream stillOpen = submission.createPart("attachment-1.pgp");
                stillOpen.write(Submissions.content("half an upload ", 70_000));
            }
            assertEquals(List.of(), store.pending());
            assertEquals(List.of(), Submissions.names(data.resolve("incoming")));
            assertEquals(List.of(), Submissions.names(data.resolve("submissions")));
        }
    }

    @Test
    void commitRefusesBadFieldsAndIncompleteParts() throws IOException {
        try (SubmissionStore store = SubmissionStore.open(temp.resolve("data"))) {
            NewSubmission submission = store.begin();
            assertThrows(IllegalStateException.class, () -> submission.commit("browser", Submissions.SUBKEY),
                    "no testimony part");
            OutputStream testimony = submission.createPart("testimony.json.pgp");
            testimony.write(1);
            assertThrows(IllegalStateException.class, () -> submission.commit("browser", Submissions.SUBKEY),
                    "a part still open");
            testimony.close();
            assertThrows(IllegalStateException.class, () -> submission.createPart("testimony.json.pgp"),
                    "a part twice");
            for (String encryptedBy : new String[] {"Browser", "office", "", null}) {
                assertThrows(IllegalArgumentException.class, () -> submission.commit(encryptedBy, Submissions.SUBKEY));
            }
            for (String subkey : new String[] {"63e2dfacb0c99b43", "63E2DFACB0C99B4", "63E2DFACB0C99B43A",
                    "63E2DFACB0C99B4G", "0x63E2DFACB0C99B", null}) {
                assertThrows(IllegalArgumentException.class, () -> submission.commit("server", subkey));
            }
            submission.commit("browser", Submissions.SUBKEY);
            assertThrows(IllegalStateException.class, () -> submission.commit("browser", Submissions.SUBKEY));
            assertThrows(IllegalStateException.class, () -> submission.createPart("attachment-1.pgp"));
            submission.close();
            assertEquals(1, store.pending().size(), "closing after the commit keeps it");
        }
    }

    @Test
    void idsAreRandomAndDistinct() throws IOException {
        Set<String> ids = new HashSet<>();
        try (SubmissionStore store = SubmissionStore.open(temp.resolve("data"))) {
            for (int i = 0; i < 200; i++) {
                try (NewSubmission submission = store.begin()) {
                    assertTrue(submission.id().matches("[0-9a-f]{32}"), submission.id());
                    ids.add(submission.id());
                }
            }
        }
        assertEquals(200, ids.size());
    }

    @Test
    void concurrentCommitsAllArrive() throws Exception {
        Path data = temp.resolve("data");
        int clients = 50;
        int perClient = 10;
        List<Future<List<String>>> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try (SubmissionStore store = SubmissionStore.open(data)) {
            for (int c = 0; c < clients; c++) {
                results.add(pool.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < perClient; i++) {
                        ids.add(Submissions.commit(store, Submissions.content("parallel ", 8192)));
                    }
                    return ids;
                }));
            }
            Set<String> committed = new HashSet<>();
            for (Future<List<String>> result : results) {
                committed.addAll(result.get());
            }
            Set<String> pending = new HashSet<>();
            store.pending().forEach(submission -> pending.add(submission.id()));
            assertEquals(clients * perClient, committed.size());
            assertEquals(committed, pending);
            assertEquals(pending, new HashSet<>(Submissions.names(data.resolve("submissions"))));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneProcessAtATime() throws IOException {
        Path data = temp.resolve("data");
        SubmissionStore store = SubmissionStore.open(data);
        try {
            IOException refused = assertThrows(IOException.class, () -> SubmissionStore.open(data));
            assertTrue(refused.getMessage().contains("open"), refused.getMessage());
        } finally {
            store.close();
        }
        SubmissionStore.open(data).close(); // free again once closed
    }

    @Test
    void aClosedStoreRefusesWork() throws IOException {
        SubmissionStore store = SubmissionStore.open(temp.resolve("data"));
        NewSubmission late = store.begin();
        Submissions.writePart(late, "testimony.json.pgp", new byte[] {1, 2, 3});
        store.close();
        assertThrows(IllegalStateException.class, store::begin);
        assertThrows(IllegalStateException.class, store::pending);
        assertThrows(IllegalStateException.class, () -> late.commit("browser", Submissions.SUBKEY));
        late.close(); // still deletable after the refused commit
        assertFalse(Files.exists(temp.resolve("data/incoming").resolve(late.id())));
    }

    @Test
    void startsWithOwnerOnlyDirectoriesAndTightensLooseOnes() throws IOException {
        Path data = temp.resolve("nested/data");
        SubmissionStore.open(data).close();
        assertEquals("rwx------", Modes.of(data));
        Files.setPosixFilePermissions(data.resolve("submissions"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        SubmissionStore.open(data).close();
        assertEquals("rwx------", Modes.of(data.resolve("submissions")));
    }
}
