package org.testimonyintake.intake;

import java.util.Locale;

/**
 * A submission the server will not keep; nothing of it is stored. Each reason has an HTTP status and a message key,
 * {@code error.<reason in kebab case>}, translated in every language bundle.
 */
public final class SubmissionRefused extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        MALFORMED_FORM(400),
        FORM_EXPIRED(400),
        UNKNOWN_FIELD(400),
        MISSING_TESTIMONY(400),
        TESTIMONY_TOO_LONG(413),
        ANSWER_TOO_LONG(413),
        TOO_MANY_ATTACHMENTS(413),
        ATTACHMENT_TOO_LARGE(413),
        REQUEST_TOO_LARGE(413),
        NOT_CIPHERTEXT(422),
        WRONG_RECIPIENT(422),
        UPLOAD_INTERRUPTED(400);

        public final int httpStatus;

        Reason(int httpStatus) {
            this.httpStatus = httpStatus;
        }

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
