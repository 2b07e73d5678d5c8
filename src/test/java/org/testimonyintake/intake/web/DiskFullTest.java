package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.intake.Html;
import org.testimonyintake.intake.TestOffice;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.intake.cli.IntakeServer;
import org.testimonyintake.intake.i18n.Language;
import org.testimonyintake.intake.i18n.Messages;
import org.testimonyintake.intake.submission.Questionnaire;
import org.testimonyintake.intake.submission.SubmissionService;
import org.testimonyintake.office.cli.OfficeCli;

/**
 * The server's data directory on a small file system (a tmpfs of 8 MiB; mounting needs root, else the test is
 * skipped), filled while sources send: each source gets either the page that their testimony arrived or the
 * localized "the site is full" refusal with Retry-After, never a server error; nothing half-written is left; every
 * acknowledged testimony is exported and decrypts; and once space is freed the same running server takes testimony
 * again.
 */
class DiskFullTest {
    private static final int PAGE = 4096;
    private static final int PAGES_FREED_ONE_BY_ONE = 64;
    private static final Pattern OFFSET = Pattern.compile("\"offset\":(\\d+)");

    @TempDir
    Path directory;
    private Path data;
    private boolean mounted;
    private final Messages messages = Messages.load();
    private final List<String> acknowledged = new ArrayList<>();
    private int sent;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        data = Files.createDirectory(directory.resolve("data"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", data.toString())
                .redirectErrorStream(true).start();
        mount.getInputStream().transferTo(OutputStream.nullOutputStream());
        mounted = mount.waitFor() == 0;
        assumeTrue(mounted, "mounting a size-limited tmpfs needs root");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            assertEquals(0, new ProcessBuilder("umount", data.toString()).inheritIO().start().waitFor());
        }
    }

    @Test
    void aFullDiskRefusesClearlyLosesNothingLeavesNothingAndRecoversByItself() throws Exception {
        Path filler = data.resolve("filler");
        try (TestSite site = TestSite.start(directory)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, submit(site, "en", 20_000).statusCode());
            }
            String upload = createUpload(site);

