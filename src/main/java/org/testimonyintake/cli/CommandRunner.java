package org.testimonyintake.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.testimonyintake.format.KeyMaterialException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
        addSubcommands(commandLine, root.subcommands(), args);
        commandLine.setOut(out).setErr(err);
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            err.println(name + ": error: " + e.getMessage());
            if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
                err.println(name + ": hint: did you mean " + unmatched.getSuggestions().get(0) + "?");
            }
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

    /**
     * Adds only the subcommand the arguments name (the first argument that is not an option: the root's options take
     * no value), or all of them for help, a missing or a mistyped name. Building picocli's model of all seven office
     * subcommands took 40 ms more than one, at every start.
     */
    private static void addSubcommands(CommandLine commandLine, List<Class<?>> subcommands, String... args) {
        String named = Arrays.stream(args).filter(arg -> !arg.startsWith("-")).findFirst().orElse(null);
        boolean known = subcommands.stream().anyMatch(subcommand -> name(subcommand).equals(named));
        for (Class<?> subcommand : subcommands) {
            if (!known || name(subcommand).equals(named)) {
                commandLine.addSubcommand(subcommand);
            }
        }
    }

    private static String name(Class<?> subcommand) {
        return subcommand.getAnnotation(Command.class).name();
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
