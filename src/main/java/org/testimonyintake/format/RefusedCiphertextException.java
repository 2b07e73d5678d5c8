package org.testimonyintake.format;

/** An upload that is not a message FORMAT.md section 3 allows; nothing of it may be kept. */
public class RefusedCiphertextException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        NOT_OPENPGP,
        NO_RECIPIENT,
        WRONG_RECIPIENT,
        NOT_INTEGRITY_PROTECTED,
        UNEXPECTED_PACKET,
        TRUNCATED,
        TRAILING_DATA,
        TOO_LARGE
    }

    private final Reason reason;

    public RefusedCiphertextException(Reason reason) {
        super("refused ciphertext: " + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
