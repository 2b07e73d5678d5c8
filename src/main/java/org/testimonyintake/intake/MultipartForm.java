package org.testimonyintake.intake;

import jakarta.servlet.http.HttpServletRequest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;

/**
 * Streams a multipart/form-data request into {@link FormPart}s with commons-fileupload's streaming API, which keeps
 * nothing in temporary files: the servlet container's own multipart support writes large parts to disk, so it is
 * never used for submissions (plaintext must not touch the server's disk).
 */
public final class MultipartForm {
    private MultipartForm() {
    }

    /** Thrown when reading the request itself fails: the source's upload broke off or went silent. */
    static final class RequestBrokeOff extends IOException {
        private static final long serialVersionUID = 1L;

        RequestBrokeOff(IOException cause) {
            super(cause);
        }
    }

    /** Thrown when the request as a whole passes {@link Limits#maxRequestBytes()}. */
    static final class RequestTooLarge extends IOException {
        private static final long serialVersionUID = 1L;
    }

    public static Iterator<FormPart> parts(HttpServletRequest request, Limits limits) throws SubmissionRefused {
        if (!JakartaServletFileUpload.isMultipartContent(request)) {
            throw new SubmissionRefused(SubmissionRefused.Reason.MALFORMED_FORM);
        }
        JakartaServletFileUpload<?, ?> upload = new JakartaServletFileUpload<>();
        upload.setSizeMax(limits.maxRequestBytes());
        upload.setHeaderCharset(StandardCharsets.UTF_8);
        try {
            return new Parts(upload.getItemIterator(request));
        } catch (FileUploadSizeException e) {
            throw new SubmissionRefused(SubmissionRefused.Reason.REQUEST_TOO_LARGE);
        } catch (IOException e) {
            throw new SubmissionRefused(SubmissionRefused.Reason.MALFORMED_FORM);
        }
    }

    /** Adapts the library's IO iterator; failures surface as the two exceptions above, through {@link Iterator}. */
    private static final class Parts implements Iterator<FormPart> {
        private final FileItemInputIterator items;

        Parts(FileItemInputIterator items) {
            this.items = items;
        }

        @Override
        public boolean hasNext() {
            try {
                return items.hasNext();
            } catch (IOException e) {
                throw new UncheckedRequestFailure(classify(e));
            }
        }

        @Override
        public FormPart next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            try {
                FileItemInput item = items.next();
                InputStream content = new Classifying(item.getInputStream());
                Optional<String> fileName = item.isFormField() ? Optional.empty() : Optional.ofNullable(item.getName());
                String contentType = item.getContentType() == null ? "application/octet-stream" : item.getContentType();
                return new Part(item.getFieldName(), fileName, contentType, content);
            } catch (IOException e) {
                throw new UncheckedRequestFailure(classify(e));
            }
        }
    }

    private record Part(String fieldName, Optional<String> fileName, String contentType, InputStream content)
            implements FormPart {
    }

    /** Iterator cannot throw checked exceptions; the service unwraps this one. */
    static final class UncheckedRequestFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedRequestFailure(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    private static IOException classify(IOException e) {
        if (e instanceof FileUploadSizeException) {
            return new RequestTooLarge();
        }
        if (e instanceof FileUploadException) {
            return e; // malformed multipart framing
        }
        return new RequestBrokeOff(e);
    }

    /** Tells the request's own failures apart from those of whoever reads the part. */
    private static final class Classifying extends FilterInputStream {
        Classifying(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw classify(e);
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                return in.read(buffer, offset, length);
            } catch (IOException e) {
                throw classify(e);
            }
        }
    }
}
