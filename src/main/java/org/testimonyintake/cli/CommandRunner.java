package org.testimonyintake.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import java.util.function.Function;
import org.testimonyintake.format.KeyMaterialException;
import picocli.CommandLine;

/**
 * Runs a picocli root command the way both tools do (sop-java's shape): parse errors exit 2 with a hint to --help,
 * failures become {@code NAME: error: ...} with an optional {@code NAME: hint: ...} and their exit code, and stack
 * traces appear only with {@code --debug}. Library text never reaches the user except where it names a file.
 */
public final class CommandRunner {
    private CommandRunner() {
    }

    /**
     * @param toolFailures the tool's own exception types mapped to failures; empty for everything else
     */
    public static int execute(String name, RootCommand root, Function<Exception, Optional<CliException>> toolFailures,
                              PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(root);
        commandLine.setOut(out).setErr(err);
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            err.println(name + ": error: " + e.getMessage());
            err.println(name + ": hint: see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
            return ExitCode.USAGE.code;
        });
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            CliException failure = toolFailures.apply(e).orElseGet(() -> describe(e));
            err.println(name + ": error: " + failure.getMessage());
            if (failure.hint != null) {
                err.println(name + ": hint: " + failure.hint);
            }
            if (root.debug()) {
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

    private static CliException describe(Exception e) {
        if (e instanceof CliException cli) {
            return cli;
        }
        if (e instanceof KeyMaterialException) {
            return new CliException(ExitCode.BAD_KEY, e.getMessage());
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
        if (e instanceof IOException) {
            return new CliException(ExitCode.FILE, "cannot read or write a file", "run again with --debug for details");
        }
        return new CliException(ExitCode.INTERNAL, "unexpected failure", "run again with --debug and report the output");
    }
}
