package org.testimonyintake.returning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.SettableClock;
import org.testimonyintake.format.BundleManifest;
import org.testimonyintake.format.InvalidDocumentException;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.format.ReplyCertificate;
import org.testimonyintake.intake.cli.IntakeServer;
import org.testimonyintake.office.OfficeKey;
import org.testimonyintake.office.ReplyWriter;
import org.testimonyintake.store.CaseStore;
import org.testimonyintake.store.SubmissionStore;

/** FORMAT.md section 10 on the server, with a real SQLite store, real Argon2id and reply bundles the office wrote. */
class ReturningSourcesTest {
    private static final char[] PASSPHRASE = "TEST-ONLY passphrase of the office".toCharArray();
    private static final String SUBMISSION = "abcdefabcdefabcdefabcdefabcdef00";
    private static final LocalDate DAY_ONE = LocalDate.of(2026, 12, 6);
    private static OfficeKey office;

    @TempDir
    Path data;
    private final SettableClock clock = new SettableClock(DAY_ONE);
    private SubmissionStore submissions;
    private CaseStore cases;
    private ReturningSources returning;
    private ReplyImporter importer;

    @BeforeAll
    static void officeKey() throws Exception {
        office = OfficeKey.generate(KeyProfile.COMPAT, "TEST-ONLY office", PASSPHRASE);
    }

    @BeforeEach
    void open() throws Exception {
        submissions = SubmissionStore.open(data);
        cases = CaseStore.open(data, clock);
        byte[] salt = InstallationSalt.loadOrCreate(data, new SecureRandom());
        returning = new ReturningSources(new ReceiptChecks(salt, new ReceiptChecks.Cost(8192, 1, 1),
                ReceiptChecks.Bounds.STANDARD), cases);
        importer = new ReplyImporter(cases);
    }

    @AfterEach
    void close() throws Exception {
        cases.close();
        submissions.close();
    }

    private Path reply(Path dir, String caseId, String message) throws Exception {
        ReplyCertificate replyKey = ReplyCertificate.parse(returningKey(caseId));
        Path bundle = dir.resolve("reply-" + System.nanoTime() + ".zip");
        new ReplyWriter(office, PASSPHRASE).write(caseId, replyKey, message, List.of(), clock.today(), bundle);
        return bundle;
    }

    private byte[] returningKey(String caseId) throws Exception {
        return ReplySecretKey.publicHalf(cases.replyKeyOf(caseId).orElseThrow()).encoded();
    }

    @Test
    void aSourceWithTheReceiptReadsTheOfficesReply(@TempDir Path dir) throws Exception {
        ReturningSources.Opened opened = returning.open();
        assertInstanceOf(ReturningSources.Lookup.NotFound.class, returning.find(opened.receipt().grouped()),
                "a case no submission claimed is not there");
        returning.claim(opened.caseId(), SUBMISSION);
        assertEquals(opened.caseId(), cases.caseOfSubmission(SUBMISSION).orElseThrow());

        ReplyImporter.Imported imported = importer.importReplies(reply(dir, opened.caseId(), "TEST-ONLY 어느 현장?"),
                office.certificate());
        assertEquals(1, imported.stored());

        var found = assertInstanceOf(ReturningSources.Lookup.Found.class, returning.find(opened.receipt().grouped()));
        List<ReturningSources.ReadReply> replies = returning.read(found);
        assertEquals(List.of("TEST-ONLY 어느 현장?"), replies.stream().map(ReturningSources.ReadReply::message).toList());
        assertEquals(DAY_ONE, replies.get(0).imported());
        assertEquals(java.util.Optional.of(DAY_ONE), cases.replies(opened.caseId()).get(0).firstRead(),
                "reading starts its days until deletion (CaseStoreContract tests the retention)");
    }

