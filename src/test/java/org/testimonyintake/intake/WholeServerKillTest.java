package org.testimonyintake.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.BundleManifest;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.intake.cli.IntakeServer;
import org.testimonyintake.intake.cli.ServeProcess;
import org.testimonyintake.intake.submission.Questionnaire;
import org.testimonyintake.office.CaseFolder;
import org.testimonyintake.office.cli.OfficeCli;

/**
 * SIGKILL of the whole intake server (a {@code serve} JVM of its own) while 100 sources upload at once by the three
 * paths of FORMAT.md section 7: the JavaScript-off form with files, the browser's ciphertext in one request, and
 * resumable uploads (section 7.1), one of them large. Each round kills at another moment: after a number of
 * acknowledgements, or in the middle of a chunk of the large upload. The server then starts again on the same data
 * directory, the large upload resumes where its bytes reached the disk, and: every acknowledged submission is exported
 * exactly once and decrypts with {@code intake-office decrypt} to what its source sent, byte for byte; the data
 * directory holds a row for every submission folder and nothing half received; no partial upload outlives its rule;
 * and no file or folder there keeps a time finer than a date (section 6), the SQLite files aside. At rest, as the kill
 * left them and again at the end of each round, the data directory, the server's temporary folder and its logs hold
 * no plaintext marker of the sources (who send by all three paths) and neither their address nor their user agent. A
 * killed process keeps the page cache, so this tests the order of writes, the reconciliation at start and the upload
 * rules, not the fsyncs.
 *
 * <p>3 rounds; {@code -Dkill.rounds=N} (bench/kill-rounds.sh) runs N, each printing a line of figures.
 */
class WholeServerKillTest {
    private static final int SOURCES = 100;
    /** The large upload's attachment, sent in chunks of LARGE_CHUNK: a kill can land in the middle of one. */
    private static final int LARGE_SIZE = 12 << 20;
    private static final int LARGE_CHUNK = 4 << 20;
    private static final int CHUNK = 8 << 10;
    private static final int SEGMENT = 16 << 10;
    /** How many acknowledgements come before the moment of each round's kill; 0: in the middle of the large upload. */
    private static final int[] KILL_AFTER = {3, 0, 70, 35, 0, 95, 1, 0, 50, 15};
    /** In a round that kills in the middle of the large upload, its second chunk starts after this many. */
    private static final int MIDDLE_AFTER = 20;
    /** In every source's testimony and files: the plaintext marker the at-rest scan looks for. */
    private static final String RUN = Long.toHexString(new Random().nextLong());
    /**
     * What the server must not write down about its sources either (FORMAT.md section 6): their address (every Tor
     * client arrives from 127.0.0.1) and their user agent, the JDK client's here.
     */
    private static final List<String> ABOUT_SOURCES = List.of("127.0.0.1", "Java-http-client");

    @TempDir
    Path directory;
    private Path keyFile;
    private Path data;
    private Path serverTemp;

    @Test
    void everyAcknowledgedSubmissionSurvivesAKillOfTheWholeServer() throws Exception {
        keyFile = TestOffice.certificateFile(directory);
        data = directory.resolve("data");
        serverTemp = Files.createDirectory(directory.resolve("server-tmp"));
        int rounds = Integer.getInteger("kill.rounds", 3);
        ServeProcess server = serve(0);
        try {
            for (int round = 1; round <= rounds; round++) {
                ServeProcess restarted = round(round, server);
                server = restarted;
            }
        } finally {
            server.close();
        }
    }

    private ServeProcess serve(int round) throws Exception {
        return ServeProcess.start(directory.resolve("server-" + round + ".log"),
                List.of("-Djava.io.tmpdir=" + serverTemp, "-XX:-UsePerfData"), Map.of("TMPDIR", serverTemp.toString()),
                "--key", keyFile.toString(), "--data", data.toString(), "--port", "0");
    }

