package org.testimonyintake.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root of a tool: it only groups subcommands, and carries the {@code --debug} option they inherit. */
public abstract class RootCommand implements Runnable {
    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces of failures.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    boolean debug() {
        return debug;
    }
}
