package org.testimonyintake.intake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.intake.TestSite;

/**
 * The README's main command, as `mvn package` leaves the jars: `intake-server demo` makes a DEMO key with the office
 * jar, serves the site, and the two commands it prints export and decrypt what was submitted.
 */
class DemoIT {
    private static final Pattern TOKEN = Pattern.compile("name=\"form-token\" value=\"([^\"]+)\"");

    @Test
    void demoServesTheSiteAndItsPrintedCommandsReadWhatWasSubmitted(@TempDir Path directory) throws Exception {
        Path demo = directory.resolve("intake-demo");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process server = new ProcessBuilder("java", "-jar", "target/intake-server.jar", "demo",
                "--dir", demo.toString(), "--port", String.valueOf(port)).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try {
            BufferedReader lines = new BufferedReader(
                    new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.add(line);
                if (line.startsWith("  java -jar ") && line.contains(" decrypt ")) {
                    break; // the last line the demo prints
                }
            }
            String printed = String.join("\n", output);
            assertTrue(printed.contains("site:        http://127.0.0.1:" + port + "/"), printed);
            assertTrue(printed.contains("DEMO"), printed);
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(demo.resolve("DEMO-office.sec.asc"))));
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(demo.resolve("DEMO-passphrase.txt"))));

            HttpClient client = HttpClient.newHttpClient();
            URI site = URI.create("http://127.0.0.1:" + port + "/");
            String landing = client.send(HttpRequest.newBuilder(site).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(landing.contains("DEMO intake"), landing);
            String form = client.send(HttpRequest.newBuilder(site.resolve("/form")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher token = TOKEN.matcher(form);
            assertTrue(token.find(), form);
            TestSite.Multipart body = new TestSite.Multipart().field("form-token", token.group(1))
                    .field("testimony", "A demo testimony, 데모 증언.");
            HttpResponse<String> received = client.send(HttpRequest.newBuilder(site.resolve("/submit"))
                    .header("Content-Type", "multipart/form-data; boundary=" + body.boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, received.statusCode(), received.body());
        } finally {
            server.destroy(); // SIGTERM: the shutdown hook closes the site and the store
            assertTrue(server.waitFor(30, TimeUnit.SECONDS));
        }

        for (String line : output) {
            if (line.startsWith("  java -jar ")) {
                Process command = new ProcessBuilder(List.of(line.strip().split(" "))).redirectErrorStream(true)
                        .start();
                String said = new String(command.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, command.waitFor(), line + "\n" + said);
            }
        }
        try (Stream<Path> files = Files.walk(demo.resolve("case"))) {
            Path testimony = files.filter(f -> f.getFileName().toString().equals("testimony.json"))
                    .findFirst().orElseThrow();
            assertTrue(Files.readString(testimony).contains("데모 증언"));
        }
    }
}
