package org.testimonyintake.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.testimonyintake.format.BundleManifest;

/**
 * Returning sources' cases and the office's replies to them (FORMAT.md section 10.6): a case's id, lookup id and
 * protected reply key, which submissions belong to it, and each reply's ciphertext with its import and first-read
 * dates. Ciphertext and dates only, like the rest of the store.
 */
public interface CaseStore extends AutoCloseable {
    /** A case made for a source who asked to come back, not yet claimed by a stored submission. */
    record NewCase(String id, String lookupId, byte[] replyKey) {
    }

    record StoredCase(String id, byte[] replyKey) {
    }

    /** A stored reply: its parts' ciphertext by name, {@code reply.json.pgp} first. */
    record StoredReply(String id, LocalDate imported, Optional<LocalDate> firstRead, Map<String, byte[]> parts) {
    }

    /** FORMAT.md section 10.7, in days. */
    record Retention(int keepReadReplyDays, int keepUnreadReplyDays, int forgetIdleCaseDays) {
        public static final Retention STANDARD = new Retention(7, 90, 180);

        public Retention {
            if (keepReadReplyDays < 1 || keepUnreadReplyDays < 1 || forgetIdleCaseDays < 1) {
                throw new IllegalArgumentException("replies and cases are kept at least a day");
            }
        }
    }

    record Forgotten(int replies, int cases) {
    }

    /**
     * An unclaimed case is deleted from the second date after the one it was made on: stored dates carry no time, so a
     * case made a minute before midnight still has a whole day for its files to arrive.
     */
    int UNCLAIMED_CASE_DAYS = 2;

    /** The default engine, {@link SqliteCaseStore}, in a data directory a {@link SqliteSubmissionStore} has opened. */
    static CaseStore open(Path dataDirectory, Clock clock) throws IOException {
        return SqliteCaseStore.open(dataDirectory, clock);
    }

    /** Today (UTC) by the store's clock: the date it writes. */
    LocalDate today();

    /** Records a new case before its first submission is stored; {@link #link} claims it once that is durable. */
    void create(NewCase newCase);

    /** The lookup id of a case made but not yet claimed by a submission; empty for any other id. */
    Optional<String> unclaimedLookupId(String caseId);

    void link(String submissionId, String caseId);

    Optional<StoredCase> findByLookupId(String lookupId);

    Optional<byte[]> replyKeyOf(String caseId);

    Optional<String> caseOfSubmission(String submissionId);

    boolean hasReply(String replyId);

    void addReply(String replyId, String caseId, Map<String, byte[]> parts);

    List<StoredReply> replies(String caseId);

    /** The source has seen the case's replies today: each one not read before now counts its days until deletion. */
    void markRead(String caseId);

    Forgotten deleteExpired(Retention retention);

    /**
     * The cases forgotten since an export last took the list (FORMAT.md section 8), oldest first, for the bundle an
     * export writes now. An export that deletes takes them ({@code take}): they leave the list once its bundle is
     * durable ({@link ForgottenListing#taken}), and two such exports at once never list the same case. Any other
     * listing is a copy and lists every one.
     *
     * @throws StoreUnavailableException if the database cannot be reached now
     */
    ForgottenListing listForgotten(boolean take) throws IOException;

    /** The forgotten cases one export lists; closed without {@link #taken}, they stay listed for the next export. */
    interface ForgottenListing extends AutoCloseable {
        List<BundleManifest.ForgottenCase> cases();

        /**
         * The bundle that lists them is durable: a take removes them from the list, a copy changes nothing.
         *
         * @throws StoreUnavailableException if the database cannot be reached now: they stay listed
         */
        void taken() throws IOException;

        @Override
        void close();
    }

    @Override
    void close();
}
