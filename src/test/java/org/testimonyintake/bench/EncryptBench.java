package org.testimonyintake.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.intake.submission.FormPart;
import org.testimonyintake.intake.submission.HandOffOutputStream;
import org.testimonyintake.intake.web.MultipartForm;

/**
 * What the JavaScript-off path does to an attachment's plaintext, from memory, without HTTP or disk
 * (bench/intake-encrypt.sh): each step alone and together, MB/s (10^6 octets a second) over MEGABYTES written in
 * 64 KiB blocks as SubmissionService copies them. Ciphertext goes to a counting sink.
 * <ul>
 *   <li>{@code aes-256-cfb-jdk}: the JDK's AES/CFB cipher alone (SEIPDv1's cipher block by block, as MessageEncryptor
 *       ran it before it went through AES/CBC)</li>
 *   <li>{@code sha-1}: the JDK's SHA-1 alone (SEIPDv1's MDC hashes every plaintext octet)</li>
 *   <li>{@code sha-256}: the JDK's SHA-256 alone (the manifest's hash of each attachment)</li>
 *   <li>{@code message-encryptor}: MessageEncryptor alone</li>
 *   <li>{@code encryptor+sha-256}: both, on one thread</li>
 *   <li>{@code handoff-encryptor+sha-256}: both, as SubmissionService.encryptAttachment runs them: hashing on the
 *       writing thread, encryption on its own (HandOffOutputStream)</li>
 *   <li>{@code multipart-form}: MultipartForm (Jetty's multipart parser) reading one file part of that size from an
 *       in-memory body: the parsing the server does before encrypting</li>
 *   <li>{@code boundary-horspool}: a bare Boyer-Moore-Horspool search for the same part's closing delimiter over the
 *       same body, 64 KiB at a time: the floor any parser pays, to compare the library's cost with</li>
 * </ul>
 * Arguments: OFFICE_ASC [MEGABYTES=500] [ROUNDS=3]; prints each round and the median.
 */
public final class EncryptBench {
    private static final int BLOCK = 1 << 16;

    private EncryptBench() {
    }

    private interface Sink {
        OutputStream open(OutputStream out) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        OfficeCertificate office = OfficeCertificate.parse(Files.readAllBytes(Path.of(args[0])));
        long bytes = (args.length > 1 ? Long.parseLong(args[1]) : 500) * 1_000_000L;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        byte[] block = new byte[BLOCK];
        new Random(1).nextBytes(block);

        measure("aes-256-cfb-jdk", bytes, rounds, block, out -> cipher(out));
        measure("sha-1", bytes, rounds, block, out -> new DigestOutputStream(out, MessageDigest.getInstance("SHA-1")));
        measure("sha-256", bytes, rounds, block,
                out -> new DigestOutputStream(out, MessageDigest.getInstance("SHA-256")));
        measure("message-encryptor", bytes, rounds, block, out -> MessageEncryptor.open(office, out));
        measure("encryptor+sha-256", bytes, rounds, block, out -> new DigestOutputStream(
                MessageEncryptor.open(office, out), MessageDigest.getInstance("SHA-256")));
        measure("handoff-encryptor+sha-256", bytes, rounds, block, out -> new DigestOutputStream(
                new HandOffOutputStream(MessageEncryptor.open(office, out), "bench-encryption"),
                MessageDigest.getInstance("SHA-256")));
        measureParser("multipart-form", bytes, rounds, block, EncryptBench::parseWithMultipartForm);
        measureParser("boundary-horspool", bytes, rounds, block, EncryptBench::scanWithHorspool);
    }

    private interface Parser {
        long parse(InputStream body, byte[] boundary) throws Exception;
    }

