package org.testimonyintake.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root of a tool: it only groups subcommands, and carries the {@code --debug} option they inherit. */
public abstract class RootCommand implements Runnable {
    /**
     * The {@code @Command} classes of the subcommands, in the order help lists them. Not in the root's annotation:
     * {@link CommandRunner} builds only the one the arguments name, since picocli's model of each costs start-up time.
     */
    protected abstract List<Class<?>> subcommands();

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
