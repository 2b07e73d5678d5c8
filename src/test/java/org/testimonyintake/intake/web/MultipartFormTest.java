package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.testimonyintake.intake.submission.FormPart;
import org.testimonyintake.intake.submission.FormReadFailure;
import org.testimonyintake.intake.submission.SubmissionRefused;
import org.testimonyintake.intake.submission.SubmissionRefused.Reason;

/**
 * The multipart reader alone, on bodies delivered in reads of every size: what a browser sends arrives part by part,
 * byte for byte, and every broken body fails as the service expects it to.
 */
class MultipartFormTest {
    private static final String BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    private static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    @Test
    void partsArriveWholeWhateverTheReadSizes() throws Exception {
        byte[] photo = new byte[300_000];
        new Random(7).nextBytes(photo);
        // content that looks like the delimiter until its last octet, also across the reads' edges
        String almostDelimiter = "\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1);
        byte[] tricky = ("x" + almostDelimiter + "\r\r\n-" + almostDelimiter + "\r\n\r\n" + almostDelimiter)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] body = new Body()
                .field("form-token", "token")
                .field("testimony", "벌목장에서 도망쳤다.\r\nЯ бежал.")
                .file("attachments", "C:\\Users\\me\\사진.jpg", "image/jpeg", photo)
                .file("attachments", "", null, new byte[0])
                .file("attachments", "tricky.bin", "application/octet-stream", tricky)
                .bytes();
        for (int maxRead : new int[] {1, 3, 64, 8191, 1 << 20}) {
            List<Received> parts = readAll(MultipartForm.parts(CONTENT_TYPE, new Trickle(body, maxRead, 1), 10_000_000));
            assertEquals(List.of(
                    "form-token Optional.empty application/octet-stream 5",
                    "testimony Optional.empty application/octet-stream 45",
                    "attachments Optional[C:\\Users\\me\\사진.jpg] image/jpeg 300000",
                    "attachments Optional[] application/octet-stream 0",
                    "attachments Optional[tricky.bin] application/octet-stream " + tricky.length),
                    parts.stream().map(Received::described).toList(), "reads of at most " + maxRead);
            assertEquals("벌목장에서 도망쳤다.\r\nЯ бежал.", parts.get(1).text());
            assertArrayEquals(photo, parts.get(2).content(), "reads of at most " + maxRead);
            assertArrayEquals(tricky, parts.get(4).content(), "reads of at most " + maxRead);
        }
    }

    @Test
    void partsLeftUnreadAreSkipped() throws Exception {
        Iterator<FormPart> parts = MultipartForm.parts(CONTENT_TYPE, new ByteArrayInputStream(new Body()
                .file("attachments", "a.bin", "application/octet-stream", new byte[200_000])
                .field("testimony", "after the file").bytes()), 1_000_000);
        parts.next().content().read();
        FormPart next = parts.next();
        assertEquals("testimony", next.fieldName());
        assertEquals("after the file", new String(next.content().readAllBytes(), StandardCharsets.UTF_8));
        assertFalse(parts.hasNext());
    }

    @Test
    void preambleAndEpilogueAreIgnored() throws Exception {
        byte[] body = concat("This is a preamble.\r\n".getBytes(StandardCharsets.US_ASCII),
                new Body().field("testimony", "x").bytes(), "and an epilogue".getBytes(StandardCharsets.US_ASCII));
        List<Received> parts = readAll(MultipartForm.parts(CONTENT_TYPE, new ByteArrayInputStream(body), 1000));
        assertEquals(1, parts.size());
        assertEquals("x", parts.get(0).text());
    }

    @Test
    void anythingButMultipartFormDataWithABoundaryIsMalformed() {
        for (String type : new String[] {null, "application/x-www-form-urlencoded", "multipart/form-data",
                "multipart/form-data; boundary=", "multipart/mixed; boundary=" + BOUNDARY, "text/plain"}) {
            SubmissionRefused refused = assertThrows(SubmissionRefused.class,
                    () -> MultipartForm.parts(type, new ByteArrayInputStream(new byte[0]), 1000), String.valueOf(type));
            assertEquals(Reason.MALFORMED_FORM, refused.reason(), String.valueOf(type));
        }
    }

    @Test
    void brokenBodiesFailAsMalformed() {
        byte[] whole = new Body().field("form-token", "t").file("attachments", "a.bin", "application/octet-stream",
                new byte[100_000]).bytes();
        Map<String, byte[]> broken = new HashMap<>();
        broken.put("cut off in a part", java.util.Arrays.copyOf(whole, whole.length - 100));
        broken.put("cut off in the closing delimiter", java.util.Arrays.copyOf(whole, whole.length - 4));
        broken.put("empty", new byte[0]);
        broken.put("no delimiter at all", "testimony=x".getBytes(StandardCharsets.US_ASCII));
        broken.put("nonsense after the delimiter", ("--" + BOUNDARY + "\r\nnonsense").getBytes(StandardCharsets.US_ASCII));
        broken.put("a part without a name", ("--" + BOUNDARY + "\r\nContent-Disposition: form-data\r\n\r\nx\r\n--"
                + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        broken.put("not form-data", ("--" + BOUNDARY + "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--"
                + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        broken.put("headers without end", ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"a\"; x=\""
                + "y".repeat(20_000)).getBytes(StandardCharsets.US_ASCII));
        broken.put("LF line ends", new Body().field("testimony", "x").bytes("\n"));
        List<String> failures = new ArrayList<>();
        broken.forEach((what, body) -> {
            IOException failure = failureOf(body, 1_000_000);
            if (!(failure instanceof FormReadFailure read && read.refusal() == Reason.MALFORMED_FORM)) {
                failures.add(what + ": " + failure);
            }
        });
        assertEquals(List.of(), failures);
    }

    @Test
    void aBodyLargerThanTheLimitFailsAsTooLarge() {
        byte[] body = new Body().file("attachments", "a.bin", "application/octet-stream", new byte[100_000]).bytes();
        assertEquals(Reason.REQUEST_TOO_LARGE, assertInstanceOf(FormReadFailure.class, failureOf(body, 99_999)).refusal());
        assertEquals(null, failureOf(body, body.length));
    }

    @Test
    void aFailingReadIsTheRequestBreakingOff() {
        byte[] start = java.util.Arrays.copyOf(new Body().file("attachments", "a.bin", "application/octet-stream",
                new byte[100_000]).bytes(), 50_000);
        InputStream breaking = new InputStream() {
            private final InputStream delivered = new ByteArrayInputStream(start);

            @Override
            public int read() {
                throw new AssertionError("read in blocks");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = delivered.read(b, off, len);
                if (n < 0) {
                    throw new IOException("idle timeout");
                }
                return n;
            }
        };
        IOException failure = failureOf(breaking, 1_000_000);
        assertInstanceOf(RequestBrokeOff.class, failure);
        assertEquals("idle timeout", failure.getCause().getMessage());
    }

    @Test
    void dispositionParametersAreReadAsBrowsersWriteThem() {
        assertEquals(Map.of("name", "attachments", "filename", "C:\\Users\\me\\a; b=c.jpg"),
                disposition("form-data; name=\"attachments\"; filename=\"C:\\Users\\me\\a; b=c.jpg\""));
        assertEquals(Map.of("name", "a", "filename", "q%22.txt"), disposition("form-data; NAME=a; FileName=\"q%22.txt\""));
        assertEquals(Map.of("name", "a", "filename", ""), disposition("form-data; name=\"a\"; filename=\"\""));
        assertEquals(Map.of("name", "a"), disposition("form-data; flag; name=a"));
        assertEquals(Map.of("name", "a\\\"b"), disposition("form-data; name=\"a\\\"b\""));
        assertEquals(Map.of("name", "first"), disposition("form-data; name=first; name=second"));
        assertEquals(Map.of(), disposition("form-data"));
    }

    private static Map<String, String> disposition(String value) {
        Map<String, String> parameters = new HashMap<>();
        MultipartForm.readDisposition(value, parameters);
        return parameters;
    }

    private static IOException failureOf(byte[] body, long maxRequestBytes) {
        return failureOf(new ByteArrayInputStream(body), maxRequestBytes);
    }

    /** What reading every part to its end fails with: thrown by the iterator, or by a part's content. */
    private static IOException failureOf(InputStream body, long maxRequestBytes) {
        try {
            readAll(MultipartForm.parts(CONTENT_TYPE, body, maxRequestBytes));
            return null;
        } catch (FormReadFailure.Unchecked e) {
            return e.getCause();
        } catch (IOException e) {
            return e;
        } catch (SubmissionRefused e) {
            throw new AssertionError(e);
        }
    }

    private record Received(String fieldName, Optional<String> fileName, String contentType, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }

        String described() {
            return fieldName + " " + fileName + " " + contentType + " " + content.length;
        }
    }

    private static List<Received> readAll(Iterator<FormPart> parts) throws IOException {
        List<Received> received = new ArrayList<>();
        while (parts.hasNext()) {
            FormPart part = parts.next();
            received.add(new Received(part.fieldName(), part.fileName(), part.contentType(),
                    part.content().readAllBytes()));
        }
        return received;
    }

    private static byte[] concat(byte[]... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] piece : pieces) {
            out.writeBytes(piece);
        }
        return out.toByteArray();
    }

    /** A multipart/form-data body as browsers write it. */
    private static final class Body {
        private final List<Object[]> parts = new ArrayList<>();

        Body field(String name, String value) {
            parts.add(new Object[] {"Content-Disposition: form-data; name=\"" + name + "\"",
                    value.getBytes(StandardCharsets.UTF_8)});
            return this;
        }

        Body file(String name, String fileName, String contentType, byte[] content) {
            parts.add(new Object[] {"Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName
                    + "\"" + (contentType == null ? "" : "\r\nContent-Type: " + contentType), content});
            return this;
        }

        byte[] bytes() {
            return bytes("\r\n");
        }

        byte[] bytes(String lineEnd) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Object[] part : parts) {
                out.writeBytes(("--" + BOUNDARY + lineEnd + ((String) part[0]).replace("\r\n", lineEnd) + lineEnd
                        + lineEnd).getBytes(StandardCharsets.UTF_8));
                out.writeBytes((byte[]) part[1]);
                out.writeBytes(lineEnd.getBytes(StandardCharsets.US_ASCII));
            }
            out.writeBytes(("--" + BOUNDARY + "--" + lineEnd).getBytes(StandardCharsets.US_ASCII));
            return out.toByteArray();
        }
    }

    /** Delivers a body in reads of random sizes up to a maximum, as a network would. */
    private static final class Trickle extends InputStream {
        private final byte[] body;
        private final int maxRead;
        private final Random random;
        private int position;

        Trickle(byte[] body, int maxRead, long seed) {
            this.body = body;
            this.maxRead = maxRead;
            this.random = new Random(seed);
        }

        @Override
        public int read() {
            return position < body.length ? body[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (position >= body.length) {
                return -1;
            }
            int n = Math.min(Math.min(length, body.length - position), 1 + random.nextInt(maxRead));
            System.arraycopy(body, position, into, offset, n);
            position += n;
            return n;
        }
    }
}
