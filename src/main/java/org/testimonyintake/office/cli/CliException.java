package org.testimonyintake.office.cli;

/** A failure to report as {@code intake-office: error: message} plus an optional hint, with its exit code. */
final class CliException extends Exception {
    private static final long serialVersionUID = 1L;

    final ExitCode exitCode;
    final String hint;

    CliException(ExitCode exitCode, String message, String hint) {
        super(message);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    CliException(ExitCode exitCode, String message) {
        this(exitCode, message, null);
    }
}
