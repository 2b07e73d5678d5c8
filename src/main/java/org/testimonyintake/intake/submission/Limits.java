package org.testimonyintake.intake.submission;

import java.time.Duration;

/**
 * Every size and time limit of a submission, set on purpose (all configurable on the command line). Sizes of
 * attachments are of ciphertext for browser-encrypted uploads and of plaintext for the JavaScript-off path.
 */
public record Limits(int maxTestimonyChars, int maxAnswerChars, int maxAttachments, long maxAttachmentBytes,
                     long maxRequestBytes, Duration idleTimeout) {

    /** Generous for a slow Tor link: a phone video fits, a stalled upload is dropped after two idle minutes. */
    public static Limits defaults() {
        return new Limits(100_000, 10_000, 20, 600L << 20, 2L << 30, Duration.ofSeconds(120));
    }
}
