package org.testimonyintake.intake;

/** The exit codes of {@code intake-server}; the numbers it shares with {@code intake-office} mean the same. */
enum ServerExitCode {
    OK(0),
    /** The command line was wrong (picocli's own code for this). */
    USAGE(2),
    /** The office key file is the wrong kind (secret, garbage) or unusable (expired, no encryption subkey). */
    BAD_KEY(3),
    /** A file or directory is missing, already exists, or cannot be read or written. */
    FILE(5),
    /** The address or port cannot be listened on, usually because it is in use. */
    CANNOT_LISTEN(6),
    /** A bug: run again with --debug and report the stack trace. */
    INTERNAL(70);

    final int code;

    ServerExitCode(int code) {
        this.code = code;
    }
}