    /** One round against {@code server}: uploads, the kill, the restart and every check; returns the restarted server. */
    private ServeProcess round(int round, ServeProcess server) throws Exception {
        long started = System.nanoTime();
        int killAfter = KILL_AFTER[(round - 1) % KILL_AFTER.length];
        Random random = new Random(round);
        OfficeCertificate office = TestOffice.key().certificate();
        Map<String, Sources.Testimony> sent = new HashMap<>();
        List<Source> sources = new ArrayList<>();
        LargeUpload large = new LargeUpload(Sources.encrypted(office, random, text(round, 0, "a large resumable upload"),
                List.of(new Sources.File("large-video.bin", "video/mp4", Sources.content(random, LARGE_SIZE, RUN))),
                SEGMENT));
        sent.put(large.testimony.text(), large.testimony);
        for (int i = 1; i < SOURCES; i++) {
            Route route = Route.values()[i % 3];
            String text = text(round, i, route.name());
            List<Sources.File> files = List.of(
                    new Sources.File("notes-" + i + ".txt", "text/plain",
                            Sources.content(random, 2000 + random.nextInt(20_000), text)),
                    new Sources.File("scan-" + i + ".bin", "application/octet-stream",
                            Sources.content(random, 20_000 + random.nextInt(40_000), text)));
            Sources.Testimony testimony = route == Route.FORM ? Sources.plain(text, files)
                    : Sources.encrypted(office, random, text, files, SEGMENT);
            sent.put(text, testimony);
            sources.add(new Source(route, testimony));
        }

        TestSite site = TestSite.servedBy(server.url(), directory, keyFile, data);
        String token = site.formToken();
        Kill kill = new Kill(server, killAfter);
        ExecutorService pool = Executors.newFixedThreadPool(SOURCES);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        try {
            running.add(pool.submit(kill.guard(large.testimony, Route.RESUMABLE, go, () -> large.send(site, token,
                    killAfter == 0 ? kill : null))));
            for (Source source : sources) {
                running.add(pool.submit(kill.guard(source.testimony, source.route, go, () -> source.send(site, token))));
            }
            go.countDown();
            for (Future<?> source : running) {
                source.get();
            }
        } finally {
            pool.shutdownNow();
            kill.now(); // in case a round ran out of sources before its moment: the test then fails below
        }
        assertEquals(List.of(), kill.failures, "before the kill every request was answered, and every answer was 200");
        assertTrue(kill.inFlightAtKill > 0,
                "the kill came while sources were uploading, not after all " + SOURCES + " answered");

        assertNothingOfTheSourcesWritten("as the kill left the server's files");

        Path stale = planStaleUpload();
        ServeProcess restarted = serve(round);
        TestSite again = TestSite.servedBy(restarted.url(), directory, keyFile, data);
        assertEquals(List.of(), names(data.resolve("incoming")), "nothing half received is left");
        assertFalse(Files.exists(stale), "a partial upload dated two days back is deleted at start");
        int partialUploads = assertPartialUploadsKeepTheirRule();
        assertNoTimeOfDayIn(data);
        assertEquals(List.of(), leftoversIn(serverTemp), "nothing of an upload in the server's temporary folder");

        String resumedAt = "-";
        if (!large.acknowledged && !large.submitting) {
            long offset = large.resume(again, again.formToken());
            resumedAt = String.valueOf(offset);
            if (killAfter == 0) {
                assertTrue(offset > LARGE_CHUNK && offset <= LARGE_CHUNK + large.sentOfBrokenChunk,
                        "the broken-off chunk is kept as far as it reached the disk: offset " + offset + ", "
                                + large.sentOfBrokenChunk + " octets of the chunk at " + LARGE_CHUNK + " sent");
            }
            kill.acknowledged.add(large.testimony.text());
            kill.acknowledgedByPath.merge(Route.RESUMABLE, 1, Integer::sum);
        }
        assertTrue(killAfter != 0 || !resumedAt.equals("-"), "the large upload was killed in its middle");

        Map<String, Set<String>> onDisk = submissionFolders();
        Path bundle = directory.resolve("round-" + round + ".zip");
        cli(IntakeServer::execute, "export", "--data", data.toString(), "--out", bundle.toString(), "--delete-exported");
        assertEquals(onDisk, exportedParts(bundle), "every submission folder has its row, with exactly its parts");
        assertEquals(List.of(), names(data.resolve("submissions")), "exported with deletion");
        assertNoTimeOfDayIn(data);

        Path caseFolder = directory.resolve("case-" + round);
        decrypt(bundle, caseFolder);
        assertFalse(MarkerScan.filesContaining(caseFolder, RUN).isEmpty(), "the marker scan finds the plaintext");
        assertNothingOfTheSourcesWritten("after the restart, the resumed upload and the export");
        Set<String> exported = new HashSet<>();
        for (CaseFolder.Submission submission : CaseFolder.submissions(caseFolder)) {
            String text = submission.document().answer(Questionnaire.TESTIMONY).orElseThrow().values().get(0);
            Sources.Testimony testimony = sent.get(text);
            assertNotNull(testimony, "exported, but never sent: " + text);
            assertTrue(exported.add(text), "exported twice: " + text);
            Sources.assertDecrypted(testimony, caseFolder.resolve(submission.folderName()));
        }
        assertEquals(onDisk.size(), exported.size(), "every exported submission decrypted");
        Set<String> lost = new TreeSet<>(kill.acknowledged);
        lost.removeAll(exported);

        System.out.printf("kill round %d: SIGKILL %s with %d of %d sources in flight; acknowledged %d (form %d, "
                        + "ciphertext %d, resumable %d); large upload resumed at offset %s; exported %d (%d without "
                        + "an answer); lost %d; partial uploads kept %d; %.1f s%n", round,
                killAfter == 0 ? "in the middle of the large upload (after " + kill.acknowledgedAtKill + " answers)"
                        : "after " + killAfter + " answers", kill.inFlightAtKill, SOURCES, kill.acknowledged.size(),
                kill.acknowledgedByPath.getOrDefault(Route.FORM, 0),
                kill.acknowledgedByPath.getOrDefault(Route.CIPHERTEXT, 0),
                kill.acknowledgedByPath.getOrDefault(Route.RESUMABLE, 0), resumedAt, exported.size(),
                exported.size() - (kill.acknowledged.size() - lost.size()), lost.size(), partialUploads,
                (System.nanoTime() - started) / 1e9);
        assertEquals(Set.of(), lost, "acknowledged, and not exported");
        return restarted;
    }

