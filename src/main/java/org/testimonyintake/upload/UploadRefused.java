package org.testimonyintake.upload;

/** A request about a partial upload that the server does not carry out; nothing of the request is kept. */
public final class UploadRefused extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** No partial upload has this id: never created, finished, or deleted as abandoned. */
        UNKNOWN_UPLOAD,
        /** The chunk starts after the acknowledged offset; the sender asks for the offset and resumes from there. */
        WRONG_OFFSET,
        /** Another request is still appending to this upload (perhaps one the sender gave up on). */
        BUSY,
        /** The upload would pass the largest size of one upload. */
        TOO_LARGE,
        /** The first octet does not open an OpenPGP PKESK packet (FORMAT.md section 3). */
        NOT_CIPHERTEXT,
        /** Too many partial uploads, or too many bytes in all of them together: the server takes no more for now. */
        SERVER_FULL
    }

    private final Reason reason;
    private final long offset;

    public UploadRefused(Reason reason, long offset) {
        super(reason.name());
        this.reason = reason;
        this.offset = offset;
    }

    public Reason reason() {
        return reason;
    }

    /** The acknowledged offset when the refusal was decided, so that a sender can resume (-1 if unknown). */
    public long offset() {
        return offset;
    }
}
