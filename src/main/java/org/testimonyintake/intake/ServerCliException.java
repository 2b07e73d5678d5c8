package org.testimonyintake.intake;

/** A failure to report as {@code intake-server: error: message} plus an optional hint, with its exit code. */
final class ServerCliException extends Exception {
    private static final long serialVersionUID = 1L;

    final ServerExitCode exitCode;
    final String hint;

    ServerCliException(ServerExitCode exitCode, String message, String hint) {
        super(message);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    ServerCliException(ServerExitCode exitCode, String message) {
        this(exitCode, message, null);
    }
}
