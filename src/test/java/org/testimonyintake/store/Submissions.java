package org.testimonyintake.store;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

/** Helpers for the store's tests: committing submissions and looking at what lies in the data directory. */
final class Submissions {
    static final String SUBKEY = "63E2DFACB0C99B43";
    /** An afternoon: every stored time must come out as 00:00 of this date. */
    static final Clock AFTERNOON = Clock.fixed(Instant.parse("2026-11-27T13:45:12.345Z"), ZoneOffset.UTC);

    private Submissions() {
    }

    /** Commits a submission with the testimony part and one attachment per further argument; returns its id. */
    static String commit(SubmissionStore store, byte[] testimony, byte[]... attachments) throws IOException {
        try (NewSubmission submission = store.begin()) {
            writePart(submission, SubmissionFields.TESTIMONY_PART, testimony);
            for (int i = 0; i < attachments.length; i++) {
                writePart(submission, "attachment-" + (i + 1) + ".pgp", attachments[i]);
            }
            submission.commit("browser", SUBKEY);
            return submission.id();
        }
    }

    static void writePart(NewSubmission submission, String name, byte[] content) throws IOException {
        try (OutputStream out = submission.createPart(name)) {
            out.write(content);
        }
    }

    /** Stand-in ciphertext: recognizable bytes of the given size. */
    static byte[] content(String text, int size) {
        byte[] pattern = text.getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[size];
        for (int i = 0; i < size; i++) {
            content[i] = pattern[i % pattern.length];
        }
        return content;
    }

    /** Every file and directory under the root, the root excluded. */
    static List<Path> everything(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(path -> !path.equals(root)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> names(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(entry -> entry.getFileName().toString()).sorted().toList();
        }
    }

    /** ISO-8859-1 maps every octet to one character, so this is a search for the octets. */
    static boolean contains(byte[] haystack, byte[] needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
    }
}
