package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.intake.cli.IntakeServer;

/** The intake site on a PostgreSQL store whose database goes away and comes back. */
class PostgresServerTest {
    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        assumeTrue(PostgresCluster.available(), "Debian's postgresql 15 is not installed");
        cluster = PostgresCluster.startPrimary();
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void exportTakesTheStoreFromTheCommandLineAndThePasswordFromAFile(@TempDir Path directory) throws Exception {
        String location = "postgresql://127.0.0.1:" + cluster.primary().port + "/postgres?user=" + PostgresCluster.USER;
        Path bundle = directory.resolve("bundle.zip");
        assertEquals(2, cli("export", "--store", location + "&password=" + cluster.password(), "--out",
                bundle.toString()).exitCode(), "never the password on the command line");
        assertEquals(2, cli("export", "--store", location, "--out", bundle.toString()).exitCode(),
                "a password file is needed");
        Path passwordFile = directory.resolve("password");
        Files.writeString(passwordFile, cluster.password() + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(5, cli("export", "--store", location, "--store-password-file", passwordFile.toString(),
                "--out", bundle.toString()).exitCode(), "a password file every user can read");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        String id;
        try (SubmissionStore store = PostgresSubmissionStore.open(cluster.primary().jdbcUrl(), PostgresCluster.USER,
                cluster.password(), 2)) {
            store.exportBundle(directory.resolve("earlier.zip"), true); // what other tests left
            id = Submissions.commit(store, Submissions.content("exported from the command line ", 9000));
        }
        Cli export = cli("export", "--store", location, "--store-password-file", passwordFile.toString(),
                "--delete-exported", "--out", bundle.toString());
        assertEquals(0, export.exitCode(), export.err());
        assertTrue(export.out().startsWith("1 submission written"), export.out());
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            assertTrue(zip.getEntry(id + "/testimony.json.pgp") != null);
        }
    }

    private record Cli(int exitCode, String out, String err) {
    }

    private static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = IntakeServer.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Cli(code, out.toString(), err.toString());
    }

    @Test
    void startsWhileTheDatabaseIsDownAnswers503AndRecoversByItself(@TempDir Path directory) throws Exception {
        int pendingBefore;
        try (SubmissionStore store = PostgresSubmissionStore.open(cluster.primary().jdbcUrl(), PostgresCluster.USER,
                cluster.password(), 2)) {
            pendingBefore = store.pending().size();
        }
        cluster.primary().kill();
        try (TestSite site = TestSite.start(directory, () -> PostgresSubmissionStore.open(
                cluster.primary().jdbcUrl(), PostgresCluster.USER, cluster.password(), 4))) {
            HttpResponse<String> refused = site.submit("/submit?lang=ru", site.formToken(), "while it is down");
            assertEquals(503, refused.statusCode());
            assertTrue(refused.body().contains("Приём временно закрыт"), "the localized page");

            cluster.primary().start();
            assertEquals(200, site.submit("/submit", site.formToken(), "once it is back").statusCode());

            cluster.primary().kill(); // now with connections in the pool that are dead
            assertEquals(503, site.submit("/submit", site.formToken(), "down again").statusCode());
            cluster.primary().start();
            assertEquals(200, site.submit("/submit", site.formToken(), "back again").statusCode());
        }
        try (SubmissionStore store = PostgresSubmissionStore.open(cluster.primary().jdbcUrl(), PostgresCluster.USER,
                cluster.password(), 2)) {
            assertEquals(2, store.pending().size() - pendingBefore, "the acknowledged ones, and nothing else");
        }
    }
}
