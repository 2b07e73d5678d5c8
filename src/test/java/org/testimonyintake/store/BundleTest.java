package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleTest {
    private static final byte[] TESTIMONY = Submissions.content("testimony ", 5000);
    private static final byte[] PHOTO = Submissions.content("photo ", 70_000);
    /** 1980-01-01 00:00 in MS-DOS form: date (year-1980) << 9 | month << 5 | day, time 0. */
    private static final int DOS_DATE_1980_01_01 = 0x0021;

    @TempDir
    Path temp;
    private Path data;
    private Path bundle;
    private List<String> ids;
    private String withAttachments;

    @BeforeEach
    void twoSubmissions() throws IOException {
        data = temp.resolve("data");
        bundle = temp.resolve("export/bundle.zip");
        Files.createDirectories(bundle.getParent());
        try (SubmissionStore store = SqliteSubmissionStore.open(data, Submissions.AFTERNOON)) {
            withAttachments = Submissions.commit(store, TESTIMONY, PHOTO, new byte[0]);
            ids = new ArrayList<>(List.of(withAttachments, Submissions.commit(store, TESTIMONY)));
        }
        Collections.sort(ids); // the order of pending() within a date
    }

    @Test
    void theBundleHoldsTheManifestThenEveryPart() throws IOException {
        try (SubmissionStore store = SqliteSubmissionStore.open(data, Submissions.AFTERNOON)) {
            assertEquals(2, store.exportBundle(bundle, false));
        }
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
            assertEquals(expectedManifest(), new String(read(zip, "bundle.json"), StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyHeaderCarriesTheEarliestTimeAndNoExtraFields() throws IOException {
        try (SubmissionStore store = SqliteSubmissionStore.open(data, Submissions.AFTERNOON)) {
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
        try (SubmissionStore store = SqliteSubmissionStore.open(data, Submissions.AFTERNOON)) {
            store.exportBundle(bundle, false);
            assertEquals(2, store.pending().size());
            assertEquals(2, store.exportBundle(temp.resolve("export/again.zip"), false));
        }
        assertArrayEquals(Files.readAllBytes(bundle), Files.readAllBytes(temp.resolve("export/again.zip")),
                "the same submissions on the same date give the same bytes");
    }

    @Test
    void withDeletionRowsAndFilesGo() throws IOException {
        try (SubmissionStore store = SqliteSubmissionStore.open(data, Submissions.AFTERNOON)) {
            assertEquals(2, store.exportBundle(bundle, true));
            assertEquals(List.of(), store.pending());
            assertEquals(List.of(), Submissions.names(data.resolve("submissions")));
            Path empty = temp.resolve("export/empty.zip");
            assertEquals(0, store.exportBundle(empty, true));
            try (ZipFile zip = new ZipFile(empty.toFile())) {
                assertEquals("{\"type\":\"testimony-intake/bundle\",\"version\":1,\"created\":\"2026-11-27\","
                        + "\"submissions\":[]}", new String(read(zip, "bundle.json"), StandardCharsets.UTF_8));
            }
        }
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            assertEquals(5, zip.size(), "the bundle kept what was deleted");
        }
    }

    @Test
    void theBundleFileIsOwnerOnlyDatedAndAlone() throws IOException {
        Path leftover = bundle.resolveSibling(".bundle.zip.partial");
        Files.write(leftover, new byte[] {1, 2, 3}); // an export that crashed
        try (SubmissionStore store = SqliteSubmissionStore.open(data, Submissions.AFTERNOON)) {
            store.exportBundle(bundle, true);
        }
        assertEquals("rw-------", Modes.of(bundle));
        assertEquals(FileTime.from(Instant.parse("2026-11-27T00:00:00Z")), Files.getLastModifiedTime(bundle));
        assertEquals(List.of("bundle.zip"), Submissions.names(bundle.getParent()), "no temporary file left");
    }

    @Test
    void neverOverwritesAndThenDeletesNothing() throws IOException {
        Files.write(bundle, new byte[] {42});
        try (SubmissionStore store = SqliteSubmissionStore.open(data, Submissions.AFTERNOON)) {
            assertThrows(FileAlreadyExistsException.class, () -> store.exportBundle(bundle, true));
            assertEquals(2, store.pending().size());
        }
        assertArrayEquals(new byte[] {42}, Files.readAllBytes(bundle));
        assertFalse(Files.exists(bundle.resolveSibling(".bundle.zip.partial")));
    }

    @Test
    void refusesAPartWhoseSizeChanged() throws IOException {
        Files.write(data.resolve("submissions").resolve(ids.get(1)).resolve("testimony.json.pgp"),
                new byte[] {1}, StandardOpenOption.APPEND);
        try (SubmissionStore store = SqliteSubmissionStore.open(data, Submissions.AFTERNOON)) {
            assertThrows(IOException.class, () -> store.exportBundle(bundle, true));
            assertEquals(2, store.pending().size());
        }
        assertFalse(Files.exists(bundle));
    }

    private String expectedManifest() {
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

    private static byte[] read(ZipFile zip, String name) throws IOException {
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
