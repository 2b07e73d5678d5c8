package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every engine of {@link SubmissionStore} promises, run against each: {@link SqliteStoreContractTest} and
 * {@link PostgresStoreContractTest} say only how to open the engine and how to look at what it keeps.
 */
abstract class StoreContract {
    private static final byte[] TESTIMONY = Submissions.content("testimony ", 5000);
    private static final byte[] PHOTO = Submissions.content("photo ", 70_000);
    /** 1980-01-01 00:00 in MS-DOS form: date (year-1980) << 9 | month << 5 | day, time 0. */
    private static final int DOS_DATE_1980_01_01 = 0x0021;

    @TempDir
    Path temp;

    /** Opens the engine on this test's store, the same one each time within a test, dated by the clock. */
    abstract SubmissionStore open(java.time.Clock clock) throws IOException;

    /** The engine's database as plain SQL, with the store closed or open. */
    abstract Handle rawDatabase() throws IOException;

    /** Fails if any ciphertext is still kept, committed or not. */
    abstract void assertNoCiphertextKept() throws IOException;

    private SubmissionStore open() throws IOException {
        return open(Submissions.AFTERNOON);
    }

    private Path bundle(String name) throws IOException {
        Path bundle = temp.resolve("export").resolve(name);
        Files.createDirectories(bundle.getParent());
        return bundle;
    }

    /** Two submissions, the first with two attachments; their ids in the order of pending(). */
    private List<String> twoSubmissions(SubmissionStore store) throws IOException {
        List<String> ids = new ArrayList<>(List.of(Submissions.commit(store, TESTIMONY, PHOTO, new byte[0]),
                Submissions.commit(store, TESTIMONY)));
        return ids;
    }

