package org.testimonyintake.intake;

import java.io.PrintWriter;
import java.util.Optional;
import org.testimonyintake.cli.CommandRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code intake-server}: the intake site and its export. Tests call {@link #execute}; only {@link #main} exits. */
@Command(name = "intake-server", mixinStandardHelpOptions = true, version = "intake-server 0.1.0",
        description = "The intake site of Testimony Intake: the form sources reach over Tor, storing ciphertext only.",
        subcommands = {ServeCommand.class, DemoCommand.class, ExportCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "2:wrong command line", "3:wrong kind of key file, or the key is unusable",
                "5:file missing, already there, or not readable or writable", "6:cannot listen on the address",
                "70:internal error (run again with --debug)"})
public final class IntakeServer implements Runnable, CommandRunner.Root {
    static final String NAME = "intake-server";

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces of failures.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    @Override
    public boolean debug() {
        return debug;
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return CommandRunner.execute(NAME, new IntakeServer(), e -> Optional.empty(), out, err, args);
    }
}