            // Sources under way while the disk fills: 3 MiB free, six files of 1 MiB at once.
            fill(filler, Files.getFileStore(data).getUsableSpace() - (3L << 20));
            ExecutorService sources = Executors.newFixedThreadPool(6);
            List<Future<HttpResponse<String>>> underWay = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String language = List.of("en", "ko", "ru").get(i % 3);
                underWay.add(sources.submit(() -> submit(site, language, 1 << 20)));
            }
            int refused = 0;
            for (int i = 0; i < underWay.size(); i++) {
                refused += storedOrFull(underWay.get(i).get(), List.of("en", "ko", "ru").get(i % 3)) ? 0 : 1;
            }
            sources.shutdown();
            assertTrue(refused > 0, "6 MiB cannot fit in 3 MiB");
            assertNothingHalfWritten(upload);

            // Full to the last page: every language hears it, and so does a resumable upload.
            fill(filler, Long.MAX_VALUE);
            for (String language : List.of("en", "ko", "ru")) {
                assertTrue(!storedOrFull(submit(site, language, 200_000), language), "nothing fits");
            }
            HttpResponse<String> chunk = appendChunk(site, upload, 0, 200_000);
            assertEquals(503, chunk.statusCode(), chunk.body());
            assertEquals("600", chunk.headers().firstValue("Retry-After").orElseThrow());
            assertEquals("{\"error\":\"server-full\",\"offset\":0}", chunk.body());
            assertNothingHalfWritten(upload);

            // A page freed at a time: each stored testimony takes that page and more, so writes keep failing, each
            // time at another place (part files, the database, its log), and each failure must be clean.
            int storedOfPages = 0;
            for (int page = 1; page <= PAGES_FREED_ONE_BY_ONE; page++) {
                try (FileChannel channel = FileChannel.open(filler, StandardOpenOption.WRITE)) {
                    channel.truncate(Files.size(filler) - PAGE);
                }
                storedOfPages += storedOrFull(submit(site, "en", 0), "en") ? 1 : 0;
                assertNothingHalfWritten(upload);
            }
            assertTrue(storedOfPages > 0 && storedOfPages < PAGES_FREED_ONE_BY_ONE, storedOfPages + " stored");

            // Space freed: the same server takes testimony and chunks again, without a restart.
            Files.delete(filler);
            HttpResponse<String> stored = submit(site, "ko", 300_000);
            assertEquals(200, stored.statusCode(), stored.body());
            HttpResponse<String> resumed = appendChunk(site, upload, 0, 200_000);
            assertEquals(200, resumed.statusCode(), resumed.body());
            assertEquals("200000", offset(resumed));
            assertNothingHalfWritten(upload);
        }
        assertEquals(new TreeSet<>(acknowledged), exportedTestimonies());
        assertTrue(acknowledged.size() < sent, "some were refused");
    }

    /** True if stored (and remembered as acknowledged), false if refused as full; anything else fails the test. */
    private boolean storedOrFull(HttpResponse<String> answer, String language) {
        if (answer.statusCode() == 200) {
            return true;
        }
        assertEquals(503, answer.statusCode(), answer.body());
        assertEquals("600", answer.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(answer.body().contains(Html.escaped(messages.text(Language.fromTag(language).orElseThrow(), "error.site-full"))),
                answer.body());
        return false;
    }

    /** The JavaScript-off form with a unique testimony and, if attachmentSize > 0, a file of that size. */
    private HttpResponse<String> submit(TestSite site, String language, int attachmentSize) throws Exception {
        String testimony;
        synchronized (this) {
            testimony = "disk-full testimony " + sent++;
        }
        TestSite.Multipart form = new TestSite.Multipart()
                .field(SubmissionService.FORM_TOKEN_FIELD, site.formToken())
                .field(Questionnaire.TESTIMONY, testimony);
        if (attachmentSize > 0) {
            byte[] file = new byte[attachmentSize];
            new Random(attachmentSize).nextBytes(file);
            form.file(SubmissionService.ATTACHMENTS_FIELD, "file.bin", "application/octet-stream", file);
        }
        HttpResponse<String> answer = site.post("/submit?lang=" + language, form);
        if (answer.statusCode() == 200) {
            synchronized (this) {
                acknowledged.add(testimony);
            }
        }
        return answer;
    }

    private static String createUpload(TestSite site) throws Exception {
        HttpResponse<String> created = site.send("POST", "/api/uploads", HttpRequest.BodyPublishers.ofString(
                SubmissionService.FORM_TOKEN_FIELD + "=" + site.formToken()),
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(201, created.statusCode(), created.body());
        return created.body().replaceAll(".*\"id\":\"([0-9a-f]+)\".*", "$1");
    }

    /** A chunk that opens like ciphertext (a PKESK packet's first octet); the store checks no more of it. */
    private static HttpResponse<String> appendChunk(TestSite site, String upload, long offset, int size) throws Exception {
        byte[] chunk = new byte[size];
        new Random(size).nextBytes(chunk);
        chunk[0] = (byte) 0xC1;
        return site.send("POST", "/api/uploads/" + upload + "?offset=" + offset,
                HttpRequest.BodyPublishers.ofByteArray(chunk), "Content-Type", "application/octet-stream");
    }

    private static String offset(HttpResponse<String> answer) {
        Matcher offset = OFFSET.matcher(answer.body());
        assertTrue(offset.find(), answer.body());
        return offset.group(1);
    }

    /** Grows the filler until the file system has at most {@code leave} octets free, or is full. */
    private void fill(Path filler, long bytes) throws IOException {
        byte[] block = new byte[PAGE];
        try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (long written = 0; written < bytes; written += block.length) {
                out.write(block);
            }
        } catch (IOException full) {
            // the last page taken
        }
    }

    /**
     * No submission directory waits in incoming/, no part file under a temporary name, no database row without its
     * directory or directory without its row; of the partial uploads, only the one the test keeps, as long as
     * it acknowledged.
     */
    private void assertNothingHalfWritten(String upload) throws Exception {
        try (Stream<Path> incoming = Files.list(data.resolve("incoming"))) {
            assertEquals(List.of(), incoming.toList(), "incoming/");
        }
        try (Stream<Path> files = Files.walk(data)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".partial")).toList());
        }
        try (Stream<Path> uploads = Files.list(data.resolve("uploads"))) {
            assertEquals(List.of(data.resolve("uploads").resolve(upload)), uploads.toList());
        }
        try (Stream<Path> submissions = Files.list(data.resolve("submissions"))) {
            assertEquals(acknowledged.size(), submissions.count(), "one directory per acknowledged submission");
        }
    }

    /** Exports the data and decrypts the bundle as staff do; the testimonies it holds. */
    private Set<String> exportedTestimonies() throws Exception {
        Path bundle = directory.resolve("bundle.zip");
        assertEquals(0, EndToEndTest.run(IntakeServer::execute, "export", "--data", data.toString(), "--out",
                bundle.toString()));
        Path passphrase = Files.writeString(directory.resolve("passphrase"), new String(TestOffice.PASSPHRASE));
        Path caseFolder = directory.resolve("case");
        assertEquals(0, EndToEndTest.run(OfficeCli::execute, "decrypt", "--secret",
                TestOffice.secretKeyFile(directory).toString(), "--passphrase-file", passphrase.toString(), "--out",
                caseFolder.toString(), bundle.toString()));
        Set<String> testimonies = new TreeSet<>();
        try (Stream<Path> files = Files.walk(caseFolder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals("testimony.json")).toList()) {
                TestimonyDocument document = TestimonyDocument.parse(Files.readAllBytes(file));
                document.answers().stream().filter(answer -> answer.id().equals(Questionnaire.TESTIMONY))
                        .forEach(answer -> testimonies.add(answer.values().get(0)));
            }
        }
        return testimonies;
    }
}
