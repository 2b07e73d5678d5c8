package org.testimonyintake.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data archive made as install.sh makes it (deploy/class-data-archive.sh), on the packaged jar: the training
 * run works as an unprivileged user (as root: nobody, standing in for the service user) and leaves nothing behind; a
 * server started with the unit's JVM options maps the archive and answers; one whose archive is missing, or was made
 * for another jar, starts all the same.
 */
@Timeout(300)
class ClassDataArchiveIT {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+/)");

    @TempDir
    Path dir;
    Path jar;
    Path certificate;
    Path archive;

    /** A copy of the jar: a build running meanwhile may replace target/intake-server.jar, which the archive names. */
    @BeforeEach
    void inputs() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = Files.copy(Path.of("target/intake-server.jar"), dir.resolve("intake-server.jar"));
        certificate = Files.copy(Path.of("src/test/resources/vectors/TEST-ONLY-office-key.pub.asc"), dir.resolve("office.asc"));
        archive = dir.resolve("intake-server.jsa");
    }

    @Test
    void serverStartsWithTheTrainedArchiveAndWithoutAUsableOne() throws Exception {
        Path temporary = Files.createDirectory(dir.resolve("tmp"));
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> training = new ArrayList<>(List.of("env", "TMPDIR=" + temporary, "bash", "-c",
                "source deploy/class-data-archive.sh && make_class_data_archive \"$@\"", "make_class_data_archive",
                archive.toString(), jar.toString(), certificate.toString(), DeployFiles.UNIT.toString()));
        if (Command.runningAsRoot()) {
            training.add("nobody");
        }
        Command.run(Duration.ofSeconds(180), training).requireSuccess();
        assertTrue(Files.size(archive) > 1_000_000, "archive of " + Files.size(archive) + " octets");
        try (Stream<Path> left = Files.list(temporary)) {
            assertEquals(List.of(), left.toList(), "the training run left files behind");
        }

        // -Xshare:on: the JVM refuses to start unless it maps the archive.
        List<String> withArchive = new ArrayList<>(deployedJava(archive));
        withArchive.add("-Xshare:on");
        assertEquals(200, startAndGetLanding(withArchive, "with the archive").status);

        assertEquals(200, startAndGetLanding(deployedJava(dir.resolve("missing.jsa")), "without an archive").status);

        // A new jar in place of the one the archive was made from: install.sh installs it with a new modification time.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        Started stale = startAndGetLanding(deployedJava(archive), "with a stale archive");
        assertEquals(200, stale.status);
        assertTrue(stale.log.contains("Unable to use shared archive"), stale.log);
    }

    /** The java command and JVM options of the unit, as the library reads them for the bench and the training run. */
    private static List<String> deployedJava(Path archive) throws Exception {
        String output = Command.run(List.of("bash", "-c", "source deploy/class-data-archive.sh && deployed_java \"$@\"",
                "deployed_java", DeployFiles.UNIT.toString(), archive.toString())).requireSuccess().output();
        return output.lines().toList();
    }

    private record Started(int status, String log) {
    }

    /** Starts the packaged server with {@code java}, asks for the landing page, stops it; the log is what it printed first. */
    private Started startAndGetLanding(List<String> java, String what) throws Exception {
        List<String> command = new ArrayList<>(java);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--key", certificate.toString(),
                "--data", Files.createTempDirectory(dir, "data-").toString(), "--port", "0"));
        Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder log = new StringBuilder();
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                log.append(line).append('\n');
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    HttpResponse<Void> landing = HttpClient.newHttpClient().send(
                            HttpRequest.newBuilder(URI.create(listening.group(1))).build(), HttpResponse.BodyHandlers.discarding());
                    return new Started(landing.statusCode(), log.toString());
                }
            }
            throw new AssertionError("the server did not start " + what + ":\n" + log);
        } finally {
            server.destroy();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS));
        }
    }
}
