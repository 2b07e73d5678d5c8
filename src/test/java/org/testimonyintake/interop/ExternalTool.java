package org.testimonyintake.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real command-line program (gpg, sq) as a separate process with a timeout, so a tool that hangs on a prompt
 * fails its test instead of the build. Output goes through files, never pipes, so a chatty tool cannot deadlock.
 */
public final class ExternalTool {
    /** Generous for a 2-core machine: importing a key with the largest S2K count takes about a second. */
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /** What a finished process left behind. */
    public record Outcome(List<String> command, int exitCode, byte[] stdout, String stderr) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** Fails the calling test with everything the tool said, unless it exited with 0. */
        public Outcome requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError(describe());
            }
            return this;
        }

        public String describe() {
            return String.join(" ", command) + " exited with " + exitCode + "\nstderr:\n" + stderr
                    + "\nstdout:\n" + stdoutText();
        }
    }

    private ExternalTool() {
    }

    /**
     * Runs {@code command} with {@code environment} added to this process's environment and {@code stdin} as its
     * standard input. Messages are forced to English (LC_ALL=C) because tests compare them.
     */
    public static Outcome run(Map<String, String> environment, byte[] stdin, List<String> command)
            throws IOException, InterruptedException {
        Path scratch = Files.createTempDirectory("external-tool-");
        try {
            Path in = Files.write(scratch.resolve("stdin"), stdin);
            Path out = scratch.resolve("stdout");
            Path err = scratch.resolve("stderr");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(environment);
            builder.environment().put("LC_ALL", "C");
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT
                        + "\nstderr so far:\n" + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Outcome(List.copyOf(command), process.exitValue(), Files.readAllBytes(out),
                    new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
        } finally {
            for (String name : List.of("stdin", "stdout", "stderr")) {
                Files.deleteIfExists(scratch.resolve(name));
            }
            Files.deleteIfExists(scratch);
        }
    }

    /** Fails with a hint when a tool the interoperability tests need is not installed. */
    public static void requireInstalled(String program, String debianPackage) {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(directory, program))) {
                return;
            }
        }
        throw new AssertionError(program + " is not installed; the interoperability tests run the real program"
                + " (Debian package " + debianPackage + ")");
    }
}
