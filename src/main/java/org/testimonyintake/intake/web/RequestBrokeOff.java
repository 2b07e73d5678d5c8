package org.testimonyintake.intake.web;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.testimonyintake.intake.submission.FormReadFailure;
import org.testimonyintake.intake.submission.SubmissionRefused.Reason;

/**
 * Reading the request itself failed: the sender's connection broke off or went silent, as Tor circuits do. It says
 * nothing about the server, so it is answered without being logged as a failure.
 */
final class RequestBrokeOff extends FormReadFailure {
    private static final long serialVersionUID = 1L;

    RequestBrokeOff(IOException cause) {
        super(Reason.UPLOAD_INTERRUPTED, cause);
    }

    /** The request's body, its read failures marked as the request's own. */
    static InputStream marking(InputStream body) {
        return new FilterInputStream(body) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw new RequestBrokeOff(e);
                }
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                try {
                    return super.read(buffer, offset, length);
                } catch (IOException e) {
                    throw new RequestBrokeOff(e);
                }
            }
        };
    }
}
