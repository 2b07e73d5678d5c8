package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the SQLite engine has: a data directory of files. What every engine promises is in StoreContract. */
class SubmissionStoreTest {
    @TempDir
    Path temp;

    @Test
    void partsLieInTheirSubmissionsDirectory() throws IOException {
        Path data = temp.resolve("data");
        byte[] testimony = Submissions.content("testimony ciphertext ", 20_000);
        byte[] photo = Submissions.content("photo ciphertext ", 3);
        String id;
        try (SubmissionStore store = SubmissionStore.open(data)) {
            id = Submissions.commit(store, testimony, photo);
        }
        Path directory = data.resolve("submissions").resolve(id);
        assertArrayEquals(testimony, Files.readAllBytes(directory.resolve("testimony.json.pgp")));
        assertArrayEquals(photo, Files.readAllBytes(directory.resolve("attachment-1.pgp")));
        assertEquals(List.of("attachment-1.pgp", "testimony.json.pgp"), Submissions.names(directory));
        assertEquals(List.of(), Submissions.names(data.resolve("incoming")));
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
    void startsWithOwnerOnlyDirectoriesAndTightensLooseOnes() throws IOException {
        Path data = temp.resolve("nested/data");
        SubmissionStore.open(data).close();
        assertEquals("rwx------", Modes.of(data));
        Files.setPosixFilePermissions(data.resolve("submissions"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        SubmissionStore.open(data).close();
        assertEquals("rwx------", Modes.of(data.resolve("submissions")));
    }

    @Test
    void refusesToExportAFileWhoseSizeChanged() throws IOException {
        Path data = temp.resolve("data");
        Path bundle = temp.resolve("bundle.zip");
        try (SubmissionStore store = SubmissionStore.open(data)) {
            String id = Submissions.commit(store, Submissions.content("testimony ", 5000));
            Files.write(data.resolve("submissions").resolve(id).resolve("testimony.json.pgp"), new byte[] {1},
                    StandardOpenOption.APPEND);
            assertThrows(IOException.class, () -> store.exportBundle(bundle, true));
            assertEquals(1, store.pending().size());
        }
        assertFalse(Files.exists(bundle));
    }
}