    private static void measureParser(String name, long bytes, int rounds, byte[] block, Parser parser)
            throws Exception {
        byte[] boundary = "----BenchBoundary0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        parser.parse(new MultipartBody(boundary, block, Math.min(bytes, 200_000_000L)), boundary); // warm-up
        double[] rates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            long read = parser.parse(new MultipartBody(boundary, block, bytes), boundary);
            rates[r] = bytes / ((System.nanoTime() - start) / 1e9) / 1e6;
            if (read != bytes) {
                throw new AssertionError(name + " found " + read + " octets in the part, not " + bytes);
            }
        }
        report(name, bytes, rates);
    }

    /** The part's content as SubmissionService gets it from MultipartForm, read 64 KiB at a time. */
    private static long parseWithMultipartForm(InputStream body, byte[] boundary) throws Exception {
        Iterator<FormPart> parts = MultipartForm.parts(
                "multipart/form-data; boundary=" + new String(boundary, StandardCharsets.US_ASCII), body, Long.MAX_VALUE);
        long total = 0;
        byte[] buffer = new byte[BLOCK];
        try (InputStream part = parts.next().content()) {
            for (int n; (n = part.read(buffer)) >= 0; ) {
                total += n;
            }
        }
        if (parts.hasNext()) {
            throw new IOException("more than one part");
        }
        return total;
    }

    /**
     * Finds where the part ends ("\r\n--" + boundary) with Boyer-Moore-Horspool: most octets are skipped, not
     * compared. Returns the octets before the delimiter after the part's headers.
     */
    private static long scanWithHorspool(InputStream body, byte[] boundary) throws IOException {
        byte[] delimiter = ("\r\n--" + new String(boundary, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        int m = delimiter.length;
        int[] shift = new int[256];
        Arrays.fill(shift, m);
        for (int i = 0; i < m - 1; i++) {
            shift[delimiter[i] & 0xff] = m - 1 - i;
        }
        byte[] buffer = new byte[BLOCK + m];
        int kept = 0;
        long offset = 0; // of buffer[0] in the body
        long headersEnd = -1;
        for (int n; (n = body.read(buffer, kept, BLOCK)) > 0; ) {
            int end = kept + n;
            if (headersEnd < 0) { // the part's headers end at the first blank line (the test body is small there)
                for (int i = 3; i < end; i++) {
                    if (buffer[i - 3] == '\r' && buffer[i - 2] == '\n' && buffer[i - 1] == '\r' && buffer[i] == '\n') {
                        headersEnd = offset + i + 1;
                        break;
                    }
                }
            }
            for (int i = 0; i + m <= end; ) {
                int j = m - 1;
                while (j >= 0 && buffer[i + j] == delimiter[j]) {
                    j--;
                }
                if (j < 0) {
                    return offset + i - headersEnd;
                }
                i += shift[buffer[i + m - 1] & 0xff];
            }
            kept = Math.min(m - 1, end);
            System.arraycopy(buffer, end - kept, buffer, 0, kept);
            offset += end - kept;
        }
        throw new IOException("no closing delimiter");
    }

    /** A multipart/form-data body of one file part of {@code size} octets, made on the fly from {@code block}. */
    private static final class MultipartBody extends InputStream {
        private final byte[] head;
        private final byte[] tail;
        private final byte[] block;
        private final long size;
        private long position;

        MultipartBody(byte[] boundary, byte[] block, long size) {
            String b = new String(boundary, StandardCharsets.US_ASCII);
            this.head = ("--" + b + "\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"x.bin\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            this.tail = ("\r\n--" + b + "--\r\n").getBytes(StandardCharsets.US_ASCII);
            this.block = block;
            this.size = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            long total = head.length + size + tail.length;
            if (position >= total) {
                return -1;
            }
            int n;
            if (position < head.length) {
                n = (int) Math.min(len, head.length - position);
                System.arraycopy(head, (int) position, b, off, n);
            } else if (position < head.length + size) {
                long inPart = position - head.length;
                int inBlock = (int) (inPart % block.length);
                n = (int) Math.min(Math.min(len, block.length - inBlock), size - inPart);
                System.arraycopy(block, inBlock, b, off, n);
            } else {
                int inTail = (int) (position - head.length - size);
                n = Math.min(len, tail.length - inTail);
                System.arraycopy(tail, inTail, b, off, n);
            }
            position += n;
            return n;
        }
    }

    private static void measure(String name, long bytes, int rounds, byte[] block, Sink sink) throws Exception {
        measureOnce(sink, block, Math.min(bytes, 200_000_000L)); // warm-up: let C2 compile the loop
        double[] rates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            measureOnce(sink, block, bytes);
            rates[r] = bytes / ((System.nanoTime() - start) / 1e9) / 1e6;
        }
        report(name, bytes, rates);
    }

    private static void report(String name, long bytes, double[] rates) {
        int rounds = rates.length;
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        System.out.printf("%-26s %5d MB: median %6.0f MB/s, spread %.0f .. %.0f (%d rounds)%n", name,
                bytes / 1_000_000, sorted[rounds / 2], sorted[0], sorted[rounds - 1], rounds);
        System.out.printf("figure %s.MB_per_s %.1f%n", name, sorted[rounds / 2]);
    }

    private static void measureOnce(Sink sink, byte[] block, long bytes) throws Exception {
        Counting counter = new Counting();
        try (OutputStream out = sink.open(counter)) {
            for (long written = 0; written < bytes; written += block.length) {
                out.write(block, 0, (int) Math.min(block.length, bytes - written));
            }
        }
        if (counter.count < bytes / 2) {
            throw new AssertionError("the sink got too little");
        }
    }

    /** AES-256/CFB of the JDK, as a stream: OpenPGP's CFB (without its resync) costs the same. */
    private static OutputStream cipher(OutputStream out) throws GeneralSecurityException {
        Cipher aes = Cipher.getInstance("AES/CFB/NoPadding", "SunJCE");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[32], "AES"), new IvParameterSpec(new byte[16]));
        return new javax.crypto.CipherOutputStream(out, aes);
    }

    /** Counts and drops. */
    private static final class Counting extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