    private static String text(int round, int source, String path) {
        return "TEST-ONLY run " + RUN + " round " + round + " source " + source + " by " + path;
    }

    /** The three paths of FORMAT.md section 7. */
    private enum Route {
        FORM, CIPHERTEXT, RESUMABLE
    }

    private record Source(Route route, Sources.Testimony testimony) {
        boolean send(TestSite site, String token) throws IOException, InterruptedException {
            HttpResponse<String> answer = switch (route) {
                case FORM -> Sources.postForm(site, token, testimony);
                case CIPHERTEXT -> Sources.postCiphertext(site, token, testimony);
                case RESUMABLE -> Sources.postResumable(site, token, testimony, CHUNK);
            };
            if (answer.statusCode() != 200) {
                throw new RefusedException(answer.statusCode() + " " + answer.body());
            }
            return true;
        }
    }

    /** A server's answer other than 200: never expected here, before the kill or after. */
    private static final class RefusedException extends IOException {
        RefusedException(String answer) {
            super(answer);
        }
    }

    /** When to kill the server, and what the sources saw until then. */
    private static final class Kill {
        private final ServeProcess server;
        private final int afterAcknowledgements;
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final Map<Route, Integer> acknowledgedByPath = new ConcurrentHashMap<>();
        final List<String> failures = new ArrayList<>();
        private final AtomicInteger answered = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final CountDownLatch middle = new CountDownLatch(MIDDLE_AFTER);
        private volatile boolean killing;
        int inFlightAtKill;
        int acknowledgedAtKill;

        Kill(ServeProcess server, int afterAcknowledgements) {
            this.server = server;
            this.afterAcknowledgements = afterAcknowledgements;
        }

        /** Runs a source once {@code go} opens: counts its answer and kills at the moment; records what is wrong. */
        Callable<Void> guard(Sources.Testimony testimony, Route route, CountDownLatch go, Callable<Boolean> send) {
            return () -> {
                go.await();
                try {
                    if (send.call()) {
                        acknowledged.add(testimony.text());
                        acknowledgedByPath.merge(route, 1, Integer::sum);
                        middle.countDown();
                        // not acknowledged.size(): two answers at once would both see the count past the moment
                        if (answered.incrementAndGet() == afterAcknowledgements) {
                            now();
                        }
                    }
                } catch (RefusedException refused) {
                    failure(route + " refused: " + refused.getMessage());
                } catch (IOException cut) {
                    if (!killing) {
                        failure(route + " failed before the kill: " + cut);
                    }
                } finally {
                    finished.incrementAndGet();
                }
                return null;
            };
        }

        private synchronized void failure(String what) {
            failures.add(what);
        }

        /** SIGKILL, once. */
        synchronized void now() throws InterruptedException {
            if (!killing) {
                killing = true;
                inFlightAtKill = SOURCES - finished.get();
                acknowledgedAtKill = acknowledged.size();
                server.kill();
            }
        }
    }

    /**
     * The large resumable upload: the testimony and one whole attachment of LARGE_SIZE, sent in chunks of
     * LARGE_CHUNK. It remembers its upload ids and how far it got, to resume after the restart as the form's script
     * does (asks for the offset, sends the rest).
     */
    private final class LargeUpload {
        final Sources.Testimony testimony;
        final Map<String, String> uploads = new LinkedHashMap<>();
        volatile boolean submitting;
        volatile boolean acknowledged;
        long sentOfBrokenChunk;

