package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each test leaves the data directory by hand in a state that a crash can leave, then reopens: afterwards every row
 * has its files and no files are without a row. {@link KillDuringCommitsTest} crashes a real process.
 */
class CrashRecoveryTest {
    private static final byte[] TESTIMONY = Submissions.content("testimony ", 10_000);

    @TempDir
    Path data;

    @Test
    void crashWhileAPartIsWrittenDeletesTheSubmission() throws IOException {
        String id;
        SubmissionStore crashed = SubmissionStore.open(data);
        NewSubmission receiving = crashed.begin();
        id = receiving.id();
        Submissions.writePart(receiving, "testimony.json.pgp", TESTIMONY);
        OutputStream half = receiving.createPart("attachment-1.pgp");
        half.write(TESTIMONY);
        half.flush();
        assertTrue(Files.exists(data.resolve("incoming").resolve(id).resolve("attachment-1.pgp.partial")));
        crashed.close(); // the process dies: the submission is never closed

        assertReopensTo(List.of());
    }

    @Test
    void crashBeforeTheRowDeletesTheCompleteFiles() throws IOException {
        SubmissionStore crashed = SubmissionStore.open(data);
        NewSubmission receiving = crashed.begin();
        Submissions.writePart(receiving, "testimony.json.pgp", TESTIMONY);
        Submissions.writePart(receiving, "attachment-1.pgp", TESTIMONY);
        crashed.close(); // files complete and synced, never acknowledged

        assertReopensTo(List.of());
    }

    @Test
    void crashBetweenTheRowAndTheRenameCompletesTheCommit() throws IOException {
        String id = committedThenClosed();
        Files.move(data.resolve("submissions").resolve(id), data.resolve("incoming").resolve(id));

        assertReopensTo(List.of(id));
        assertArrayEquals(TESTIMONY, Files.readAllBytes(data.resolve("submissions").resolve(id)
                .resolve("testimony.json.pgp")));
    }

    @Test
    void crashAfterTheRenameChangesNothing() throws IOException {
        String id = committedThenClosed();

        assertReopensTo(List.of(id));
    }

    @Test
    void crashWhileExportDeletesRemovesTheRestOfTheFiles() throws IOException {
        String deleted = committedThenClosed();
        String kept = committedThenClosed();
        deleteRow(deleted); // the rows went first, then the crash
        Files.delete(data.resolve("submissions").resolve(deleted).resolve("attachment-1.pgp"));

        assertReopensTo(List.of(kept));
    }

    @Test
    void aRowWithoutFilesIsKeptAndReportedByIdOnly() throws IOException {
        String lost = committedThenClosed();
        DataDirectory.deleteTree(data.resolve("submissions").resolve(lost));

        String log = standardErrorDuring(() -> SubmissionStore.open(data).close());

        try (SubmissionStore store = SubmissionStore.open(data)) {
            assertEquals(lost, store.pending().get(0).id(), "the row is never dropped silently");
        }
        String warning = log.lines().filter(line -> line.contains(lost)).findFirst().orElseThrow();
        assertTrue(warning.contains("WARN"), warning);
        assertTrue(warning.endsWith("submission " + lost + " is missing ciphertext files; its row is kept"),
                warning);
    }

    @Test
    void aPartCutShortIsReportedToo() throws IOException {
        String damaged = committedThenClosed();
        Files.write(data.resolve("submissions").resolve(damaged).resolve("attachment-1.pgp"), new byte[] {1});

        String log = standardErrorDuring(() -> SubmissionStore.open(data).close());

        assertTrue(log.contains("submission " + damaged + " is missing ciphertext files"), log);
    }

    /** A commit that fails inside the transaction may still have reached the disk: only the rows can tell. */
    @Test
    void aFailedCommitLeavesItsFilesForTheNextOpenToDecide() throws IOException {
        String id;
        try (SubmissionStore store = SubmissionStore.open(data)) {
            try (NewSubmission submission = store.begin()) {
                id = submission.id();
                Submissions.writePart(submission, "testimony.json.pgp", TESTIMONY);
                // Someone else's row under the same id makes the store's insert fail.
                try (Handle other = Jdbi.create("jdbc:sqlite:" + data.resolve("intake.db")).open()) {
                    other.execute("INSERT INTO submissions (id, received, encrypted_by, subkey) VALUES (?, ?, ?, ?)",
                            id, "2026-11-27", "server", Submissions.SUBKEY);
                    other.execute("INSERT INTO parts (submission_id, name, size) VALUES (?, ?, ?)",
                            id, "testimony.json.pgp", TESTIMONY.length);
                }
                IOException failed = assertThrows(IOException.class,
                        () -> submission.commit("browser", Submissions.SUBKEY));
                assertTrue(failed.getCause().getMessage().contains("database"), failed.getCause().getMessage());
            }
            assertTrue(Files.exists(data.resolve("incoming").resolve(id).resolve("testimony.json.pgp")),
                    "close() after a failed commit keeps the files");
        }

        assertReopensTo(List.of(id)); // the row is there, so the files are completed, not deleted
    }

    @Test
    void namesThatAreNotIdsAreLeftAlone() throws IOException {
        SubmissionStore.open(data).close();
        Path foreign = Files.createDirectory(data.resolve("incoming").resolve("lost+found"));

        assertReopensTo(List.of());
        assertTrue(Files.isDirectory(foreign));
    }

    private String committedThenClosed() throws IOException {
        try (SubmissionStore store = SubmissionStore.open(data)) {
            return Submissions.commit(store, TESTIMONY, TESTIMONY);
        }
    }

    private void deleteRow(String id) {
        try (Handle handle = Jdbi.create("jdbc:sqlite:" + data.resolve("intake.db")).open()) {
            handle.execute("PRAGMA foreign_keys = ON");
            handle.execute("DELETE FROM submissions WHERE id = ?", id);
        }
    }

    /** Reopens and checks: the rows are exactly these ids, each with all its files, and nothing else is stored. */
    private void assertReopensTo(List<String> ids) throws IOException {
        try (SubmissionStore store = SubmissionStore.open(data)) {
            List<StoredSubmission> pending = store.pending();
            assertEquals(ids.stream().sorted().toList(), pending.stream().map(StoredSubmission::id).toList());
            for (StoredSubmission submission : pending) {
                for (Part part : submission.parts()) {
                    Path file = data.resolve("submissions").resolve(submission.id()).resolve(part.name());
                    assertEquals(part.size(), Files.size(file), file.toString());
                }
            }
            assertEquals(ids.stream().sorted().toList(), Submissions.names(data.resolve("submissions")));
            assertFalse(Submissions.names(data.resolve("incoming")).stream().anyMatch(SubmissionFields::isId),
                    "incoming/ holds nothing of the store's after open");
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    /** SLF4J's simple logger writes to whatever System.err is at the time. */
    private static String standardErrorDuring(IoAction action) throws IOException {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
