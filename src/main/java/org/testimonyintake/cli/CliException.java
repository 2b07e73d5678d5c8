package org.testimonyintake.cli;

/** A failure to report as {@code NAME: error: message} plus an optional hint, with its exit code. */
public final class CliException extends Exception {
    private static final long serialVersionUID = 1L;

    public final ExitCode exitCode;
    public final String hint;

    public CliException(ExitCode exitCode, String message, String hint) {
        super(message);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    public CliException(ExitCode exitCode, String message) {
        this(exitCode, message, null);
    }
}
