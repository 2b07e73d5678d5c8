package org.testimonyintake.intake.web;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartCompliance;
import org.eclipse.jetty.io.Content;
import org.testimonyintake.intake.submission.FormPart;
import org.testimonyintake.intake.submission.FormReadFailure;
import org.testimonyintake.intake.submission.Limits;
import org.testimonyintake.intake.submission.SubmissionRefused.Reason;
import org.testimonyintake.intake.submission.SubmissionRefused;

/**
 * Streams a multipart/form-data request into {@link FormPart}s with Jetty's own parser ({@link MultiPart.Parser}),
 * fed from the request's input stream one read at a time: each part's content is handed on as slices of the one read
 * buffer, so a request of any size passes through in that much memory and nothing is kept in temporary files. The
 * servlet container's multipart support ({@code getParts}) writes large parts to disk, so it is never used for
 * submissions (plaintext must not touch the server's disk).
 */
public final class MultipartForm implements Iterator<FormPart> {
    private static final int READ_BYTES = 1 << 16;
    /** Headers of one part: a Content-Disposition with a long file name and a Content-Type. */
    private static final int MAX_PART_HEADER_BYTES = 10 * 1024;
    /** The form has a token, a few dozen answers and at most 100 files; more parts are not from it. */
    private static final int MAX_PARTS = 1000;
    private static final String FORM_DATA_TYPE = "multipart/form-data";
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    private final InputStream body;
    private final long maxRequestBytes;
    private final byte[] buffer = new byte[READ_BYTES];
    private final MultiPart.Parser parser;
    /** Parts whose headers the parser has read, not yet handed out; each holds its content as it arrived. */
    private final ArrayDeque<Part> arrived = new ArrayDeque<>();
    private long received;
    private boolean complete;
    private IOException failure;
    private Part current;

    private MultipartForm(String boundary, InputStream body, long maxRequestBytes) {
        this.body = body;
        this.maxRequestBytes = maxRequestBytes;
        // Strict: browsers end every line with CRLF; a body that does not is not from the form.
        this.parser = new MultiPart.Parser(boundary, MultiPartCompliance.RFC7578_STRICT, new Events());
        parser.setPartHeadersMaxLength(MAX_PART_HEADER_BYTES);
        parser.setMaxParts(MAX_PARTS);
    }

    public static Iterator<FormPart> parts(HttpServletRequest request, Limits limits) throws SubmissionRefused {
        if (request.getContentLengthLong() > limits.maxRequestBytes()) {
            throw new SubmissionRefused(Reason.REQUEST_TOO_LARGE);
        }
        try {
            return parts(request.getContentType(), request.getInputStream(), limits.maxRequestBytes());
        } catch (IOException e) {
            throw new SubmissionRefused(Reason.MALFORMED_FORM);
        }
    }

    /** The parts of {@code body}, a request body of the given Content-Type, read as they are needed. */
    public static Iterator<FormPart> parts(String contentType, InputStream body, long maxRequestBytes)
            throws SubmissionRefused {
        if (contentType == null || !contentType.regionMatches(true, 0, FORM_DATA_TYPE, 0, FORM_DATA_TYPE.length())) {
            throw new SubmissionRefused(Reason.MALFORMED_FORM);
        }
        String boundary = MultiPart.extractBoundary(contentType);
        if (boundary == null || boundary.isEmpty()) {
            throw new SubmissionRefused(Reason.MALFORMED_FORM);
        }
        return new MultipartForm(boundary, body, maxRequestBytes);
    }

    @Override
    public boolean hasNext() {
        try {
            if (current != null) {
                current.discardRest();
                current = null;
            }
            while (arrived.isEmpty() && !complete) {
                readMore();
            }
            return !arrived.isEmpty();
        } catch (IOException e) {
            throw new FormReadFailure.Unchecked(e);
        }
    }

