package org.testimonyintake.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testimonyintake.format.BundleManifest;

/**
 * The cases of {@link CaseStore} in the PostgreSQL database of a {@link PostgresSubmissionStore}, so that a source
 * who returns reaches her case on whichever backend Tor picks. Each call is one transaction on a pooled connection,
 * durable on the synchronous standby like a submission; the cleanup of FORMAT.md section 10.7, which every server runs
 * each hour, takes a lock so that two servers do not run it at once.
 */
final class PostgresCaseStore implements CaseStore {
    /** The advisory lock of the cleanup; 1 is the schema's. */
    private static final long CLEANUP_LOCK = 2;
    private static final Logger LOG = LoggerFactory.getLogger(PostgresCaseStore.class);

    private final PostgresDatabase database;
    private final Clock clock;

    PostgresCaseStore(PostgresDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * The pool, once the database is checked and has its schema (it may have been down when the server started).
     * Unreachable, it throws the JdbiException that any later call would, which the site answers with 503.
     */
    private Jdbi jdbi() {
        try {
            database.ready();
        } catch (StoreUnavailableException e) {
            throw e.getCause() instanceof JdbiException unreachable ? unreachable : new UncheckedIOException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return database.jdbi();
    }

    @Override
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    @Override
    public void create(NewCase newCase) {
        jdbi().useHandle(handle -> handle.execute("""
                INSERT INTO cases (id, lookup_id, reply_key, claimed, last_activity) VALUES (?, ?, ?, false, ?)""",
                newCase.id(), newCase.lookupId(), newCase.replyKey(), today()));
    }

    @Override
    public void link(String submissionId, String caseId) {
        LocalDate today = today();
        jdbi().useTransaction(handle -> {
            handle.execute("INSERT INTO case_submissions (submission_id, case_id) VALUES (?, ?)", submissionId, caseId);
            handle.execute("UPDATE cases SET claimed = true, last_activity = ? WHERE id = ?", today, caseId);
        });
    }

    @Override
    public Optional<StoredCase> findByLookupId(String lookupId) {
        return jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT id, reply_key FROM cases WHERE lookup_id = :lookupId AND claimed")
                .bind("lookupId", lookupId)
                .map((row, context) -> new StoredCase(row.getString("id"), row.getBytes("reply_key")))
                .findOne());
    }

    @Override
    public Optional<String> unclaimedLookupId(String caseId) {
        return jdbi().withHandle(handle -> handle.createQuery("SELECT lookup_id FROM cases WHERE id = :id AND NOT claimed")
                .bind("id", caseId).mapTo(String.class).findOne());
    }

    @Override
    public Optional<byte[]> replyKeyOf(String caseId) {
        return jdbi().withHandle(handle -> handle.createQuery("SELECT reply_key FROM cases WHERE id = :id AND claimed")
                .bind("id", caseId).mapTo(byte[].class).findOne());
    }

    @Override
    public Optional<String> caseOfSubmission(String submissionId) {
        return jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT case_id FROM case_submissions WHERE submission_id = :id")
                .bind("id", submissionId).mapTo(String.class).findOne());
    }

    @Override
    public boolean hasReply(String replyId) {
        return jdbi().withHandle(handle -> handle.createQuery("SELECT count(*) FROM replies WHERE id = :id")
                .bind("id", replyId).mapTo(int.class).one() > 0);
    }

    @Override
    public void addReply(String replyId, String caseId, Map<String, byte[]> parts) {
        LocalDate today = today();
        jdbi().useTransaction(handle -> {
            handle.execute("INSERT INTO replies (id, case_id, imported) VALUES (?, ?, ?)", replyId, caseId, today);
            PreparedBatch rows = handle.prepareBatch(
                    "INSERT INTO reply_parts (reply_id, name, content) VALUES (:reply, :name, :content)");
            parts.forEach((name, content) -> rows.bind("reply", replyId).bind("name", name).bind("content", content)
                    .add());
            if (!parts.isEmpty()) {
                rows.execute();
            }
            handle.execute("UPDATE cases SET last_activity = ? WHERE id = ?", today, caseId);
        });
    }

    /** One statement, so one snapshot: a reply comes with all of its parts or not at all. Orders as SQLite's bytes. */
    @Override
    public List<StoredReply> replies(String caseId) {
        record Row(String id, LocalDate imported, LocalDate firstRead, String name, byte[] content) {
        }
        List<Row> rows = jdbi().withHandle(handle -> handle.createQuery("""
                        SELECT r.id, r.imported, r.first_read, p.name, p.content
                        FROM replies r LEFT JOIN reply_parts p ON p.reply_id = r.id
                        WHERE r.case_id = :case
                        ORDER BY r.imported, r.id COLLATE "C", p.name COLLATE "C" DESC""")
                .bind("case", caseId)
                .map((row, context) -> new Row(row.getString("id"), row.getObject("imported", LocalDate.class),
                        row.getObject("first_read", LocalDate.class), row.getString("name"), row.getBytes("content")))
                .list());
        Map<String, StoredReply> replies = new LinkedHashMap<>();
        for (Row row : rows) {
            StoredReply reply = replies.computeIfAbsent(row.id(), id -> new StoredReply(id, row.imported(),
                    Optional.ofNullable(row.firstRead()), new LinkedHashMap<>()));
            if (row.name() != null) {
                reply.parts().put(row.name(), row.content());
            }
        }
        return new ArrayList<>(replies.values());
    }

