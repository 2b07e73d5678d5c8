package org.testimonyintake.intake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;
import org.testimonyintake.intake.TestOffice;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.intake.submission.Limits;
import org.testimonyintake.intake.web.IntakeApp;

/** The command line: error format and exit codes, export, and what serve refuses before it listens. */
class ServerCliTest {
    record Run(int exitCode, String out, String err) {
        static Run of(String... args) {
            return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code = IntakeServer.execute(new PrintWriter(out), new PrintWriter(err), args);
                return new Run(code, out.toString(), err.toString());
            });
        }
    }

    @Test
    void aCommandIsRequired() {
        Run run = Run.of();
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("intake-server: error: a command is required"), run.err());
        assertTrue(run.err().contains("intake-server: hint: see 'intake-server --help'"), run.err());
    }

    @Test
    void wrongOptionsAreUsageErrors() {
        assertEquals(2, Run.of("serve", "--no-such-option").exitCode());
        Run badSize = Run.of("serve", "--max-attachment-size", "lots");
        assertEquals(2, badSize.exitCode());
        assertTrue(badSize.err().contains("not a size"), badSize.err());
        assertEquals(2, Run.of("export", "--data", "x").exitCode(), "--out is required");
        Run badOnion = Run.of("serve", "--onion-location", "https://example.org/");
        assertEquals(2, badOnion.exitCode());
        assertTrue(badOnion.err().contains("--onion-location"), badOnion.err());
    }

    @Test
    void helpListsTheCommands() {
        Run help = Run.of("--help");
        assertEquals(0, help.exitCode());
        for (String command : new String[] {"serve", "demo", "export"}) {
            assertTrue(help.out().contains(command), help.out());
        }
    }

    @Test
    void portInUseIsItsOwnFailure(@TempDir Path directory) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run run = Run.of("serve", "--key", TestOffice.certificateFile(directory).toString(),
                    "--data", directory.resolve("data").toString(), "--port", String.valueOf(taken.getLocalPort()));
            assertEquals(6, run.exitCode(), run.err());
            assertTrue(run.err().contains("--port"), run.err());
        }
        Run again = Run.of("export", "--data", directory.resolve("data").toString(),
                "--out", directory.resolve("bundle.zip").toString());
        assertEquals(0, again.exitCode(), "the refused start left the data directory usable: " + again.err());
    }

    @Test
    void exportWritesABundleAndNeverOverwrites(@TempDir Path directory) throws Exception {
        Path data = directory.resolve("data");
        Path bundle = directory.resolve("bundle.zip");
        assertEquals(5, Run.of("export", "--data", data.toString(), "--out", bundle.toString()).exitCode(),
                "no data directory yet");
        TestSite.start(directory).close(); // the first start creates the data directory
        Run export = Run.of("export", "--data", data.toString(), "--out", bundle.toString());
        assertEquals(0, export.exitCode(), export.err());
        assertTrue(export.out().startsWith("0 submissions written to " + bundle), export.out());
        assertTrue(Files.size(bundle) > 0);
        Run again = Run.of("export", "--data", data.toString(), "--out", bundle.toString());
        assertEquals(5, again.exitCode());
        assertTrue(again.err().contains("already exists"), again.err());
    }

    @Test
    void exportRunsWhileTheServerServes(@TempDir Path directory) throws Exception {
        try (TestSite site = TestSite.start(directory)) {
            assertEquals(200, site.submit("/submit", site.formToken(), "before the export").statusCode());
            Run export = Run.of("export", "--data", site.dataDirectory.toString(),
                    "--out", directory.resolve("bundle.zip").toString(), "--delete-exported");
            assertEquals(0, export.exitCode(), export.err());
            assertTrue(export.out().startsWith("1 submission written to "), export.out());
            assertEquals(200, site.submit("/submit", site.formToken(), "after the export").statusCode(),
                    "the site keeps taking testimony: exporting never takes it offline");
        }
    }

    @Test
    void onionLocationNamesTheSamePageOnTheOnionSite(@TempDir Path directory) throws Exception {
        String onion = "http://" + "a".repeat(56) + ".onion/";
        IntakeApp.Settings settings = new IntakeApp.Settings(Limits.defaults(), 30, Optional.of(onion));
        try (TestSite site = TestSite.start(directory, settings)) {
            assertEquals(List.of(onion + "form?lang=ko"),
                    site.get("/form?lang=ko").headers().allValues("Onion-Location"));
            assertEquals(List.of(onion), site.get("/").headers().allValues("Onion-Location"));
        }
    }

    @Test
    void sizesReadAsPeopleWriteThem() {
        assertEquals(600L << 20, ByteSize.parse("600M").bytes());
        assertEquals(2L << 30, ByteSize.parse("2g").bytes());
        assertEquals(1000, ByteSize.parse("1000").bytes());
        assertEquals("600M", new ByteSize(600L << 20).toString());
        assertEquals("1000", new ByteSize(1000).toString());
        assertThrows(TypeConversionException.class, () -> ByteSize.parse("0"));
        assertThrows(TypeConversionException.class, () -> ByteSize.parse("-5M"));
        assertThrows(TypeConversionException.class, () -> ByteSize.parse("999999999999G"));
    }
}
