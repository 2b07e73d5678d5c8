package org.testimonyintake.store;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.testimonyintake.format.BundleManifest;

/**
 * The SQL of {@link SqliteCaseStore} (FORMAT.md section 10.6), on a connection of its own to the same
 * SQLite file as {@link Database}. No times, only dates; no row ids (WITHOUT ROWID), so not even an order of arrival.
 */
final class CaseDatabase implements AutoCloseable {
    private static final String HEX32 = "length(%1$s) = 32 AND %1$s NOT GLOB '*[^0-9a-f]*'";
    private static final String DATE = "%1$s GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'";

    private static final List<String> SCHEMA = List.of("""
            CREATE TABLE IF NOT EXISTS cases (
                id            TEXT    NOT NULL PRIMARY KEY CHECK (%s),
                lookup_id     TEXT    NOT NULL UNIQUE CHECK (length(lookup_id) = 64 AND lookup_id NOT GLOB '*[^0-9a-f]*'),
                reply_key     BLOB    NOT NULL,
                claimed       INTEGER NOT NULL CHECK (claimed IN (0, 1)),
                last_activity TEXT    NOT NULL CHECK (%s)
            ) STRICT, WITHOUT ROWID""".formatted(HEX32.formatted("id"), DATE.formatted("last_activity")), """
            CREATE TABLE IF NOT EXISTS case_submissions (
                submission_id TEXT NOT NULL PRIMARY KEY CHECK (%s),
                case_id       TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE
            ) STRICT, WITHOUT ROWID""".formatted(HEX32.formatted("submission_id")), """
            CREATE TABLE IF NOT EXISTS replies (
                id         TEXT NOT NULL PRIMARY KEY CHECK (%s),
                case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
                imported   TEXT NOT NULL CHECK (%s),
                first_read TEXT CHECK (first_read IS NULL OR %s)
            ) STRICT, WITHOUT ROWID""".formatted(HEX32.formatted("id"), DATE.formatted("imported"), DATE.formatted("first_read")), """
            CREATE TABLE IF NOT EXISTS reply_parts (
                reply_id TEXT NOT NULL REFERENCES replies (id) ON DELETE CASCADE,
                name     TEXT NOT NULL,
                content  BLOB NOT NULL,
                PRIMARY KEY (reply_id, name)
            ) STRICT, WITHOUT ROWID""", """
            CREATE TABLE IF NOT EXISTS forgotten_cases (
                id        TEXT NOT NULL PRIMARY KEY CHECK (%s),
                forgotten TEXT NOT NULL CHECK (%s)
            ) STRICT, WITHOUT ROWID""".formatted(HEX32.formatted("id"), DATE.formatted("forgotten")));

    private final Handle handle;

    private CaseDatabase(Handle handle) {
        this.handle = handle;
    }

