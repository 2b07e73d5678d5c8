package org.testimonyintake.cli;

/** The exit codes of {@code intake-office} and {@code intake-server}, as documented in README.md. */
public enum ExitCode {
    OK(0),
    /** At least one input could not be decrypted; the others were. */
    CANNOT_DECRYPT(1),
    /** The command line was wrong (picocli's own code for this). */
    USAGE(2),
    /** A key file is the wrong kind (secret where public belongs, or the reverse, garbage) or unusable for this. */
    BAD_KEY(3),
    /** The passphrase is wrong, weak, mistyped twice, or could not be asked for. */
    BAD_PASSPHRASE(4),
    /** A file is missing, already exists, or cannot be read or written. */
    FILE(5),
    /** The address or port cannot be listened on, usually because it is in use. */
    CANNOT_LISTEN(6),
    /** A bug: run again with --debug and report the stack trace. */
    INTERNAL(70);

    public final int code;

    ExitCode(int code) {
        this.code = code;
    }
}
