package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.SettableClock;
import org.testimonyintake.format.BundleManifest;

/**
 * What every engine of {@link CaseStore} promises (FORMAT.md sections 10.6 and 10.7), run against each:
 * {@link SqliteCaseStoreContractTest} and {@link PostgresCaseStoreContractTest} say only how to open the engine.
 */
abstract class CaseStoreContract {
    static final LocalDate DAY_ONE = LocalDate.of(2026, 12, 6);
    private static final String SUBMISSION = "abcdefabcdefabcdefabcdefabcdef00";
    private static final String OTHER_SUBMISSION = "abcdefabcdefabcdefabcdefabcdef01";

    @TempDir
    Path temp;
    final SettableClock clock = new SettableClock(DAY_ONE);
    SubmissionStore submissions;
    CaseStore cases;
    private int made;

    /** Opens the engine's submission store on this test's store, the same one each time within a test. */
    abstract SubmissionStore openSubmissions(Clock clock) throws IOException;

    /** Opens the cases of that store, dated by the clock. */
    abstract CaseStore openCases(SubmissionStore store, Clock clock) throws IOException;

    @BeforeEach
    void open() throws IOException {
        submissions = openSubmissions(clock);
        cases = openCases(submissions, clock);
    }

    @AfterEach
    void close() {
        cases.close();
        submissions.close();
    }

    void reopen() throws IOException {
        close();
        open();
    }

    /** A new case with a distinct id, lookup id and (stand-in) protected reply key. */
    CaseStore.NewCase newCase() {
        made++;
        return new CaseStore.NewCase("%032x".formatted(made), "%064x".formatted(1000 + made),
                Submissions.content("TEST-ONLY protected reply key " + made + " ", 300));
    }

    /** A new case, claimed by a submission. */
    CaseStore.NewCase claimedCase(String submissionId) {
        CaseStore.NewCase newCase = newCase();
        cases.create(newCase);
        cases.link(submissionId, newCase.id());
        return newCase;
    }

    static Map<String, byte[]> replyParts(String text) {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        parts.put("reply.json.pgp", Submissions.content(text + " reply ", 2000));
        parts.put("attachment-1.pgp", Submissions.content(text + " attachment ", 70_000));
        return parts;
    }

    static String replyId(int number) {
        return "%032x".formatted(0xfeed0000L + number);
    }

    @Test
    void aCaseIsFoundByItsLookupIdOnlyOnceASubmissionClaimedIt() throws IOException {
        CaseStore.NewCase newCase = newCase();
        cases.create(newCase);
        assertEquals(Optional.empty(), cases.findByLookupId(newCase.lookupId()), "not claimed yet");
        assertEquals(Optional.empty(), cases.replyKeyOf(newCase.id()));
        assertEquals(Optional.of(newCase.lookupId()), cases.unclaimedLookupId(newCase.id()), "a browser may still claim it");

        cases.link(SUBMISSION, newCase.id());
        reopen();
        assertEquals(Optional.empty(), cases.unclaimedLookupId(newCase.id()), "claimed once only");
        CaseStore.StoredCase found = cases.findByLookupId(newCase.lookupId()).orElseThrow();
        assertEquals(newCase.id(), found.id());
        assertArrayEquals(newCase.replyKey(), found.replyKey());
        assertArrayEquals(newCase.replyKey(), cases.replyKeyOf(newCase.id()).orElseThrow());
        assertEquals(Optional.of(newCase.id()), cases.caseOfSubmission(SUBMISSION));
        assertEquals(Optional.empty(), cases.caseOfSubmission(OTHER_SUBMISSION));
        assertEquals(Optional.empty(), cases.findByLookupId("%064x".formatted(7)));
    }

    @Test
    void aFollowUpLinksAnotherSubmissionToTheSameCase() {
        CaseStore.NewCase newCase = claimedCase(SUBMISSION);
        cases.link(OTHER_SUBMISSION, newCase.id());
        assertEquals(Optional.of(newCase.id()), cases.caseOfSubmission(OTHER_SUBMISSION));
        assertThrows(RuntimeException.class, () -> cases.link(SUBMISSION, newCase.id()), "a submission has one case");
    }

    @Test
    void onlyTheFieldsOfTheFormatAreTaken() {
        CaseStore.NewCase valid = newCase();
        assertThrows(RuntimeException.class, () -> cases.create(new CaseStore.NewCase("not a case id",
                valid.lookupId(), valid.replyKey())));
        assertThrows(RuntimeException.class, () -> cases.create(new CaseStore.NewCase(valid.id(),
                "ABCDEF" + valid.lookupId().substring(6), valid.replyKey())), "lookup ids are lower-case hex");
        cases.create(valid);
        assertThrows(RuntimeException.class, () -> cases.create(new CaseStore.NewCase(newCase().id(),
                valid.lookupId(), valid.replyKey())), "one case per lookup id");
    }

