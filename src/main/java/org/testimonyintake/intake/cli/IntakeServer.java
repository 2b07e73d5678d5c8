package org.testimonyintake.intake.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import org.testimonyintake.cli.CommandRunner;
import org.testimonyintake.cli.RootCommand;
import picocli.CommandLine.Command;

/** {@code intake-server}: the intake site and its export. Tests call {@link #execute}; only {@link #main} exits. */
@Command(name = "intake-server", mixinStandardHelpOptions = true, version = "intake-server 0.1.0",
        description = "The intake site of Testimony Intake: the form sources reach over Tor, storing ciphertext only.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "2:wrong command line", "3:wrong kind of key file, or the key is unusable",
                "5:file missing, already there, or not readable or writable", "6:cannot listen on the address",
                "70:internal error (run again with --debug)"})
public final class IntakeServer extends RootCommand {
    static final String NAME = "intake-server";
    /**
     * Jetty pads some of its structures to cache lines, and to learn how many object references fill one it starts
     * the JMX platform server and asks whether references are compressed: 50 ms of every start. They are (4 bytes)
     * with any heap below 32 GB, so 16 fill a 64-byte line.
     */
    private static final String JETTY_REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    @Override
    protected List<Class<?>> subcommands() {
        return List.of(ServeCommand.class, DemoCommand.class, ExportCommand.class, ImportRepliesCommand.class);
    }

    public static void main(String[] args) {
        if (System.getProperty(JETTY_REFERENCES_PER_CACHE_LINE) == null) {
            System.setProperty(JETTY_REFERENCES_PER_CACHE_LINE, "16");
        }
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return CommandRunner.execute(NAME, new IntakeServer(), e -> Optional.empty(), out, err, args);
    }
}
