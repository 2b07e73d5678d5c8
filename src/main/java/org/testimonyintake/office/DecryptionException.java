package org.testimonyintake.office;

/**
 * A message that yields no plaintext. The reason is one of a few fixed phrases: parser text never reaches the user,
 * since it can come from a hostile message and says nothing useful to an analyst.
 */
public class DecryptionException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        NOT_OPENPGP("not an OpenPGP encrypted message"),
        NOT_FOR_THIS_KEY("not encrypted to this office key"),
        NOT_INTEGRITY_PROTECTED("the message has no integrity protection (no MDC), so it is refused"),
        INTEGRITY_FAILURE("integrity check failed: the message was modified or is truncated"),
        NOT_ONE_LITERAL("the message does not hold exactly one piece of data"),
        TOO_LARGE("the plaintext is larger than the testimony allows for it (compressed data?), so it is refused");

        private final String message;

        Reason(String message) {
            this.message = message;
        }
    }

    private final Reason reason;

    public DecryptionException(Reason reason) {
        super("cannot decrypt: " + reason.message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
