package org.testimonyintake.office.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import org.testimonyintake.format.KeyMaterialException;
import org.testimonyintake.office.WrongPassphraseException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code intake-office}: the offline office tool. Tests call {@link #execute}; only {@link #main} exits. */
@Command(name = "intake-office", mixinStandardHelpOptions = true, version = "intake-office 0.1.0",
        description = "Offline office tool of Testimony Intake: office keys and decryption of submissions.",
        subcommands = {KeygenCommand.class, RotateCommand.class, RetireCommand.class, FingerprintCommand.class,
                DecryptCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:some input could not be decrypted", "2:wrong command line",
                "3:wrong kind of key, or the key does not allow it", "4:passphrase wrong, weak or unavailable",
                "5:file missing, already there, or not writable", "70:internal error (run again with --debug)"})
public final class OfficeCli implements Runnable {
    static final String NAME = "intake-office";

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
        CommandLine commandLine = new CommandLine(new OfficeCli());
        commandLine.setOut(out).setErr(err);
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            err.println(NAME + ": error: " + e.getMessage());
            err.println(NAME + ": hint: see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
            return ExitCode.USAGE.code;
        });
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            boolean debug = cl.getCommandSpec().root().userObject() instanceof OfficeCli root && root.debug;
            CliException failure = describe(e);
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

    /** Our words for each failure; parser or library text never reaches the user. */
    private static CliException describe(Exception e) {
        if (e instanceof CliException cli) {
            return cli;
        }
        if (e instanceof KeyMaterialException) {
            return new CliException(ExitCode.BAD_KEY, e.getMessage());
        }
        if (e instanceof WrongPassphraseException) {
            return new CliException(ExitCode.BAD_PASSPHRASE, e.getMessage());
        }
        if (e instanceof FileAlreadyExistsException exists) {
            return new CliException(ExitCode.FILE, exists.getFile() + " already exists",
                    "this tool never overwrites a file: choose another name or move the old file away");
        }
        if (e instanceof NoSuchFileException missing) {
            return new CliException(ExitCode.FILE, missing.getFile() + " does not exist");
        }
        if (e instanceof AccessDeniedException denied) {
            return new CliException(ExitCode.FILE, "permission denied: " + denied.getFile());
        }
        if (e instanceof java.io.IOException) {
            return new CliException(ExitCode.FILE, "cannot read or write a file", "run again with --debug for details");
        }
        return new CliException(ExitCode.INTERNAL, "unexpected failure", "run again with --debug and report the output");
    }
}
