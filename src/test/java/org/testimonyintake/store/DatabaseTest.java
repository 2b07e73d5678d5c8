package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @TempDir
    Path data;

    @Test
    void theStoresConnectionHasItsPragmas() throws IOException {
        try (SqliteSubmissionStore store = SqliteSubmissionStore.open(data)) {
            Database database = store.database();
            assertEquals("wal", database.pragma("journal_mode"));
            assertEquals("1", database.pragma("auto_vacuum"), "1 is FULL");
            assertEquals("2", database.pragma("synchronous"), "2 is FULL");
            assertEquals("1", database.pragma("secure_delete"));
            assertEquals("1", database.pragma("foreign_keys"));
            assertEquals("2", database.pragma("temp_store"), "2 is MEMORY");
            assertEquals(String.valueOf(Database.SCHEMA_VERSION), database.pragma("user_version"));
        }
    }

    @Test
    void autoVacuumIsInTheFileAndSurvivesAReopen() throws IOException {
        SubmissionStore.open(data).close();
        try (Handle plain = Jdbi.create("jdbc:sqlite:" + data.resolve("intake.db")).open()) {
            assertEquals(1, plain.createQuery("PRAGMA auto_vacuum").mapTo(int.class).one());
            assertEquals("wal", plain.createQuery("PRAGMA journal_mode").mapTo(String.class).one());
        }
    }

    @Test
    void theSchemaHoldsOnlyTheFieldsOfFormatSection6() throws IOException {
        SubmissionStore.open(data).close();
        try (Handle plain = Jdbi.create("jdbc:sqlite:" + data.resolve("intake.db")).open()) {
            assertEquals(List.of("parts", "submissions"), plain.createQuery(
                    "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").mapTo(String.class).list());
            assertEquals(Set.of(), plain.createQuery(
                    "SELECT name FROM sqlite_schema WHERE type NOT IN ('table')").mapTo(String.class).set(),
                    "no indexes, views or triggers");
            assertEquals(List.of("id", "received", "encrypted_by", "subkey"), columns(plain, "submissions"));
            assertEquals(List.of("submission_id", "name", "size"), columns(plain, "parts"));
        }
    }

    @Test
    void foreignKeysHoldAndDeletingCascades(@TempDir Path export) throws IOException {
        try (SubmissionStore store = SubmissionStore.open(data)) {
            Submissions.commit(store, new byte[] {1}, new byte[] {2});
            store.exportBundle(export.resolve("bundle.zip"), true);
        }
        try (Handle plain = Jdbi.create("jdbc:sqlite:" + data.resolve("intake.db")).open()) {
            plain.execute("PRAGMA foreign_keys = ON");
            assertEquals(0, plain.createQuery("SELECT count(*) FROM parts").mapTo(int.class).one());
            assertThrows(JdbiException.class, () -> plain.execute(
                    "INSERT INTO parts (submission_id, name, size) VALUES (?, 'testimony.json.pgp', 1)",
                    "0".repeat(32)));
        }
    }

    @Test
    void checksRefuseValuesOutsideFormatSection6() throws IOException {
        SubmissionStore.open(data).close();
        try (Handle plain = Jdbi.create("jdbc:sqlite:" + data.resolve("intake.db")).open()) {
            String insert = "INSERT INTO submissions (id, received, encrypted_by, subkey) VALUES (?, ?, ?, ?)";
            String id = "0123456789abcdef0123456789abcdef";
            assertThrows(JdbiException.class, () -> plain.execute(insert, id.toUpperCase(), "2026-11-27", "server",
                    Submissions.SUBKEY));
            assertThrows(JdbiException.class, () -> plain.execute(insert, id, "2026-11-27 13:45", "server",
                    Submissions.SUBKEY), "no time of day");
            assertThrows(JdbiException.class, () -> plain.execute(insert, id, "2026-11-27", "sender",
                    Submissions.SUBKEY));
            assertThrows(JdbiException.class, () -> plain.execute(insert, id, "2026-11-27", "server",
                    "63e2dfacb0c99b43"));
            plain.execute(insert, id, "2026-11-27", "server", Submissions.SUBKEY);
        }
    }

    @Test
    void refusesADatabaseOfAnotherVersionOrApplication(@TempDir Path other) throws IOException {
        SubmissionStore.open(data).close();
        try (Handle plain = Jdbi.create("jdbc:sqlite:" + data.resolve("intake.db")).open()) {
            plain.execute("PRAGMA user_version = 2");
        }
        IOException newer = assertThrows(IOException.class, () -> SubmissionStore.open(data));
        assertTrue(newer.getMessage().contains("schema version 2"), newer.getMessage());

        try (Handle plain = Jdbi.create("jdbc:sqlite:" + other.resolve("intake.db")).open()) {
            plain.execute("CREATE TABLE something (x)");
        }
        assertThrows(IOException.class, () -> SubmissionStore.open(other));
    }

    /**
     * Deleted rows leave no trace in the files even when other rows stay: with 300 rows the tables have interior
     * pages, whose divider keys would keep deleted ids without the VACUUM.
     */
    @Test
    void deletedRowsLeaveNoTraceInTheFiles() throws IOException {
        Path file = data.resolve("intake.db");
        List<StoredSubmission> submissions = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            submissions.add(new StoredSubmission(SubmissionFields.newId(), LocalDate.of(2026, 11, 27), "browser",
                    Submissions.SUBKEY, List.of(new Part("testimony.json.pgp", 1000 + i))));
        }
        List<String> deleted = submissions.stream().map(StoredSubmission::id).filter(id -> id.charAt(0) < 'c')
                .toList();
        try (Database database = Database.open(file)) {
            database.insert(submissions);
            database.delete(deleted);
            assertEquals(300 - deleted.size(), database.submissions().size());
            assertFalse(deleted.isEmpty());
            List<String> traces = new ArrayList<>();
            for (Path databaseFile : Submissions.everything(data)) {
                String bytes = new String(Files.readAllBytes(databaseFile), StandardCharsets.ISO_8859_1);
                deleted.stream().filter(bytes::contains)
                        .forEach(id -> traces.add(databaseFile.getFileName() + ": " + id));
            }
            assertEquals(List.of(), traces);
        }
    }

    private static List<String> columns(Handle handle, String table) {
        return handle.createQuery("SELECT name FROM pragma_table_info(?) ORDER BY cid").bind(0, table)
                .mapTo(String.class).list();
    }
}
