package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exporting while the server runs: the site stays up, and a commit under way is left for the next export. */
class ExportBesideServerTest {
    @TempDir
    Path dir;

    @Test
    void exportRunsBesideTheServerAndDeletesWhatItExported() throws IOException {
        Path data = dir.resolve("data");
        try (SubmissionStore server = SubmissionStore.open(data)) {
            String first = Submissions.commit(server, Submissions.content("first", 8192));
            try (SubmissionStore export = SubmissionStore.openForExport(data)) {
                assertThrows(IOException.class, () -> SubmissionStore.openForExport(data), "one export at a time");
                assertThrows(IllegalStateException.class, export::begin);
                assertEquals(1, export.exportBundle(dir.resolve("bundle.zip"), true));
            }
            assertEquals(List.of(), server.pending());
            assertTrue(Files.notExists(data.resolve("submissions").resolve(first)));
            String second = Submissions.commit(server, Submissions.content("second", 8192));
            assertEquals(List.of(second), server.pending().stream().map(StoredSubmission::id).toList(),
                    "the server keeps taking submissions after the export");
        }
    }

    @Test
    void aSubmissionWhoseFilesAreNotInPlaceYetIsLeftForTheNextExport() throws IOException {
        Path data = dir.resolve("data");
        String id;
        try (SubmissionStore server = SubmissionStore.open(data)) {
            id = Submissions.commit(server, Submissions.content("committing", 8192));
        }
        // The state a running server is in between its commit transaction and the rename into submissions/.
        Files.move(data.resolve("submissions").resolve(id), data.resolve("incoming").resolve(id));
        try (SubmissionStore export = SubmissionStore.openForExport(data)) {
            assertEquals(0, export.exportBundle(dir.resolve("early.zip"), true));
        }
        try (SubmissionStore server = SubmissionStore.open(data)) {
            assertEquals(List.of(id), server.pending().stream().map(StoredSubmission::id).toList(),
                    "the export deleted nothing it did not export, and the server's start finished the move");
        }
        try (SubmissionStore export = SubmissionStore.openForExport(data)) {
            assertEquals(1, export.exportBundle(dir.resolve("later.zip"), true));
        }
    }
}