    @Test
    void partsComeBackAsTheyWereWritten() throws IOException {
        byte[] testimony = Submissions.content("testimony ciphertext ", 20_000);
        byte[] photo = Submissions.content("photo ciphertext ", 3);
        byte[] large = Submissions.content("a video larger than a few chunks ", 2_700_000);
        String id;
        try (SubmissionStore store = open()) {
            try (NewSubmission submission = store.begin()) {
                id = submission.id();
                // Written out of order: the store lists parts in bundle order, attachment 2 before 10.
                Submissions.writePart(submission, "attachment-10.pgp", new byte[0]);
                Submissions.writePart(submission, "attachment-2.pgp", photo);
                Submissions.writePart(submission, "attachment-3.pgp", large);
                try (OutputStream out = submission.createPart("testimony.json.pgp")) {
                    for (byte b : testimony) {
                        out.write(b); // byte by byte, as a careless caller might
                    }
                }
                submission.commit("server", Submissions.SUBKEY);
            }
            StoredSubmission expected = new StoredSubmission(id, LocalDate.of(2026, 11, 27), "server",
                    Submissions.SUBKEY, List.of(new Part("testimony.json.pgp", 20_000),
                            new Part("attachment-2.pgp", 3), new Part("attachment-3.pgp", large.length),
                            new Part("attachment-10.pgp", 0)));
            assertEquals(List.of(expected), store.pending());
        }
        assertTrue(id.matches("[0-9a-f]{32}"), id);
        Path bundle = bundle("bundle.zip");
        try (SubmissionStore reopened = open()) {
            assertEquals(1, reopened.pending().size(), "committed means durable across a reopen");
            assertEquals(1, reopened.exportBundle(bundle, false));
        }
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            assertArrayEquals(testimony, read(zip, id + "/testimony.json.pgp"));
            assertArrayEquals(photo, read(zip, id + "/attachment-2.pgp"));
            assertArrayEquals(large, read(zip, id + "/attachment-3.pgp"));
            assertArrayEquals(new byte[0], read(zip, id + "/attachment-10.pgp"));
        }
    }

    @Test
    void closingWithoutCommitLeavesNothing() throws IOException {
        try (SubmissionStore store = open()) {
            try (NewSubmission submission = store.begin()) {
                Submissions.writePart(submission, "testimony.json.pgp", Submissions.content("abandoned ", 5000));
                OutputStream stillOpen = submission.createPart("attachment-1.pgp");
                stillOpen.write(Submissions.content("half an upload ", 2_200_000)); // beyond memory, into the engine
            }
            assertEquals(List.of(), store.pending());
        }
        assertNoCiphertextKept();
    }

    @Test
    void commitRefusesBadFieldsAndIncompleteParts() throws IOException {
        try (SubmissionStore store = open()) {
            NewSubmission submission = store.begin();
            assertThrows(IllegalStateException.class, () -> submission.commit("browser", Submissions.SUBKEY),
                    "no testimony part");
            OutputStream testimony = submission.createPart("testimony.json.pgp");
            testimony.write(1);
            assertThrows(IllegalStateException.class, () -> submission.commit("browser", Submissions.SUBKEY),
                    "a part still open");
            testimony.close();
            assertThrows(IllegalStateException.class, () -> submission.createPart("testimony.json.pgp"),
                    "a part twice");
            assertThrows(IllegalArgumentException.class, () -> submission.createPart("../testimony.json.pgp"));
            for (String encryptedBy : new String[] {"Browser", "office", "", null}) {
                assertThrows(IllegalArgumentException.class, () -> submission.commit(encryptedBy, Submissions.SUBKEY));
            }
            for (String subkey : new String[] {"63e2dfacb0c99b43", "63E2DFACB0C99B4", "63E2DFACB0C99B43A",
                    "63E2DFACB0C99B4G", "0x63E2DFACB0C99B", null}) {
                assertThrows(IllegalArgumentException.class, () -> submission.commit("server", subkey));
            }
            submission.commit("browser", Submissions.SUBKEY);
            assertThrows(IllegalStateException.class, () -> submission.commit("browser", Submissions.SUBKEY));
            assertThrows(IllegalStateException.class, () -> submission.createPart("attachment-1.pgp"));
            submission.close();
            assertEquals(1, store.pending().size(), "closing after the commit keeps it");
        }
    }

    @Test
    void idsAreRandomAndDistinct() throws IOException {
        Set<String> ids = new HashSet<>();
        try (SubmissionStore store = open()) {
            for (int i = 0; i < 200; i++) {
                try (NewSubmission submission = store.begin()) {
                    assertTrue(submission.id().matches("[0-9a-f]{32}"), submission.id());
                    ids.add(submission.id());
                }
            }
        }
        assertEquals(200, ids.size());
    }

    @Test
    void concurrentCommitsAllArrive() throws Exception {
        int clients = 50;
        int perClient = 10;
        List<Future<List<String>>> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try (SubmissionStore store = open()) {
            for (int c = 0; c < clients; c++) {
                results.add(pool.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < perClient; i++) {
                        ids.add(Submissions.commit(store, Submissions.content("parallel ", 8192)));
                    }
                    return ids;
                }));
            }
            Set<String> committed = new HashSet<>();
            for (Future<List<String>> result : results) {
                committed.addAll(result.get());
            }
            Set<String> pending = new HashSet<>();
            store.pending().forEach(submission -> pending.add(submission.id()));
            assertEquals(clients * perClient, committed.size());
            assertEquals(committed, pending);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClosedStoreRefusesWork() throws IOException {
        SubmissionStore store = open();
        NewSubmission late = store.begin();
        Submissions.writePart(late, "testimony.json.pgp", new byte[] {1, 2, 3});
        store.close();
        assertThrows(IllegalStateException.class, store::begin);
        assertThrows(IllegalStateException.class, store::pending);
        assertThrows(IllegalStateException.class, () -> late.commit("browser", Submissions.SUBKEY));
        late.close(); // still deletable after the refused commit
        assertNoCiphertextKept();
    }

    @Test
    void theBundleHoldsTheManifestThenEveryPart() throws IOException {
        Path bundle = bundle("bundle.zip");
        List<String> ids;
        try (SubmissionStore store = open()) {
            ids = twoSubmissions(store);
            assertEquals(2, store.exportBundle(bundle, false));
        }
        String withAttachments = ids.get(0);
        Collections.sort(ids); // the order of pending() within a date
        List<String> expectedNames = new ArrayList<>(List.of("bundle.json"));
        for (String id : ids) {
            expectedNames.add(id + "/testimony.json.pgp");
            if (id.equals(withAttachments)) {
                expectedNames.addAll(List.of(id + "/attachment-1.pgp", id + "/attachment-2.pgp"));
            }
        }
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            assertEquals(expectedNames, zip.stream().map(ZipEntry::getName).toList());
            assertArrayEquals(TESTIMONY, read(zip, withAttachments + "/testimony.json.pgp"));
            assertArrayEquals(PHOTO, read(zip, withAttachments + "/attachment-1.pgp"));
            assertArrayEquals(new byte[0], read(zip, withAttachments + "/attachment-2.pgp"));
            for (ZipEntry entry : zip.stream().toList()) {
                assertEquals(ZipEntry.STORED, entry.getMethod(), entry.getName());
                assertEquals(LocalDateTime.of(1980, 1, 1, 0, 0), entry.getTimeLocal(), entry.getName());
            }
            assertEquals(expectedManifest(ids, withAttachments),
                    new String(read(zip, "bundle.json"), StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyHeaderCarriesTheEarliestTimeAndNoExtraFields() throws IOException {
        Path bundle = bundle("bundle.zip");
        try (SubmissionStore store = open()) {
            twoSubmissions(store);
            store.exportBundle(bundle, false);
        }
        List<Header> headers = RawZip.headers(Files.readAllBytes(bundle));
        assertEquals(10, headers.size(), "five local and five central headers");
        for (Header header : headers) {
            assertEquals(0, header.method(), header.toString());
            assertEquals(0, header.dosTime(), header.toString());
            assertEquals(DOS_DATE_1980_01_01, header.dosDate(), header.toString());
            assertEquals(0, header.extraLength(), "no extended timestamp or other extra field: " + header);
            assertEquals(0, header.flags() & 0x0008, "no data descriptor: " + header);
        }
    }

    @Test
    void withoutDeletionTheSubmissionsStayPending() throws IOException {
        Path bundle = bundle("bundle.zip");
        try (SubmissionStore store = open()) {
            twoSubmissions(store);
            store.exportBundle(bundle, false);
            assertEquals(2, store.pending().size());
            assertEquals(2, store.exportBundle(bundle("again.zip"), false));
        }
        assertArrayEquals(Files.readAllBytes(bundle), Files.readAllBytes(bundle("again.zip")),
                "the same submissions on the same date give the same bytes");
    }

    @Test
    void withDeletionEverythingGoes() throws IOException {
        Path bundle = bundle("bundle.zip");
        try (SubmissionStore store = open()) {
            twoSubmissions(store);
            assertEquals(2, store.exportBundle(bundle, true));
            assertEquals(List.of(), store.pending());
            Path empty = bundle("empty.zip");
            assertEquals(0, store.exportBundle(empty, true));
            try (ZipFile zip = new ZipFile(empty.toFile())) {
                assertEquals("{\"type\":\"testimony-intake/bundle\",\"version\":1,\"created\":\"2026-11-27\","
                        + "\"submissions\":[]}", new String(read(zip, "bundle.json"), StandardCharsets.UTF_8));
            }
        }
        assertNoCiphertextKept();
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            assertEquals(5, zip.size(), "the bundle kept what was deleted");
        }
    }

    @Test
    void submissionsCommittedAfterAnExportWaitForTheNext() throws IOException {
        try (SubmissionStore store = open()) {
            String first = Submissions.commit(store, TESTIMONY);
            assertEquals(1, store.exportBundle(bundle("first.zip"), true));
            String second = Submissions.commit(store, TESTIMONY);
            assertEquals(List.of(second), store.pending().stream().map(StoredSubmission::id).toList());
            assertEquals(1, store.exportBundle(bundle("second.zip"), true));
            try (ZipFile zip = new ZipFile(bundle("second.zip").toFile())) {
                assertEquals(null, zip.getEntry(first + "/testimony.json.pgp"), "exported once");
                assertArrayEquals(TESTIMONY, read(zip, second + "/testimony.json.pgp"));
            }
        }
    }

    @Test
    void theBundleFileIsOwnerOnlyDatedAndAlone() throws IOException {
        Path bundle = bundle("bundle.zip");
        Path leftover = bundle.resolveSibling(".bundle.zip.partial");
        Files.write(leftover, new byte[] {1, 2, 3}); // an export that crashed
        try (SubmissionStore store = open()) {
            twoSubmissions(store);
            store.exportBundle(bundle, true);
        }
        assertEquals("rw-------", Modes.of(bundle));
        assertEquals(FileTime.from(Instant.parse("2026-11-27T00:00:00Z")), Files.getLastModifiedTime(bundle));
        assertEquals(List.of("bundle.zip"), Submissions.names(bundle.getParent()), "no temporary file left");
    }

    @Test
    void neverOverwritesAndThenDeletesNothing() throws IOException {
        Path bundle = bundle("bundle.zip");
        Files.write(bundle, new byte[] {42});
        try (SubmissionStore store = open()) {
            twoSubmissions(store);
            assertThrows(FileAlreadyExistsException.class, () -> store.exportBundle(bundle, true));
            assertEquals(2, store.pending().size());
        }
        assertArrayEquals(new byte[] {42}, Files.readAllBytes(bundle));
        assertFalse(Files.exists(bundle.resolveSibling(".bundle.zip.partial")));
    }

    @Test
    void refusesAPartWhoseRecordedSizeChangedAndDeletesNothing() throws IOException {
        Path bundle = bundle("bundle.zip");
        try (SubmissionStore store = open()) {
            String id = twoSubmissions(store).get(1);
            try (Handle database = rawDatabase()) {
                assertEquals(1, database.execute("UPDATE parts SET size = size + 1 WHERE submission_id = ?", id));
            }
            assertThrows(IOException.class, () -> store.exportBundle(bundle, true));
            assertEquals(2, store.pending().size());
        }
        assertFalse(Files.exists(bundle));
    }

    private static String expectedManifest(List<String> ids, String withAttachments) {
        StringBuilder submissions = new StringBuilder();
        for (String id : ids) {
            if (submissions.length() > 0) {
                submissions.append(',');
            }
            submissions.append("{\"id\":\"").append(id)
                    .append("\",\"received\":\"2026-11-27\",\"encryptedBy\":\"browser\",")
                    .append("\"subkey\":\"63E2DFACB0C99B43\",")
                    .append("\"parts\":[{\"name\":\"testimony.json.pgp\",\"size\":5000}");
            if (id.equals(withAttachments)) {
                submissions.append(",{\"name\":\"attachment-1.pgp\",\"size\":70000}")
                        .append(",{\"name\":\"attachment-2.pgp\",\"size\":0}");
            }
            submissions.append("]}");
        }
        return "{\"type\":\"testimony-intake/bundle\",\"version\":1,\"created\":\"2026-11-27\",\"submissions\":["
                + submissions + "]}";
    }

    static byte[] read(ZipFile zip, String name) throws IOException {
        try (var in = zip.getInputStream(zip.getEntry(name))) {
            return in.readAllBytes();
        }
    }

    /** A local file header or central directory header, as its bytes say. */
    record Header(String kind, String name, int flags, int method, int dosTime, int dosDate, int extraLength) {
    }

    /** Walks a ZIP file's headers by hand, so that nothing the JDK would hide escapes the assertions. */
    static final class RawZip {
        private static final int LOCAL = 0x04034b50;
        private static final int CENTRAL = 0x02014b50;

        static List<Header> headers(byte[] zip) {
            ByteBuffer bytes = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
            List<Header> headers = new ArrayList<>();
            int at = 0;
            while (bytes.getInt(at) == LOCAL) {
                int nameLength = bytes.getShort(at + 26) & 0xffff;
                int extraLength = bytes.getShort(at + 28) & 0xffff;
                headers.add(new Header("local", new String(zip, at + 30, nameLength, StandardCharsets.UTF_8),
                        bytes.getShort(at + 6) & 0xffff, bytes.getShort(at + 8) & 0xffff,
                        bytes.getShort(at + 10) & 0xffff, bytes.getShort(at + 12) & 0xffff, extraLength));
                at += 30 + nameLength + extraLength + bytes.getInt(at + 18);
            }
            while (bytes.getInt(at) == CENTRAL) {
                int nameLength = bytes.getShort(at + 28) & 0xffff;
                int extraLength = bytes.getShort(at + 30) & 0xffff;
                int commentLength = bytes.getShort(at + 32) & 0xffff;
                headers.add(new Header("central", new String(zip, at + 46, nameLength, StandardCharsets.UTF_8),
                        bytes.getShort(at + 8) & 0xffff, bytes.getShort(at + 10) & 0xffff,
                        bytes.getShort(at + 12) & 0xffff, bytes.getShort(at + 14) & 0xffff, extraLength));
                at += 46 + nameLength + extraLength + commentLength;
            }
            return headers;
        }
    }
}