    static CaseDatabase open(Path file) {
        Handle handle = Jdbi.create("jdbc:sqlite:" + file).open();
        try {
            handle.execute("PRAGMA secure_delete = ON");
            handle.execute("PRAGMA foreign_keys = ON");
            handle.execute("PRAGMA temp_store = MEMORY");
            handle.execute("PRAGMA busy_timeout = 30000");
            handle.execute("PRAGMA synchronous = FULL");
            handle.useTransaction(transaction -> SCHEMA.forEach(transaction::execute));
            return new CaseDatabase(handle);
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    void insertCase(CaseStore.NewCase newCase, LocalDate today) {
        handle.createUpdate("""
                INSERT INTO cases (id, lookup_id, reply_key, claimed, last_activity)
                VALUES (:id, :lookupId, :replyKey, 0, :today)""")
                .bind("id", newCase.id()).bind("lookupId", newCase.lookupId()).bind("replyKey", newCase.replyKey())
                .bind("today", today.toString()).execute();
    }

    /** Links a stored submission to its case, claims a new case, and counts as activity. */
    void link(String submissionId, String caseId, LocalDate today) {
        handle.useTransaction(transaction -> {
            transaction.createUpdate("INSERT INTO case_submissions (submission_id, case_id) VALUES (:submission, :case)")
                    .bind("submission", submissionId).bind("case", caseId).execute();
            transaction.createUpdate("UPDATE cases SET claimed = 1, last_activity = :today WHERE id = :case")
                    .bind("today", today.toString()).bind("case", caseId).execute();
        });
    }

    Optional<CaseStore.StoredCase> caseByLookupId(String lookupId) {
        return handle.createQuery("SELECT id, reply_key FROM cases WHERE lookup_id = :lookupId AND claimed = 1")
                .bind("lookupId", lookupId)
                .map((row, context) -> new CaseStore.StoredCase(row.getString("id"), row.getBytes("reply_key")))
                .findOne();
    }

    Optional<String> unclaimedLookupId(String caseId) {
        return handle.createQuery("SELECT lookup_id FROM cases WHERE id = :id AND claimed = 0").bind("id", caseId)
                .mapTo(String.class).findOne();
    }

    Optional<byte[]> replyKeyOf(String caseId) {
        return handle.createQuery("SELECT reply_key FROM cases WHERE id = :id AND claimed = 1").bind("id", caseId)
                .mapTo(byte[].class).findOne();
    }

    Optional<String> caseOfSubmission(String submissionId) {
        return handle.createQuery("SELECT case_id FROM case_submissions WHERE submission_id = :id")
                .bind("id", submissionId).mapTo(String.class).findOne();
    }

    boolean replyExists(String replyId) {
        return handle.createQuery("SELECT count(*) FROM replies WHERE id = :id").bind("id", replyId).mapTo(int.class).one() > 0;
    }

    void insertReply(String replyId, String caseId, Map<String, byte[]> parts, LocalDate today) {
        handle.useTransaction(transaction -> {
            transaction.createUpdate("INSERT INTO replies (id, case_id, imported) VALUES (:id, :case, :today)")
                    .bind("id", replyId).bind("case", caseId).bind("today", today.toString()).execute();
            for (Map.Entry<String, byte[]> part : parts.entrySet()) {
                transaction.createUpdate("INSERT INTO reply_parts (reply_id, name, content) VALUES (:reply, :name, :content)")
                        .bind("reply", replyId).bind("name", part.getKey()).bind("content", part.getValue()).execute();
            }
            transaction.createUpdate("UPDATE cases SET last_activity = :today WHERE id = :case")
                    .bind("today", today.toString()).bind("case", caseId).execute();
        });
    }

    /** A case's replies, oldest import first (by id within a date), each with its parts in name order. */
    List<CaseStore.StoredReply> replies(String caseId) {
        Map<String, Map<String, byte[]>> partsByReply = new LinkedHashMap<>();
        handle.createQuery("""
                SELECT reply_id, name, content FROM reply_parts
                WHERE reply_id IN (SELECT id FROM replies WHERE case_id = :case) ORDER BY reply_id, name DESC""")
                .bind("case", caseId)
                .map((row, context) -> new Object[] {row.getString("reply_id"), row.getString("name"), row.getBytes("content")})
                .forEach(row -> partsByReply.computeIfAbsent((String) row[0], id -> new LinkedHashMap<>())
                        .put((String) row[1], (byte[]) row[2]));
        return handle.createQuery("SELECT id, imported, first_read FROM replies WHERE case_id = :case ORDER BY imported, id")
                .bind("case", caseId)
                .map((row, context) -> new CaseStore.StoredReply(row.getString("id"), LocalDate.parse(row.getString("imported")),
                        Optional.ofNullable(row.getString("first_read")).map(LocalDate::parse),
                        partsByReply.getOrDefault(row.getString("id"), Map.of())))
                .list();
    }

    void markRead(String caseId, LocalDate today) {
        handle.useTransaction(transaction -> {
            transaction.createUpdate("UPDATE replies SET first_read = :today WHERE case_id = :case AND first_read IS NULL")
                    .bind("today", today.toString()).bind("case", caseId).execute();
            transaction.createUpdate("UPDATE cases SET last_activity = :today WHERE id = :case")
                    .bind("today", today.toString()).bind("case", caseId).execute();
        });
    }

    /**
     * Deletes what FORMAT.md section 10.7 says has expired, then VACUUMs and truncates the write-ahead log so that the
     * deleted rows leave no trace in the files.
     */
    CaseStore.Forgotten deleteExpired(LocalDate today, CaseStore.Retention retention) {
        CaseStore.Forgotten forgotten = handle.inTransaction(transaction -> {
            int readReplies = transaction.createUpdate("DELETE FROM replies WHERE first_read <= :cutoff")
                    .bind("cutoff", today.minusDays(retention.keepReadReplyDays()).toString()).execute();
            int unreadReplies = transaction.createUpdate("DELETE FROM replies WHERE first_read IS NULL AND imported <= :cutoff")
                    .bind("cutoff", today.minusDays(retention.keepUnreadReplyDays()).toString()).execute();
            String idleCutoff = today.minusDays(retention.forgetIdleCaseDays()).toString();
            String unclaimedCutoff = today.minusDays(CaseStore.UNCLAIMED_CASE_DAYS).toString();
            List<String> idle = transaction.createQuery("""
                    SELECT id FROM cases WHERE (claimed = 1 AND last_activity <= :idle) OR (claimed = 0 AND last_activity <= :unclaimed)""")
                    .bind("idle", idleCutoff).bind("unclaimed", unclaimedCutoff).mapTo(String.class).list();
            for (String id : idle) {
                transaction.createUpdate("""
                        INSERT OR IGNORE INTO forgotten_cases (id, forgotten)
                        SELECT id, :today FROM cases WHERE id = :id AND claimed = 1""")
                        .bind("id", id).bind("today", today.toString()).execute();
                transaction.createUpdate("DELETE FROM cases WHERE id = :id").bind("id", id).execute();
            }
            // A link whose submission was exported and deleted would only tell how many submissions a case had.
            transaction.execute("DELETE FROM case_submissions WHERE submission_id NOT IN (SELECT id FROM submissions)");
            return new CaseStore.Forgotten(readReplies + unreadReplies, idle.size());
        });
        handle.execute("VACUUM");
        handle.createQuery("PRAGMA wal_checkpoint(TRUNCATE)").mapToMap().one();
        return forgotten;
    }

    /** Cases forgotten since the last export that took them; the export bundle lists them (FORMAT.md section 10.6). */
    List<BundleManifest.ForgottenCase> forgottenCases() {
        return handle.createQuery("SELECT id, forgotten FROM forgotten_cases ORDER BY forgotten, id")
                .map((row, context) -> new BundleManifest.ForgottenCase(row.getString("id"),
                        LocalDate.parse(row.getString("forgotten"))))
                .list();
    }

    void clearForgotten(List<String> ids) {
        handle.useTransaction(transaction -> ids.forEach(id ->
                transaction.createUpdate("DELETE FROM forgotten_cases WHERE id = :id").bind("id", id).execute()));
    }

    @Override
    public void close() {
        handle.close();
    }
}
