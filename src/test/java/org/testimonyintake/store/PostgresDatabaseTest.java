package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PostgreSQL engine's SQL on a real PostgreSQL 15 with a synchronous standby. */
class PostgresDatabaseTest {
    @RegisterExtension
    static final PostgresFixture POSTGRES = PostgresFixture.withSynchronousStandby();

    private static PostgresDatabase open() throws IOException {
        return PostgresDatabase.open(POSTGRES.primary().jdbcUrl(), PostgresCluster.USER, POSTGRES.password(), 4);
    }

    @Test
    void aCommittedSubmissionIsOnTheStandbyWithItsChunksInOrder() throws Exception {
        byte[] testimony = Submissions.content("testimony ciphertext ", 2_500_000); // more than two chunks
        String id = SubmissionFields.newId();
        try (PostgresDatabase database = open()) {
            try (PostgresDatabase.Receiving receiving = database.begin()) {
                int chunk = PostgresDatabase.CHUNK_SIZE;
                for (int number = 0; number * chunk < testimony.length; number++) {
                    int length = Math.min(chunk, testimony.length - number * chunk);
                    byte[] octets = java.util.Arrays.copyOfRange(testimony, number * chunk, number * chunk + length);
                    receiving.writeChunk(id, new PostgresDatabase.Chunk("testimony.json.pgp", number, octets));
                }
                receiving.commit(new StoredSubmission(id, LocalDate.of(2026, 11, 27), "browser", Submissions.SUBKEY,
                        List.of(new Part("testimony.json.pgp", testimony.length))));
            }
            try (Connection connection = POSTGRES.standby().connect();
                 Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT count(*) FROM submissions")) {
                result.next();
                assertEquals(1, result.getInt(1), "applied on the synchronous standby when the commit returned");
            }
            List<StoredSubmission> stored = database.submissions();
            assertEquals(List.of(new StoredSubmission(id, LocalDate.of(2026, 11, 27), "browser", Submissions.SUBKEY,
                    List.of(new Part("testimony.json.pgp", testimony.length)))), stored);
            try (PostgresDatabase.Exporting export = database.beginExport(true)) {
                assertEquals(stored, export.pending());
                try (var part = export.openPart(id, "testimony.json.pgp")) {
                    assertArrayEquals(testimony, part.readAllBytes());
                }
                assertEquals(1, export.deleteAndCommit(List.of(id)));
            }
            assertEquals(List.of(), database.submissions());
            assertEquals(0, count("part_chunks"), "the chunks go with their submission");
        }
    }

    @Test
    void withoutACommitNothingIsLeft() throws Exception {
        try (PostgresDatabase database = open()) {
            try (PostgresDatabase.Receiving receiving = database.begin()) {
                receiving.writeChunk(SubmissionFields.newId(),
                        new PostgresDatabase.Chunk("testimony.json.pgp", 0, new byte[1000]));
            }
            assertEquals(0, count("part_chunks"));
            try (PostgresDatabase.Receiving receiving = database.begin()) {
                assertThrows(JdbiException.class, () -> receiving.commit(new StoredSubmission("not an id",
                        LocalDate.of(2026, 11, 27), "browser", Submissions.SUBKEY, List.of())));
            }
            assertEquals(List.of(), database.submissions());
        }
    }

    @Test
    void theSchemaHoldsNoTime() throws Exception {
        try (PostgresDatabase database = open()) {
            try (Connection connection = POSTGRES.primary().connect();
                 Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT table_name, column_name, data_type "
                         + "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2")) {
                StringBuilder columns = new StringBuilder();
                while (result.next()) {
                    columns.append(result.getString(1)).append('.').append(result.getString(2)).append(' ')
                            .append(result.getString(3)).append('\n');
                }
                assertEquals("""
                        case_submissions.case_id text
                        case_submissions.submission_id text
                        cases.claimed boolean
                        cases.id text
                        cases.last_activity date
                        cases.lookup_id text
                        cases.reply_key bytea
                        forgotten_cases.forgotten date
                        forgotten_cases.id text
                        part_chunks.name text
                        part_chunks.number integer
                        part_chunks.octets bytea
                        part_chunks.submission_id text
                        parts.name text
                        parts.size bigint
                        parts.submission_id text
                        replies.case_id text
                        replies.first_read date
                        replies.id text
                        replies.imported date
                        reply_parts.content bytea
                        reply_parts.name text
                        reply_parts.reply_id text
                        schema_version.version integer
                        submissions.encrypted_by text
                        submissions.id text
                        submissions.received date
                        submissions.subkey text
                        upload_chunks.number integer
                        upload_chunks.octets bytea
                        upload_chunks.upload_id text
                        uploads.claimed boolean
                        uploads.id text
                        uploads.last_chunk date
                        uploads.size bigint
                        """, columns.toString());
            }
        }
    }

    @Test
    void aDatabaseOfSchemaVersion1GetsTheCaseTables() throws Exception {
        try (Connection connection = POSTGRES.primary().connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE version1");
        }
        String url = POSTGRES.primary().jdbcUrl("version1");
        PostgresDatabase.open(url, PostgresCluster.USER, POSTGRES.password(), 2).close();
        try (Connection connection = POSTGRES.primary().connect("version1");
             Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE forgotten_cases, reply_parts, replies, case_submissions, cases");
            statement.execute("UPDATE schema_version SET version = 1");
        }
        PostgresDatabase.open(url, PostgresCluster.USER, POSTGRES.password(), 2).close();
        try (Connection connection = POSTGRES.primary().connect("version1");
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT version, to_regclass('cases') IS NOT NULL, "
                     + "to_regclass('forgotten_cases') IS NOT NULL FROM schema_version")) {
            result.next();
            assertEquals(List.of(PostgresDatabase.SCHEMA_VERSION, true, true),
                    List.of(result.getInt(1), result.getBoolean(2), result.getBoolean(3)));
        }
    }

    @Test
    void aServerThatLogsStatementsIsRefused() throws Exception {
        try (Connection connection = POSTGRES.primary().connect(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER SYSTEM SET log_statement = 'all'");
            statement.execute("SELECT pg_reload_conf()");
            try {
                IOException refused = assertThrows(IOException.class, PostgresDatabaseTest::open);
                assertTrue(refused.getMessage().contains("log_statement"), refused.getMessage());
            } finally {
                statement.execute("ALTER SYSTEM RESET log_statement");
                statement.execute("SELECT pg_reload_conf()");
            }
        }
    }

    private static int count(String table) throws Exception {
        try (Connection connection = POSTGRES.primary().connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT count(*) FROM " + table)) {
            result.next();
            return result.getInt(1);
        }
    }
}
