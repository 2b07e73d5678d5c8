package org.testimonyintake.vectors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.testimonyintake.office.DecryptionException.Reason;

/**
 * One test vector file: {@code key: value} header lines, a blank line, then the message, as ASCII armor or as base64
 * of the binary message ({@code encoding:} says which). {@code expect:} is {@code success} or a decryption failure
 * reason in words ("integrity failure"); a success names the plaintext by {@code plaintext-sha256:}. An optional
 * {@code max-plaintext-bytes:} is the most plaintext the reader is told to allow.
 */
record DecryptionVector(String name, Map<String, String> headers, byte[] message) {
    static final String FILE_SUFFIX = ".vector";
    static final String SUCCESS = "success";

    static DecryptionVector read(Path file) throws IOException {
        String content = Files.readString(file, StandardCharsets.UTF_8);
        int blankLine = content.indexOf("\n\n");
        if (blankLine < 0) {
            throw new IOException(file + ": no blank line after the header");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : content.substring(0, blankLine).split("\n")) {
            int colon = line.indexOf(": ");
            if (colon < 0) {
                throw new IOException(file + ": header line without \"key: value\": " + line);
            }
            headers.put(line.substring(0, colon), line.substring(colon + 2));
        }
        String body = content.substring(blankLine + 2);
        byte[] message = switch (headers.getOrDefault("encoding", "")) {
            case "armor" -> body.getBytes(StandardCharsets.US_ASCII);
            case "base64" -> Base64.getMimeDecoder().decode(body);
            default -> throw new IOException(file + ": encoding must be armor or base64");
        };
        String name = file.getFileName().toString();
        return new DecryptionVector(name.substring(0, name.length() - FILE_SUFFIX.length()), headers, message);
    }

    /** The header as written: description first, then what is expected, then how it was made. */
    String encoded() {
        StringBuilder text = new StringBuilder();
        headers.forEach((key, value) -> text.append(key).append(": ").append(value).append('\n'));
        text.append('\n');
        if (headers.get("encoding").equals("armor")) {
            text.append(new String(message, StandardCharsets.US_ASCII));
        } else if (message.length > 0) {
            text.append(Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(message)).append('\n');
        }
        return text.toString();
    }

    /** The failure this vector must produce, or empty if it must decrypt. */
    Optional<Reason> expectedFailure() {
        String expect = headers.get("expect");
        if (SUCCESS.equals(expect)) {
            return Optional.empty();
        }
        for (Reason reason : Reason.values()) {
            if (words(reason).equals(expect)) {
                return Optional.of(reason);
            }
        }
        throw new IllegalArgumentException(name + ": unknown expect: " + expect);
    }

    String plaintextSha256() {
        return headers.get("plaintext-sha256");
    }

    long maxPlaintextBytes() {
        return Long.parseLong(headers.getOrDefault("max-plaintext-bytes", String.valueOf(Long.MAX_VALUE)));
    }

    /** NOT_FOR_THIS_KEY is written "not for this key" in vector files. */
    static String words(Reason reason) {
        return reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
