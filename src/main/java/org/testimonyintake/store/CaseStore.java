package org.testimonyintake.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.JdbiException;
import org.testimonyintake.format.BundleManifest;

/**
 * Returning sources' cases and the office's replies to them (FORMAT.md section 10.6): a case's id, lookup id and
 * protected reply key, which submissions belong to it, and each reply's ciphertext with its import and first-read
 * dates. Opened beside the {@link SqliteSubmissionStore} of the same data directory; one connection, used under this
 * object's lock. Ciphertext and dates only, like the rest of the store.
 */
public final class CaseStore implements AutoCloseable {
    /** A case made for a source who asked to come back, not yet claimed by a stored submission. */
    public record NewCase(String id, String lookupId, byte[] replyKey) {
    }

    public record StoredCase(String id, byte[] replyKey) {
    }

    /** A stored reply: its parts' ciphertext by name, {@code reply.json.pgp} first. */
    public record StoredReply(String id, LocalDate imported, Optional<LocalDate> firstRead, Map<String, byte[]> parts) {
    }

    /** FORMAT.md section 10.7, in days. */
    public record Retention(int keepReadReplyDays, int keepUnreadReplyDays, int forgetIdleCaseDays) {
        public static final Retention STANDARD = new Retention(7, 90, 180);

        public Retention {
            if (keepReadReplyDays < 1 || keepUnreadReplyDays < 1 || forgetIdleCaseDays < 1) {
                throw new IllegalArgumentException("replies and cases are kept at least a day");
            }
        }
    }

    public record Forgotten(int replies, int cases) {
    }

    private final CaseDatabase database;
    private final Clock clock;

    private CaseStore(CaseDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Opens the cases of a data directory that a {@link SqliteSubmissionStore} has opened (and so prepared). */
    public static CaseStore open(Path dataDirectory, Clock clock) throws IOException {
        try {
            return new CaseStore(CaseDatabase.open(DataDirectory.prepare(dataDirectory).database()), clock);
        } catch (JdbiException e) {
            throw new IOException("the database cannot be opened", e);
        }
    }

    public LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    /** Records a new case before its first submission is stored; {@link #link} claims it once that is durable. */
    public synchronized void create(NewCase newCase) {
        database.insertCase(newCase, today());
    }

    /** The lookup id of a case made but not yet claimed by a submission; empty for any other id. */
    public synchronized Optional<String> unclaimedLookupId(String caseId) {
        return database.unclaimedLookupId(caseId);
    }

    public synchronized void link(String submissionId, String caseId) {
        database.link(submissionId, caseId, today());
    }

    public synchronized Optional<StoredCase> findByLookupId(String lookupId) {
        return database.caseByLookupId(lookupId);
    }

    public synchronized Optional<byte[]> replyKeyOf(String caseId) {
        return database.replyKeyOf(caseId);
    }

    public synchronized Optional<String> caseOfSubmission(String submissionId) {
        return database.caseOfSubmission(submissionId);
    }

    public synchronized boolean hasReply(String replyId) {
        return database.replyExists(replyId);
    }

    public synchronized void addReply(String replyId, String caseId, Map<String, byte[]> parts) {
        database.insertReply(replyId, caseId, parts, today());
    }

    public synchronized List<StoredReply> replies(String caseId) {
        return database.replies(caseId);
    }

    /** The source has seen the case's replies today: each one not read before now counts its days until deletion. */
    public synchronized void markRead(String caseId) {
        database.markRead(caseId, today());
    }

    public synchronized Forgotten deleteExpired(Retention retention) {
        return database.deleteExpired(today(), retention);
    }

    /** The cases forgotten since an export last took the list (FORMAT.md section 8), oldest first. */
    public synchronized List<BundleManifest.ForgottenCase> forgottenCases() {
        return database.forgottenCases();
    }

    public synchronized void clearForgotten(List<String> ids) {
        database.clearForgotten(ids);
    }

    @Override
    public synchronized void close() {
        database.close();
    }
}
