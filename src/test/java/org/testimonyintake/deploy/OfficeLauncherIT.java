package org.testimonyintake.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/intake-office.sh on the packaged jar: the first run of each command keeps a class-data archive of its own in
 * the user's cache, later runs of that command map it (-Xshare:on refuses to start otherwise), a failed run keeps none,
 * and output and exit codes are the jar's.
 */
@Timeout(120)
class OfficeLauncherIT {
    private static final Path LAUNCHER = Path.of("deploy/intake-office.sh");

    @TempDir
    Path dir;
    Path jar;
    Path cache;
    Path certificate;

    /** A copy of the jar: a build running meanwhile may replace target/intake-office.jar, which the archive names. */
    @BeforeEach
    void inputs() throws Exception {
        jar = Files.copy(Path.of("target/intake-office.jar"), dir.resolve("intake-office.jar"));
        cache = dir.resolve("cache");
        certificate = Path.of("src/test/resources/vectors/TEST-ONLY-office-key.pub.asc");
    }

    @Test
    void eachCommandGetsItsOwnArchiveAndMapsIt() throws Exception {
        Command.Outcome version = launch("--version").requireSuccess();
        assertEquals("intake-office 0.1.0", version.output().strip());
        launch("fingerprint", certificate.toString()).requireSuccess();
        assertEquals(List.of("none", "fingerprint"), archives());

        Command.Outcome mapped = launch("-Xshare:on", "fingerprint", certificate.toString()).requireSuccess();
        assertTrue(mapped.output().contains("current"), mapped.output());
    }

    @Test
    void aFailedRunKeepsNoArchiveAndKeepsItsExitCode() throws Exception {
        Command.Outcome wrong = launch("decrypt", "--sekret", "x");
        assertEquals(2, wrong.exitCode(), wrong.describe());
        assertTrue(wrong.output().contains("intake-office: error: "), wrong.output());
        assertEquals(List.of(), archives());
        try (Stream<Path> left = Files.list(cache.resolve("intake-office"))) {
            assertEquals(List.of(), left.toList(), "no partial archive is left");
        }
    }

    /** Runs the launcher; a first argument starting with -X goes to the JVM (JAVA_TOOL_OPTIONS), not to the tool. */
    private Command.Outcome launch(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "XDG_CACHE_HOME=" + cache, "INTAKE_OFFICE_JAR=" + jar));
        List<String> tool = new ArrayList<>(List.of(arguments));
        if (tool.get(0).startsWith("-X")) {
            command.add("JAVA_TOOL_OPTIONS=" + tool.remove(0));
        }
        command.add(LAUNCHER.toString());
        command.addAll(tool);
        Command.Outcome outcome = Command.run(command);
        String output = outcome.output().replaceAll("(?m)^Picked up JAVA_TOOL_OPTIONS: .*\n", "");
        return new Command.Outcome(outcome.command(), outcome.exitCode(), output);
    }

    /** The commands that have an archive, oldest first. */
    private List<String> archives() throws Exception {
        try (Stream<Path> files = Files.list(cache.resolve("intake-office"))) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jsa"))
                    .sorted(Comparator.comparingLong((Path file) -> file.toFile().lastModified()))
                    .map(file -> file.getFileName().toString().replaceAll("^.*-([a-z]+)\\.jsa$", "$1")).toList();
        }
    }
}
