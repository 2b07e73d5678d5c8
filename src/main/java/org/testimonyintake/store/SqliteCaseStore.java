package org.testimonyintake.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.JdbiException;
import org.testimonyintake.format.BundleManifest;

/**
 * The cases of {@link CaseStore} in the SQLite file of a data directory, opened beside the
 * {@link SqliteSubmissionStore} of that directory; one connection, used under this object's lock.
 */
public final class SqliteCaseStore implements CaseStore {
    private final CaseDatabase database;
    private final Clock clock;
    /** The forgotten cases that an export of this store is taking now. */
    private final Set<String> beingTaken = new HashSet<>();

    private SqliteCaseStore(CaseDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Opens the cases of a data directory that a {@link SqliteSubmissionStore} has opened (and so prepared). */
    public static SqliteCaseStore open(Path dataDirectory, Clock clock) throws IOException {
        try {
            return new SqliteCaseStore(CaseDatabase.open(DataDirectory.prepare(dataDirectory).database()), clock);
        } catch (JdbiException e) {
            throw new IOException("the database cannot be opened", e);
        }
    }

    @Override
    public LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    @Override
    public synchronized void create(NewCase newCase) {
        database.insertCase(newCase, today());
    }

    @Override
    public synchronized void link(String submissionId, String caseId) {
        database.link(submissionId, caseId, today());
    }

    @Override
    public synchronized Optional<StoredCase> findByLookupId(String lookupId) {
        return database.caseByLookupId(lookupId);
    }

    @Override
    public synchronized Optional<String> unclaimedLookupId(String caseId) {
        return database.unclaimedLookupId(caseId);
    }

    @Override
    public synchronized Optional<byte[]> replyKeyOf(String caseId) {
        return database.replyKeyOf(caseId);
    }

    @Override
    public synchronized Optional<String> caseOfSubmission(String submissionId) {
        return database.caseOfSubmission(submissionId);
    }

    @Override
    public synchronized boolean hasReply(String replyId) {
        return database.replyExists(replyId);
    }

    @Override
    public synchronized void addReply(String replyId, String caseId, Map<String, byte[]> parts) {
        database.insertReply(replyId, caseId, parts, today());
    }

    @Override
    public synchronized List<StoredReply> replies(String caseId) {
        return database.replies(caseId);
    }

    @Override
    public synchronized void markRead(String caseId) {
        database.markRead(caseId, today());
    }

    @Override
    public synchronized Forgotten deleteExpired(Retention retention) {
        return database.deleteExpired(today(), retention);
    }

    /**
     * A take leaves out the cases that another take of this store holds; an export in another process is kept apart
     * by the data directory's export lock ({@link SqliteSubmissionStore#openForExport}), which it holds first.
     */
    @Override
    public synchronized ForgottenListing listForgotten(boolean take) {
        List<BundleManifest.ForgottenCase> listed = database.forgottenCases().stream()
                .filter(forgotten -> !take || !beingTaken.contains(forgotten.caseId())).toList();
        List<String> ids = listed.stream().map(BundleManifest.ForgottenCase::caseId).toList();
        if (take) {
            beingTaken.addAll(ids);
        }
        return new ForgottenListing() {
            @Override
            public List<BundleManifest.ForgottenCase> cases() {
                return listed;
            }

            @Override
            public void taken() {
                if (take) {
                    synchronized (SqliteCaseStore.this) {
                        database.clearForgotten(ids);
                    }
                }
            }

            @Override
            public void close() {
                if (take) {
                    synchronized (SqliteCaseStore.this) {
                        ids.forEach(beingTaken::remove);
                    }
                }
            }
        };
    }

    @Override
    public synchronized void close() {
        database.close();
    }
}