    @Test
    void repliesComeBackOldestFirstWithTheirPartsAndDates() throws IOException {
        CaseStore.NewCase newCase = claimedCase(SUBMISSION);
        Map<String, byte[]> first = replyParts("first");
        cases.addReply(replyId(2), newCase.id(), first);
        clock.set(DAY_ONE.plusDays(1));
        cases.addReply(replyId(1), newCase.id(), replyParts("second"));
        assertTrue(cases.hasReply(replyId(1)));
        assertFalse(cases.hasReply(replyId(3)));
        reopen();

        List<CaseStore.StoredReply> replies = cases.replies(newCase.id());
        assertEquals(List.of(replyId(2), replyId(1)), replies.stream().map(CaseStore.StoredReply::id).toList(),
                "by import date, not by id");
        CaseStore.StoredReply oldest = replies.get(0);
        assertEquals(DAY_ONE, oldest.imported());
        assertEquals(Optional.empty(), oldest.firstRead());
        assertEquals(List.of("reply.json.pgp", "attachment-1.pgp"), new ArrayList<>(oldest.parts().keySet()),
                "the reply document first");
        first.forEach((name, content) -> assertArrayEquals(content, oldest.parts().get(name), name));
        assertEquals(List.of(), cases.replies(newCase().id()), "a case without replies");
    }

    @Test
    void aReplyIsReadOnTheDayTheSourceFirstSawIt() {
        CaseStore.NewCase newCase = claimedCase(SUBMISSION);
        cases.addReply(replyId(1), newCase.id(), replyParts("read"));
        clock.set(DAY_ONE.plusDays(3));
        cases.markRead(newCase.id());
        clock.set(DAY_ONE.plusDays(5));
        cases.addReply(replyId(2), newCase.id(), replyParts("later"));
        cases.markRead(newCase.id());
        assertEquals(List.of(Optional.of(DAY_ONE.plusDays(3)), Optional.of(DAY_ONE.plusDays(5))),
                cases.replies(newCase.id()).stream().map(CaseStore.StoredReply::firstRead).toList());
    }

    @Test
    void repliesGoAWeekAfterReadingOrUnreadAfter90DaysAndIdleCasesAreForgotten() throws IOException {
        CaseStore.NewCase reader = claimedCase(SUBMISSION);
        CaseStore.NewCase away = claimedCase(OTHER_SUBMISSION);
        cases.addReply(replyId(1), reader.id(), replyParts("read me"));
        cases.addReply(replyId(2), away.id(), replyParts("never read"));
        cases.markRead(reader.id());

        clock.set(DAY_ONE.plusDays(6));
        assertEquals(new CaseStore.Forgotten(0, 0), cases.deleteExpired(CaseStore.Retention.STANDARD));
        clock.set(DAY_ONE.plusDays(7));
        assertEquals(new CaseStore.Forgotten(1, 0), cases.deleteExpired(CaseStore.Retention.STANDARD));
        assertEquals(List.of(), cases.replies(reader.id()));
        assertEquals(1, cases.replies(away.id()).size());
        clock.set(DAY_ONE.plusDays(90));
        assertEquals(new CaseStore.Forgotten(1, 0), cases.deleteExpired(CaseStore.Retention.STANDARD));

        clock.set(DAY_ONE.plusDays(100));
        cases.markRead(reader.id());
        clock.set(DAY_ONE.plusDays(180));
        assertEquals(new CaseStore.Forgotten(0, 1), cases.deleteExpired(CaseStore.Retention.STANDARD), "the idle case");
        assertEquals(List.of(new BundleManifest.ForgottenCase(away.id(), DAY_ONE.plusDays(180))), forgotten());
        assertEquals(Optional.empty(), cases.findByLookupId(away.lookupId()));
        assertEquals(Optional.empty(), cases.caseOfSubmission(OTHER_SUBMISSION), "its links go with it");
        assertTrue(cases.findByLookupId(reader.lookupId()).isPresent(), "read again on day 100, so kept until day 280");
        assertEquals(new CaseStore.Forgotten(0, 0), cases.deleteExpired(CaseStore.Retention.STANDARD), "once");
    }

