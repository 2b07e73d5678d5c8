package org.testimonyintake.intake.submission;

import java.io.IOException;
import org.testimonyintake.intake.submission.SubmissionRefused.Reason;

/**
 * Reading the source's form failed through the request's own fault, not the server's: it broke off, grew past the
 * limit or is not a well-formed form. Whoever parses the request throws it; the service answers with its refusal.
 */
public class FormReadFailure extends IOException {
    private static final long serialVersionUID = 1L;

    private final Reason refusal;

    public FormReadFailure(Reason refusal, Throwable cause) {
        super(refusal.messageKey(), cause);
        this.refusal = refusal;
    }

    public Reason refusal() {
        return refusal;
    }

    /** An {@link java.util.Iterator} of form parts cannot throw checked exceptions; it throws this, and the service unwraps it. */
    public static final class Unchecked extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unchecked(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }
}