    @Override
    public void markRead(String caseId) {
        LocalDate today = today();
        jdbi().useTransaction(handle -> {
            handle.execute("UPDATE replies SET first_read = ? WHERE case_id = ? AND first_read IS NULL", today, caseId);
            handle.execute("UPDATE cases SET last_activity = ? WHERE id = ?", today, caseId);
        });
    }

    /**
     * Deletes what FORMAT.md section 10.7 says has expired, and the links of exported submissions, then VACUUMs the
     * tables so that the rows' space is reused (what remains of them until then: deploy/postgresql/README.md).
     */
    @Override
    public Forgotten deleteExpired(Retention retention) {
        LocalDate today = today();
        Jdbi jdbi = jdbi();
        record Deleted(Forgotten forgotten, int links) {
        }
        Deleted deleted = jdbi.inTransaction(handle -> {
            handle.execute("SELECT pg_advisory_xact_lock(?)", CLEANUP_LOCK);
            int replies = handle.execute("DELETE FROM replies WHERE first_read <= ?",
                    today.minusDays(retention.keepReadReplyDays()))
                    + handle.execute("DELETE FROM replies WHERE first_read IS NULL AND imported <= ?",
                    today.minusDays(retention.keepUnreadReplyDays()));
            LocalDate idle = today.minusDays(retention.forgetIdleCaseDays());
            LocalDate unclaimed = today.minusDays(UNCLAIMED_CASE_DAYS);
            handle.execute("""
                    INSERT INTO forgotten_cases (id, forgotten)
                    SELECT id, ? FROM cases WHERE claimed AND last_activity <= ? ON CONFLICT DO NOTHING""", today, idle);
            int cases = handle.execute("""
                    DELETE FROM cases WHERE (claimed AND last_activity <= ?) OR (NOT claimed AND last_activity <= ?)""",
                    idle, unclaimed);
            // A link whose submission was exported and deleted would only tell how many submissions a case had.
            int links = handle.execute(
                    "DELETE FROM case_submissions WHERE submission_id NOT IN (SELECT id FROM submissions)");
            return new Deleted(new Forgotten(replies, cases), links);
        });
        if (deleted.forgotten().replies() + deleted.forgotten().cases() + deleted.links() > 0) {
            jdbi.useHandle(handle -> handle.execute("VACUUM cases, case_submissions, replies, reply_parts"));
        }
        return deleted.forgotten();
    }

    /**
     * A take claims the rows it lists (FOR UPDATE SKIP LOCKED) in a transaction that stays open on a pooled
     * connection until the bundle is durable, and deletes them in it: an export beside it on another machine lists
     * the others. The export commits its submissions first, then this: if this commit fails the next export lists the
     * cases again (the office keeps the earliest date), and none is lost.
     */
    @Override
    public ForgottenListing listForgotten(boolean take) throws IOException {
        try {
            if (!take) {
                return new Copy(jdbi().withHandle(handle -> forgotten(handle, "")));
            }
            Handle handle = jdbi().open();
            try {
                handle.begin();
                return new Take(handle, forgotten(handle, " FOR UPDATE SKIP LOCKED"));
            } catch (RuntimeException e) {
                handle.close();
                throw e;
            }
        } catch (JdbiException e) {
            throw PostgresSubmissionStore.unavailable(e);
        }
    }

    private static List<BundleManifest.ForgottenCase> forgotten(Handle handle, String locking) {
        return handle.createQuery("SELECT id, forgotten FROM forgotten_cases ORDER BY forgotten, id COLLATE \"C\""
                        + locking)
                .map((row, context) -> new BundleManifest.ForgottenCase(row.getString("id"),
                        row.getObject("forgotten", LocalDate.class)))
                .list();
    }

    private record Copy(List<BundleManifest.ForgottenCase> cases) implements ForgottenListing {
        @Override
        public void taken() {
        }

        @Override
        public void close() {
        }
    }

    private static final class Take implements ForgottenListing {
        private final Handle handle;
        private final List<BundleManifest.ForgottenCase> cases;

        private Take(Handle handle, List<BundleManifest.ForgottenCase> cases) {
            this.handle = handle;
            this.cases = cases;
        }

        @Override
        public List<BundleManifest.ForgottenCase> cases() {
            return cases;
        }

        @Override
        public void taken() throws IOException {
            try {
                if (!cases.isEmpty()) {
                    handle.createUpdate("DELETE FROM forgotten_cases WHERE id IN (<ids>)")
                            .bindList("ids", cases.stream().map(BundleManifest.ForgottenCase::caseId).toList())
                            .execute();
                }
                handle.commit();
            } catch (JdbiException e) {
                throw PostgresSubmissionStore.unavailable(e);
            }
            if (!cases.isEmpty()) {
                vacuum();
            }
        }

        /** After the commit: a failure here loses nothing, the next take's VACUUM also does it. */
        private void vacuum() {
            try {
                handle.execute("VACUUM forgotten_cases");
            } catch (JdbiException e) {
                LOG.warn("the rows of taken forgotten cases could not be vacuumed now ({})",
                        e.getClass().getSimpleName());
            }
        }

        /** Without {@link #taken}, rolls back: the cases stay listed. Returns the connection to the pool. */
        @Override
        public void close() {
            PostgresDatabase.rollBackAndClose(handle);
        }
    }

    /** The database is closed with its submission store. */
    @Override
    public void close() {
    }
}
