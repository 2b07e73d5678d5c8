package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.intake.TestOffice;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.intake.cli.IntakeServer;

/** The office key as the site serves it, and the keys the server refuses to start with. */
class OfficeKeyTest {
    record Run(int exitCode, String out, String err) {
    }

    @Test
    void keyIsServedArmoredAndPublicOnly(@TempDir Path directory) throws Exception {
        try (TestSite site = TestSite.start(directory)) {
            HttpResponse<String> key = site.get("/key");
            assertEquals(200, key.statusCode());
            assertTrue(key.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
            assertTrue(key.body().startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"), key.body());
            byte[] served = key.body().getBytes(StandardCharsets.US_ASCII);
            assertFalse(OfficeCertificate.containsSecretKeyMaterial(served));
            assertEquals(TestOffice.fingerprint(), OfficeCertificate.parse(served).primaryFingerprint());
        }
    }

    @Test
    void refusesASecretKey(@TempDir Path directory) throws Exception {
        Run run = serve(TestOffice.secretKeyFile(directory), directory);
        assertEquals(3, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("intake-server: error: cannot use "), run.err());
        assertTrue(run.err().contains("secret key material"), run.err());
        assertTrue(run.err().contains("intake-server: hint: "), run.err());
    }

    @Test
    void refusesAMissingKey(@TempDir Path directory) throws Exception {
        Run run = serve(directory.resolve("office.asc"), directory);
        assertEquals(5, run.exitCode(), run.err());
        assertTrue(run.err().contains("does not exist"), run.err());
        assertTrue(run.err().contains("intake-server demo"), run.err());
    }

    @Test
    void refusesGarbage(@TempDir Path directory) throws Exception {
        Path garbage = Files.writeString(directory.resolve("office.asc"), "this is not a key\n");
        Run run = serve(garbage, directory);
        assertEquals(3, run.exitCode(), run.err());
        assertTrue(run.err().contains("not an OpenPGP certificate"), run.err());
    }

    @Test
    void refusesAKeyWithoutEncryptionSubkey(@TempDir Path directory) throws Exception {
        Run run = serve(TestOffice.certificateWithoutEncryptionSubkey(directory), directory);
        assertEquals(3, run.exitCode(), run.err());
        assertTrue(run.err().contains("no usable encryption subkey"), run.err());
    }

    @Test
    void refusesAnUnreadableKey(@TempDir Path directory) throws Exception {
        Path key = TestOffice.certificateFile(directory);
        Files.setPosixFilePermissions(key, java.util.Set.of());
        if (Files.isReadable(key)) {
            return; // running as root: every file is readable
        }
        Run run = serve(key, directory);
        assertEquals(5, run.exitCode(), run.err());
    }

    /** Runs {@code serve} in-process; a refusal returns at once, so a hang means it started. */
    static Run serve(Path key, Path directory) {
        return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = IntakeServer.execute(new PrintWriter(out), new PrintWriter(err), "serve",
                    "--key", key.toString(), "--data", directory.resolve("data").toString(), "--port", "0");
            return new Run(code, out.toString(), err.toString());
        });
    }
}