    @Override
    public FormPart next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        current = arrived.poll();
        return current;
    }

    /**
     * Reads the next piece of the body into the buffer and parses it. Only called once every slice of the previous
     * piece was read or discarded: the parser hands content out as slices of the buffer, which this overwrites.
     */
    private void readMore() throws IOException {
        if (failure != null) {
            throw failure;
        }
        int n;
        try {
            n = body.read(buffer);
        } catch (IOException e) {
            throw new RequestBrokeOff(e);
        }
        if (n < 0) {
            parser.parse(Content.Chunk.EOF);
        } else {
            received += n;
            if (received > maxRequestBytes) {
                throw new FormReadFailure(Reason.REQUEST_TOO_LARGE, null);
            }
            parser.parse(Content.Chunk.from(ByteBuffer.wrap(buffer, 0, n), false));
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Called by the parser while it parses one piece of the body. */
    private final class Events implements MultiPart.Parser.Listener {
        private final Map<String, String> disposition = new HashMap<>();
        private String contentType;
        /** The part whose content the parser is reading, if it has a name. */
        private Part receiving;

        @Override
        public void onPartBegin() {
            disposition.clear();
            contentType = null;
        }

        @Override
        public void onPartHeader(String name, String value) {
            if (name.equalsIgnoreCase("Content-Disposition") && value.regionMatches(true, 0, "form-data", 0, 9)) {
                readDisposition(value, disposition);
            } else if (name.equalsIgnoreCase("Content-Type")) {
                contentType = value;
            }
        }

        @Override
        public void onPartHeaders() {
            String fieldName = disposition.get("name");
            if (fieldName == null) {
                fail(new FormReadFailure(Reason.MALFORMED_FORM, null));
                return;
            }
            receiving = new Part(fieldName, Optional.ofNullable(disposition.get("filename")),
                    contentType == null ? DEFAULT_CONTENT_TYPE : contentType);
            arrived.add(receiving);
        }

        @Override
        public void onPartContent(Content.Chunk chunk) {
            if (receiving != null && chunk.hasRemaining()) {
                receiving.pieces.add(chunk.getByteBuffer());
            }
        }

        @Override
        public void onPartEnd() {
            if (receiving != null) {
                receiving.ended = true;
                receiving = null;
            }
        }

        @Override
        public void onComplete() {
            complete = true;
        }

        @Override
        public void onFailure(Throwable cause) {
            fail(new FormReadFailure(Reason.MALFORMED_FORM, cause));
        }

        private void fail(IOException cause) {
            if (failure == null) {
                failure = cause;
            }
        }
    }

    /**
     * The parameters of a Content-Disposition header, names in lower case, as browsers write them (RFC 7578 and the
     * HTML standard): a quoted value holds no bare quote, and a backslash stands for itself, as in the Windows paths old
     * browsers send as file names. Jetty's own parameter reader drops such backslashes, so this small one is used.
     */
    static void readDisposition(String value, Map<String, String> parameters) {
        int at = value.indexOf(';');
        while (at >= 0) {
            int equals = value.indexOf('=', at);
            int nextParameter = value.indexOf(';', at + 1);
            if (equals < 0) {
                return;
            }
            if (nextParameter >= 0 && nextParameter < equals) { // a parameter without a value
                at = nextParameter;
                continue;
            }
            String name = value.substring(at + 1, equals).trim().toLowerCase(Locale.ROOT);
            int start = equals + 1;
            while (start < value.length() && value.charAt(start) == ' ') {
                start++;
            }
            int end;
            String parameter;
            if (start < value.length() && value.charAt(start) == '"') {
                end = closingQuote(value, start + 1);
                parameter = value.substring(start + 1, end);
                end = value.indexOf(';', end);
            } else {
                end = value.indexOf(';', start);
                parameter = value.substring(start, end < 0 ? value.length() : end).trim();
            }
            parameters.putIfAbsent(name, parameter);
            at = end;
        }
    }

    /** The index of the quote that ends a quoted value starting at {@code from}: one not escaped by a backslash. */
    private static int closingQuote(String value, int from) {
        for (int i = from; i < value.length(); i++) {
            if (value.charAt(i) == '"' && value.charAt(i - 1) != '\\') {
                return i;
            }
        }
        return value.length();
    }

    /** One part; its content is read from the slices the parser handed out, reading more of the body as needed. */
    private final class Part extends InputStream implements FormPart {
        private final String fieldName;
        private final Optional<String> fileName;
        private final String contentType;
        private final ArrayDeque<ByteBuffer> pieces = new ArrayDeque<>();
        private boolean ended;

        Part(String fieldName, Optional<String> fileName, String contentType) {
            this.fieldName = fieldName;
            this.fileName = fileName;
            this.contentType = contentType;
        }

        @Override
        public String fieldName() {
            return fieldName;
        }

        @Override
        public Optional<String> fileName() {
            return fileName;
        }

        @Override
        public String contentType() {
            return contentType;
        }

        @Override
        public InputStream content() {
            return this;
        }

        @Override
        public int read() throws IOException {
            ByteBuffer piece = nextPiece();
            return piece == null ? -1 : piece.get() & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            ByteBuffer piece = nextPiece();
            if (piece == null) {
                return -1;
            }
            int n = Math.min(length, piece.remaining());
            piece.get(into, offset, n);
            return n;
        }

        /** The slice to read next, or null at the end of the part. */
        private ByteBuffer nextPiece() throws IOException {
            while (true) {
                ByteBuffer piece = pieces.peek();
                if (piece != null && piece.hasRemaining()) {
                    return piece;
                }
                if (piece != null) {
                    pieces.poll();
                } else if (ended) {
                    return null;
                } else {
                    readMore(); // this is the last part begun: no other part holds slices of the buffer
                }
            }
        }

        void discardRest() throws IOException {
            while (nextPiece() != null) {
                pieces.poll();
            }
        }
    }
}