    @Test
    void anUnclaimedCaseLastsAtLeastADayThenIsDeletedAndNeverListedAsForgotten() throws IOException {
        CaseStore.NewCase unclaimed = newCase();
        cases.create(unclaimed);
        assertEquals(new CaseStore.Forgotten(0, 0), cases.deleteExpired(CaseStore.Retention.STANDARD));
        clock.set(DAY_ONE.plusDays(1));
        assertEquals(new CaseStore.Forgotten(0, 0), cases.deleteExpired(CaseStore.Retention.STANDARD),
                "made on day one, perhaps a minute before midnight: the source may still be sending its files");
        clock.set(DAY_ONE.plusDays(2));
        assertEquals(new CaseStore.Forgotten(0, 1), cases.deleteExpired(CaseStore.Retention.STANDARD));
        assertEquals(List.of(), forgotten());
        cases.create(unclaimed); // its lookup id is free again
    }

    @Test
    void anExportThatTakesTheForgottenCasesRemovesThemOnceItsBundleIsDurableAndNothingElse() throws IOException {
        CaseStore.NewCase first = claimedCase(SUBMISSION);
        clock.set(DAY_ONE.plusDays(1));
        CaseStore.NewCase second = claimedCase(OTHER_SUBMISSION);
        clock.set(DAY_ONE.plusDays(180));
        cases.deleteExpired(CaseStore.Retention.STANDARD);
        List<BundleManifest.ForgottenCase> firstOnly = List.of(
                new BundleManifest.ForgottenCase(first.id(), DAY_ONE.plusDays(180)));
        try (CaseStore.ForgottenListing failed = cases.listForgotten(true)) {
            assertEquals(firstOnly, failed.cases());
        }
        assertEquals(firstOnly, forgotten(), "a bundle that never became durable took nothing");
        try (CaseStore.ForgottenListing take = cases.listForgotten(true)) {
            clock.set(DAY_ONE.plusDays(181));
            cases.deleteExpired(CaseStore.Retention.STANDARD); // while the export writes its bundle
            assertEquals(firstOnly, take.cases());
            take.taken();
        }
        reopen();
        assertEquals(List.of(new BundleManifest.ForgottenCase(second.id(), DAY_ONE.plusDays(181))), forgotten(),
                "forgotten after the list was taken: for the next export");
    }

    @Test
    void twoExportsTakingAtOnceListEachForgottenCaseOnce() throws IOException {
        List<String> early = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            early.add(claimedCase("%032x".formatted(0xfeed00 + i)).id());
        }
        clock.set(DAY_ONE.plusDays(1));
        List<String> late = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            late.add(claimedCase("%032x".formatted(0xfeed10 + i)).id());
        }
        clock.set(DAY_ONE.plusDays(180));
        cases.deleteExpired(CaseStore.Retention.STANDARD);
        try (CaseStore.ForgottenListing one = cases.listForgotten(true)) {
            assertEquals(early, ids(one.cases()));
            clock.set(DAY_ONE.plusDays(181));
            cases.deleteExpired(CaseStore.Retention.STANDARD);
            try (CaseStore.ForgottenListing other = cases.listForgotten(true)) {
                assertEquals(late, ids(other.cases()), "not those the first export holds");
                assertEquals(5, forgotten().size(), "a copy lists every one");
                other.taken();
            }
            one.taken();
        }
        assertEquals(List.of(), forgotten());
    }

    /** What a copy lists now. */
    List<BundleManifest.ForgottenCase> forgotten() throws IOException {
        try (CaseStore.ForgottenListing copy = cases.listForgotten(false)) {
            return copy.cases();
        }
    }

    private static List<String> ids(List<BundleManifest.ForgottenCase> forgotten) {
        return forgotten.stream().map(BundleManifest.ForgottenCase::caseId).toList();
    }

    @Test
    void theLinkOfAnExportedAndDeletedSubmissionGoesAtTheNextCleanup() throws IOException {
        String exported = Submissions.commit(submissions, Submissions.content("testimony ", 100));
        String kept;
        CaseStore.NewCase newCase = claimedCase(exported);
        submissions.exportBundle(temp.resolve("bundle.zip"), true);
        kept = Submissions.commit(submissions, Submissions.content("follow-up ", 100));
        cases.link(kept, newCase.id());

        assertEquals(new CaseStore.Forgotten(0, 0), cases.deleteExpired(CaseStore.Retention.STANDARD));
        assertEquals(Optional.empty(), cases.caseOfSubmission(exported), "it would only count a case's submissions");
        assertEquals(Optional.of(newCase.id()), cases.caseOfSubmission(kept));
        assertTrue(cases.findByLookupId(newCase.lookupId()).isPresent());
    }
}
