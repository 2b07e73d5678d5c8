package org.testimonyintake.intake.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code intake-server serve} in a JVM of its own, on the tests' class path, so that a test can kill the whole server
 * with SIGKILL. Its stdout and stderr go to a log file the test chooses.
 */
public final class ServeProcess implements AutoCloseable {
    /** The line serve prints once it accepts connections, followed by its URL. */
    public static final String LISTENING = "intake-server: listening on ";

    private final Process process;
    private final String url;

    private ServeProcess(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Starts {@code serve} with these arguments and waits until it listens. */
    public static ServeProcess start(Path log, String... serveArguments) throws IOException, InterruptedException {
        return start(log, List.of(), Map.of(), serveArguments);
    }

    /**
     * Starts {@code serve} in a JVM with these options and environment variables added, appending its output to
     * {@code log}, and waits (at most a minute) until it listens.
     */
    public static ServeProcess start(Path log, List<String> jvmOptions, Map<String, String> environment,
                                     String... serveArguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), IntakeServer.class.getName(), "serve"));
        command.addAll(List.of(serveArguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            return new ServeProcess(process, listeningUrl(process, log));
        } catch (IOException | InterruptedException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** Waits for the "listening on URL" line in the log: the server prints it once it accepts connections. */
    private static String listeningUrl(Process process, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.startsWith(LISTENING)) {
                    return line.substring(LISTENING.length());
                }
            }
            if (process.waitFor(20, TimeUnit.MILLISECONDS)) {
                throw new IOException("the server process ended (exit " + process.exitValue()
                        + ") before it listened: " + Files.readString(log, StandardCharsets.UTF_8));
            }
        }
        throw new IOException("the server did not listen within a minute: " + Files.readString(log, StandardCharsets.UTF_8));
    }

    public String url() {
        return url;
    }

    /** SIGKILL: the JVM ends at once, with no shutdown hook, no close and no flush; returns once it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the killed server process did not end");
        }
    }

    /** Kills the server if a test left it running. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