    @Test
    void aWrongOrMistypedReceiptFindsNothing() throws Exception {
        ReturningSources.Opened opened = returning.open();
        returning.claim(opened.caseId(), SUBMISSION);
        assertInstanceOf(ReturningSources.Lookup.NotFound.class, returning.find(Receipt.generate(new SecureRandom()).grouped()));
        String digits = opened.receipt().digits();
        String typo = digits.substring(0, 5) + (char) ('0' + (digits.charAt(5) - '0' + 1) % 10) + digits.substring(6);
        assertInstanceOf(ReturningSources.Lookup.Mistyped.class, returning.find(typo));
    }

    @Test
    void importingTwiceStoresOnceAndAForgedBundleStoresNothing(@TempDir Path dir) throws Exception {
        ReturningSources.Opened opened = returning.open();
        returning.claim(opened.caseId(), SUBMISSION);
        Path bundle = reply(dir, opened.caseId(), "TEST-ONLY first");
        assertEquals(1, importer.importReplies(bundle, office.certificate()).stored());
        assertEquals(1, importer.importReplies(bundle, office.certificate()).alreadyThere());

        OfficeKey impostor = OfficeKey.generate(KeyProfile.COMPAT, "TEST-ONLY impostor", PASSPHRASE);
        Path forged = dir.resolve("forged.zip");
        new ReplyWriter(impostor, PASSPHRASE).write(opened.caseId(), ReplyCertificate.parse(returningKey(opened.caseId())),
                "TEST-ONLY forged", List.of(), clock.today(), forged);
        assertThrows(InvalidDocumentException.class, () -> importer.importReplies(forged, office.certificate()));
        assertEquals(1, cases.replies(opened.caseId()).size());
    }

    @Test
    void aSignedReplyThatIsNotForTheCasesKeyIsRefused(@TempDir Path dir) throws Exception {
        ReturningSources.Opened first = returning.open();
        ReturningSources.Opened second = returning.open();
        returning.claim(first.caseId(), SUBMISSION);
        returning.claim(second.caseId(), "abcdefabcdefabcdefabcdefabcdef01");
        Path misaddressed = dir.resolve("misaddressed.zip");
        new ReplyWriter(office, PASSPHRASE).write(first.caseId(), ReplyCertificate.parse(returningKey(second.caseId())),
                "TEST-ONLY to the wrong key", List.of(), clock.today(), misaddressed);
        assertThrows(InvalidDocumentException.class, () -> importer.importReplies(misaddressed, office.certificate()));
        assertEquals(List.of(), cases.replies(first.caseId()));
    }

    @Test
    void theExportThatDeletesTakesTheForgottenCasesAndAnyOtherCopiesThem(@TempDir Path dir) throws Exception {
        ReturningSources.Opened away = returning.open();
        returning.claim(away.caseId(), SUBMISSION);
        clock.set(DAY_ONE.plusDays(180));
        cases.deleteExpired(CaseStore.Retention.STANDARD);
        List<BundleManifest.ForgottenCase> expected = List.of(new BundleManifest.ForgottenCase(away.caseId(),
                DAY_ONE.plusDays(180)));

        assertEquals(expected, forgottenIn(export(dir.resolve("copy.zip"))));
        assertEquals(expected, forgottenIn(export(dir.resolve("again.zip"))),
                "a copy leaves the list for the next export");
        assertEquals(expected, forgottenIn(export(dir.resolve("taken.zip"), "--delete-exported")));
        assertEquals(List.of(), forgottenIn(export(dir.resolve("next.zip"), "--delete-exported")));
    }

    private Path export(Path bundle, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("export", "--data", data.toString(), "--out", bundle.toString()));
        args.addAll(List.of(more));
        StringWriter err = new StringWriter();
        assertEquals(0, IntakeServer.execute(new PrintWriter(new StringWriter()), new PrintWriter(err),
                args.toArray(String[]::new)), err::toString);
        return bundle;
    }

    private static List<BundleManifest.ForgottenCase> forgottenIn(Path bundle) throws Exception {
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            return BundleManifest.parse(zip.getInputStream(zip.getEntry(BundleManifest.ENTRY_NAME)).readAllBytes())
                    .forgotten();
        }
    }
}