        LargeUpload(Sources.Testimony testimony) {
            this.testimony = testimony;
        }

        /** Uploads and submits; with {@code killInTheMiddle}, breaks off inside the attachment's second chunk instead. */
        boolean send(TestSite site, String token, Kill killInTheMiddle) throws Exception {
            for (Map.Entry<String, byte[]> part : testimony.parts().entrySet()) {
                String id = Sources.createUpload(site, token);
                uploads.put(part.getKey(), id);
                byte[] message = part.getValue();
                for (int offset = 0; offset < message.length; offset += LARGE_CHUNK) {
                    byte[] chunk = Arrays.copyOfRange(message, offset, Math.min(message.length, offset + LARGE_CHUNK));
                    if (killInTheMiddle != null && offset == LARGE_CHUNK) {
                        assertTrue(killInTheMiddle.middle.await(60, TimeUnit.SECONDS), "too few answers came");
                        breakOffAndKill(site, id, offset, chunk, killInTheMiddle);
                        return false;
                    }
                    Sources.appendChunk(site, id, offset, chunk);
                }
            }
            submitting = true;
            acknowledged = Sources.submitUploads(site, token, uploads).statusCode() == 200;
            if (!acknowledged) {
                throw new RefusedException("the large upload's submission was refused");
            }
            return true;
        }

        /** Sends half of the chunk; once some of it is on the server's disk, kills the server. */
        private void breakOffAndKill(TestSite site, String id, int offset, byte[] chunk, Kill kill) throws Exception {
            URI uri = site.uri("/");
            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /api/uploads/" + id + "?offset=" + offset + " HTTP/1.1\r\nHost: " + uri.getHost()
                        + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + chunk.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                sentOfBrokenChunk = chunk.length / 2;
                out.write(chunk, 0, (int) sentOfBrokenChunk);
                out.flush();
                Path file = data.resolve("uploads").resolve(id);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (Files.size(file) <= offset) {
                    assertTrue(System.nanoTime() < deadline, "the server never began writing the chunk");
                    Thread.sleep(5);
                }
                kill.now();
            }
        }

