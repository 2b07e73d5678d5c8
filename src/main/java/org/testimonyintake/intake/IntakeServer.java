package org.testimonyintake.intake;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import org.testimonyintake.format.KeyMaterialException;
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
public final class IntakeServer implements Runnable {
    static final String NAME = "intake-server";

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces of failures.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new IntakeServer());
        commandLine.setOut(out).setErr(err);
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            err.println(NAME + ": error: " + e.getMessage());
            err.println(NAME + ": hint: see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
            return ServerExitCode.USAGE.code;
        });
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            boolean debug = cl.getCommandSpec().root().userObject() instanceof IntakeServer root && root.debug;
            ServerCliException failure = describe(e);
            err.println(NAME + ": error: " + failure.getMessage());
            if (failure.hint != null) {
                err.println(NAME + ": hint: " + failure.hint);
            }
            if (debug) {
                e.printStackTrace(err);
            }
            err.flush();
            return failure.exitCode.code;
        });
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Our words for each failure; library text reaches the user only where it names a file. */
    private static ServerCliException describe(Exception e) {
        if (e instanceof ServerCliException cli) {
            return cli;
        }
        if (e instanceof KeyMaterialException) {
            return new ServerCliException(ServerExitCode.BAD_KEY, e.getMessage());
        }
        if (e instanceof FileAlreadyExistsException exists) {
            return new ServerCliException(ServerExitCode.FILE, exists.getFile() + " already exists",
                    "this tool never overwrites a file: choose another name or move the old file away");
        }
        if (e instanceof NoSuchFileException missing) {
            return new ServerCliException(ServerExitCode.FILE, missing.getFile() + " does not exist");
        }
        if (e instanceof AccessDeniedException denied) {
            return new ServerCliException(ServerExitCode.FILE, "permission denied: " + denied.getFile());
        }
        if (e instanceof IOException) {
            return new ServerCliException(ServerExitCode.FILE, "cannot read or write a file",
                    "run again with --debug for details");
        }
        return new ServerCliException(ServerExitCode.INTERNAL, "unexpected failure",
                "run again with --debug and report the output");
    }
}
