package org.testimonyintake.intake.cli;

import org.testimonyintake.cli.CliException;
import org.testimonyintake.cli.ExitCode;
import java.time.Duration;
import org.testimonyintake.format.TestimonyDocument;
import picocli.CommandLine.Option;
import org.testimonyintake.intake.submission.Limits;

/** The submission limits on the command line, each defaulting to {@link Limits#defaults()}. */
final class LimitOptions {
    private static final Limits DEFAULTS = Limits.defaults();

    @Option(names = "--max-testimony-chars", paramLabel = "N",
            description = "Longest testimony text, in characters (default: ${DEFAULT-VALUE}).")
    int maxTestimonyChars = DEFAULTS.maxTestimonyChars();

    @Option(names = "--max-answer-chars", paramLabel = "N",
            description = "Longest answer to any other question, in characters (default: ${DEFAULT-VALUE}).")
    int maxAnswerChars = DEFAULTS.maxAnswerChars();

    @Option(names = "--max-attachments", paramLabel = "N",
            description = "Most files in one submission (default: ${DEFAULT-VALUE}).")
    int maxAttachments = DEFAULTS.maxAttachments();

    @Option(names = "--max-attachment-size", paramLabel = "SIZE", converter = ByteSize.Converter.class,
            description = "Largest file, e.g. 600M or 2G (default: ${DEFAULT-VALUE}).")
    ByteSize maxAttachmentSize = new ByteSize(DEFAULTS.maxAttachmentBytes());

    @Option(names = "--max-request-size", paramLabel = "SIZE", converter = ByteSize.Converter.class,
            description = "Largest submission, everything together (default: ${DEFAULT-VALUE}).")
    ByteSize maxRequestSize = new ByteSize(DEFAULTS.maxRequestBytes());

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
            description = "Drop an upload that sends nothing for this long (default: ${DEFAULT-VALUE}).")
    long idleTimeoutSeconds = DEFAULTS.idleTimeout().toSeconds();

    Limits limits() throws CliException {
        if (maxTestimonyChars < 1 || maxAnswerChars < 1 || maxAttachments < 0 || idleTimeoutSeconds < 1) {
            throw new CliException(ExitCode.USAGE, "limits must be positive numbers");
        }
        if (maxAttachments > TestimonyDocument.MAX_ATTACHMENTS) {
            throw new CliException(ExitCode.USAGE, "--max-attachments can be at most " + TestimonyDocument.MAX_ATTACHMENTS,
                    "a testimony document lists at most " + TestimonyDocument.MAX_ATTACHMENTS + " attachments (FORMAT.md section 4)");
        }
        return new Limits(maxTestimonyChars, maxAnswerChars, maxAttachments, maxAttachmentSize.bytes(),
                maxRequestSize.bytes(), Duration.ofSeconds(idleTimeoutSeconds));
    }
}
