package org.testimonyintake.intake.submission;

import java.util.Locale;

/**
 * A submission the server will not keep; nothing of it is stored. Each reason has a message key,
 * {@code error.<reason in kebab case>}, translated in every language bundle.
 */
public final class SubmissionRefused extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        MALFORMED_FORM,
        FORM_EXPIRED,
        UNKNOWN_FIELD,
        MISSING_TESTIMONY,
        TESTIMONY_TOO_LONG,
        ANSWER_TOO_LONG,
        TOO_MANY_ATTACHMENTS,
        ATTACHMENT_TOO_LARGE,
        REQUEST_TOO_LARGE,
        NOT_CIPHERTEXT,
        WRONG_RECIPIENT,
        UPLOAD_INTERRUPTED,
        /** A photo or video whose metadata is to be removed cannot be read as its type (FORMAT.md section 5.1). */
        UNREADABLE_MEDIA,
        /** A follow-up's receipt is mistyped or names no case (FORMAT.md section 10.4). */
        RECEIPT,
        /**
         * JavaScript on: the case the browser opened is gone (unclaimed for a day), already claimed, or not opened by
         * the receipt sent with it (FORMAT.md section 10.3).
         */
        CASE_EXPIRED,
        /** Too many receipt checks at once (FORMAT.md section 10.2): try again in a minute. */
        BUSY,
        /** The server's disk is full (nothing of the submission is left on it): try again later. */
        SITE_FULL;

        public String messageKey() {
            return "error." + name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;

    public SubmissionRefused(Reason reason) {
        super(reason.messageKey());
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
