package org.testimonyintake.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a deployment tool (tor, systemd-analyze, shellcheck, the deploy scripts) as a separate process with a timeout;
 * output goes through files so a chatty tool cannot block on a full pipe.
 */
final class Command {
    /** What a finished process printed, both streams together, and its exit code. */
    record Outcome(List<String> command, int exitCode, String output) {
        Outcome requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError(describe());
            }
            return this;
        }

        String describe() {
            return String.join(" ", command) + " exited with " + exitCode + ":\n" + output;
        }
    }

    private Command() {
    }

    static Outcome run(Duration timeout, List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("deploy-command-", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().put("LC_ALL", "C");
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                // TERM first: the tor network script stops its tors by PID in its exit trap.
                process.destroy();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                }
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + ":\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Outcome(List.copyOf(command), process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    static Outcome run(List<String> command) throws IOException, InterruptedException {
        return run(Duration.ofSeconds(60), command);
    }

    /** True when {@code program} is on the PATH. */
    static boolean installed(String program) {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(directory, program))) {
                return true;
            }
        }
        return false;
    }

    static boolean runningAsRoot() throws IOException, InterruptedException {
        return run(List.of("id", "-u")).output().strip().equals("0");
    }

    /** As root, the command runs as nobody, who cannot change the system; otherwise as the current user. */
    static List<String> unprivileged(List<String> command) throws IOException, InterruptedException {
        if (!runningAsRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "--inh-caps=-all", "--"));
        wrapped.addAll(command);
        return wrapped;
    }
}