        /** After the restart: asks where each upload stands, sends the rest, submits; returns the attachment's offset. */
        long resume(TestSite site, String token) throws Exception {
            long attachmentOffset = -1;
            for (Map.Entry<String, byte[]> part : testimony.parts().entrySet()) {
                String id = uploads.get(part.getKey());
                if (id == null) { // the kill came before the server answered with an id
                    id = Sources.createUpload(site, token);
                    uploads.put(part.getKey(), id);
                }
                byte[] message = part.getValue();
                long offset = Sources.offset(site, id);
                if (!part.getKey().equals("testimony")) {
                    attachmentOffset = offset;
                }
                while (offset < message.length) {
                    offset = Sources.appendChunk(site, id, offset, Arrays.copyOfRange(message, (int) offset,
                            (int) Math.min(message.length, offset + LARGE_CHUNK)));
                }
            }
            HttpResponse<String> stored = Sources.submitUploads(site, token, uploads);
            assertEquals(200, stored.statusCode(), stored.body());
            acknowledged = true;
            return attachmentOffset;
        }
    }

    /**
     * At rest: no plaintext of the sources, and neither their address nor their user agent, anywhere the server
     * wrote: the data directory with SQLite's database, WAL and journal, its temporary folder (Jetty's temporary
     * files go there too) and its logs, of every run so far.
     */
    private void assertNothingOfTheSourcesWritten(String when) throws IOException {
        List<Path> logs = logs();
        assertFalse(logs.isEmpty(), "the server's logs are there to scan");
        List<String> found = new ArrayList<>();
        for (String marker : Stream.concat(Stream.of(RUN), ABOUT_SOURCES.stream()).toList()) {
            for (Path folder : List.of(data, serverTemp)) {
                MarkerScan.filesContaining(folder, marker)
                        .forEach(file -> found.add(marker + " in " + directory.relativize(file)));
            }
            for (Path log : logs) {
                // ISO-8859-1: any octets, as MarkerScan reads them; the listening line names the server's own address
                Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
                        .filter(line -> line.contains(marker) && !line.startsWith(ServeProcess.LISTENING))
                        .forEach(line -> found.add(marker + " in " + log.getFileName() + ": " + line));
            }
        }
        assertEquals(List.of(), found, "nothing of the sources is written down, " + when);
    }

    private List<Path> logs() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().matches("server-[0-9]+\\.log")).sorted()
                    .toList();
        }
    }

    /** An upload abandoned three days ago, as a crash long past may have left it: the restart must delete it. */
    private Path planStaleUpload() throws IOException {
        byte[] name = new byte[16];
        new Random().nextBytes(name);
        Path stale = Files.write(data.resolve("uploads").resolve(HexFormat.of().formatHex(name)),
                new byte[] {(byte) 0xC1, 3, 0});
        Files.setLastModifiedTime(stale, FileTime.from(
                LocalDate.now(ZoneOffset.UTC).minusDays(3).atStartOfDay(ZoneOffset.UTC).toInstant()));
        return stale;
    }

    /** Every partial upload kept is dated today or yesterday; returns how many there are. */
    private int assertPartialUploadsKeepTheirRule() throws IOException {
        LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        List<String> old = new ArrayList<>();
        List<String> uploads = names(data.resolve("uploads"));
        for (String name : uploads) {
            LocalDate modified = LocalDate.ofInstant(Files.getLastModifiedTime(data.resolve("uploads").resolve(name))
                    .toInstant(), ZoneOffset.UTC);
            if (modified.isBefore(yesterday)) {
                old.add(name + " modified " + modified);
            }
        }
        assertEquals(List.of(), old, "a partial upload is kept for at most a day after its last chunk");
        return uploads.size();
    }

    /**
     * Every file and folder in the data directory has a modification time at 00:00 UTC (FORMAT.md section 6), except
     * the SQLite files, which SQLite dates with each write while the store is open (DataDirectory says so).
     */
    private void assertNoTimeOfDayIn(Path folder) throws IOException {
        List<String> timed = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.filter(path -> !path.getFileName().toString().startsWith("intake.db")).toList()) {
                var modified = Files.getLastModifiedTime(path).toInstant().atOffset(ZoneOffset.UTC);
                if (!modified.toLocalTime().equals(LocalTime.MIDNIGHT)) {
                    timed.add(folder.relativize(path) + " modified " + modified);
                }
            }
        }
        assertEquals(List.of(), timed, "no time finer than a date in the data directory");
    }

    /**
     * Files in the server's temporary folder other than the native libraries its JVM unpacks there (SQLite's, with
     * the lock file that marks one in use).
     */
    private static List<String> leftoversIn(Path folder) throws IOException {
        return names(folder).stream().filter(name -> !name.matches("sqlite-[0-9.]+-[0-9a-f-]+-libsqlitejdbc\\.so(\\.lck)?"))
                .toList();
    }

    /** submissions/ as the disk holds it: each folder's name and its files. */
    private Map<String, Set<String>> submissionFolders() throws IOException {
        Map<String, Set<String>> folders = new TreeMap<>();
        for (String id : names(data.resolve("submissions"))) {
            folders.put(id, new TreeSet<>(names(data.resolve("submissions").resolve(id))));
        }
        return folders;
    }

    /** The bundle's manifest: each submission's id and its parts. */
    private static Map<String, Set<String>> exportedParts(Path bundle) throws Exception {
        BundleManifest manifest;
        try (ZipFile zip = new ZipFile(bundle.toFile());
             InputStream json = zip.getInputStream(zip.getEntry(BundleManifest.ENTRY_NAME))) {
            manifest = BundleManifest.parse(json.readAllBytes());
        }
        Map<String, Set<String>> parts = new TreeMap<>();
        for (BundleManifest.Submission submission : manifest.submissions()) {
            parts.put(submission.id(), new TreeSet<>(submission.parts().stream().map(BundleManifest.Part::name).toList()));
        }
        return parts;
    }

    private void decrypt(Path bundle, Path caseFolder) throws Exception {
        Path secret = directory.resolve("office.sec.asc");
        if (!Files.exists(secret)) {
            TestOffice.secretKeyFile(directory);
        }
        Path passphrase = Files.writeString(directory.resolve("passphrase"), new String(TestOffice.PASSPHRASE));
        cli(OfficeCli::execute, "decrypt", "--secret", secret.toString(), "--passphrase-file", passphrase.toString(),
                "--out", caseFolder.toString(), bundle.toString());
    }

    private interface Cli {
        int execute(PrintWriter out, PrintWriter err, String... args);
    }

    private static void cli(Cli cli, String... args) {
        StringWriter err = new StringWriter();
        assertEquals(0, cli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), args),
                String.join(" ", args) + ": " + err);
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(entry -> entry.getFileName().toString()).sorted().toList();
        }
    }
}
