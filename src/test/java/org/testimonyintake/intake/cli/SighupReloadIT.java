package org.testimonyintake.intake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.BundleManifest;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.intake.TestOffice;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.office.OfficeKey;

/**
 * {@code systemctl reload} after {@code intake-office rotate}, on the packaged server: SIGHUP re-reads the key instead
 * of ending the JVM, new submissions go to the new subkey, a message to the old subkey within the grace window is
 * still accepted, and an upload in flight across the reload completes.
 */
class SighupReloadIT {
    @Test
    void reloadOnSighupKeepsServingAndMovesToTheNewSubkey(@TempDir Path directory) throws Exception {
        OfficeKey first = TestOffice.key();
        OfficeKey rotated = first.rotate(TestOffice.PASSPHRASE);
        OfficeCertificate before = first.certificate();
        OfficeCertificate after = rotated.certificate();
        Path keyFile = Files.writeString(directory.resolve("office.asc"), before.armored());
        Path data = directory.resolve("data");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process server = new ProcessBuilder("java", "-jar", "target/intake-server.jar", "serve", "--key", keyFile.toString(),
                "--data", data.toString(), "--port", String.valueOf(port)).redirectErrorStream(true).start();
        BufferedReader log = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        try {
            awaitLine(log, "http://127.0.0.1:" + port + "/");
            URI site = URI.create("http://127.0.0.1:" + port + "/");
            String token = formToken(site);

            TestSite.Multipart inFlight = new TestSite.Multipart().field("form-token", token)
                    .field("testimony", "begun before the reload")
                    .file("attachments", "video.mp4", "video/mp4", new byte[4 << 20]);
            byte[] body = inFlight.bytes();
            try (Socket upload = new Socket("127.0.0.1", port)) {
                OutputStream out = upload.getOutputStream();
                out.write(("POST /submit HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: "
                        + "multipart/form-data; boundary=" + inFlight.boundary + "\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, 0, body.length / 2);
                out.flush();
                awaitPartBeingWritten(data);

                Path replacement = Files.writeString(directory.resolve("office.asc.new"), after.armored());
                Files.move(replacement, keyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                assertEquals(0, new ProcessBuilder("kill", "-HUP", String.valueOf(server.pid())).start().waitFor());
                awaitLine(log, "office key reloaded");
                assertTrue(server.isAlive(), "SIGHUP must not end the server");

                out.write(body, body.length / 2, body.length - body.length / 2);
                out.flush();
                String status = new String(upload.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 200", status, "the upload in flight across the reload completes");
            }

            assertEquals(200, post(site, "/submit", new TestSite.Multipart().field("form-token", formToken(site))
                    .field("testimony", "sent after the reload")));
            byte[] toOldSubkey = MessageEncryptor.encrypt(before, new TestimonyDocument("en", "browser",
                    List.of(TestimonyDocument.Answer.text("testimony", null, "encrypted by a page loaded before")),
                    List.of()).toJson());
            assertEquals(200, post(site, "/api/submissions", new TestSite.Multipart().field("form-token", formToken(site))
                    .file("testimony", "blob", "application/octet-stream", toOldSubkey)), "within the grace window");
        } finally {
            server.destroy();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS));
        }

        Path bundle = directory.resolve("bundle.zip");
        Process export = new ProcessBuilder("java", "-jar", "target/intake-server.jar", "export", "--data", data.toString(),
                "--out", bundle.toString()).redirectErrorStream(true).start();
        assertTrue(export.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, export.exitValue(), new String(export.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        BundleManifest manifest;
        try (ZipFile zip = new ZipFile(bundle.toFile()); InputStream json = zip.getInputStream(zip.getEntry(BundleManifest.ENTRY_NAME))) {
            manifest = BundleManifest.parse(json.readAllBytes());
        }
        String oldSubkey = before.currentSubkey().keyId();
        String newSubkey = after.currentSubkey().keyId();
        List<String> subkeys = manifest.submissions().stream().map(BundleManifest.Submission::subkey).sorted().toList();
        List<String> expected = Arrays.asList(oldSubkey, oldSubkey, newSubkey);
        expected.sort(null);
        assertEquals(expected, subkeys, "in-flight and grace-window submissions on the old subkey, the new one on the new: "
                + manifest.submissions() + " old " + oldSubkey);
    }

    private static String formToken(URI site) throws Exception {
        String form = HttpClient.newHttpClient().send(HttpRequest.newBuilder(site.resolve("/form")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        var matcher = java.util.regex.Pattern.compile("name=\"form-token\" value=\"([^\"]+)\"").matcher(form);
        assertTrue(matcher.find(), form);
        return matcher.group(1);
    }

    private static int post(URI site, String path, TestSite.Multipart body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(site.resolve(path))
                .header("Content-Type", "multipart/form-data; boundary=" + body.boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** The server is mid-upload once the store has begun writing the attachment's ciphertext. */
    private static void awaitPartBeingWritten(Path data) throws Exception {
        for (int attempt = 0; attempt < 300; attempt++) {
            if (Files.isDirectory(data.resolve("incoming"))) {
                try (var files = Files.walk(data.resolve("incoming"))) {
                    if (files.anyMatch(Files::isRegularFile)) {
                        return;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the server never began storing the upload");
    }

    private static void awaitLine(BufferedReader log, String fragment) throws Exception {
        for (String line = log.readLine(); line != null; line = log.readLine()) {
            if (line.contains(fragment)) {
                return;
            }
        }
        throw new AssertionError("the server ended before printing " + fragment);
    }
}
