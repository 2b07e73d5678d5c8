package org.testimonyintake.intake.metadata;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.testimonyintake.interop.ExternalTool;

/**
 * The media vectors of src/test/resources/media, each with its {@code .expect} file, and the real readers that judge a
 * cleaned copy of one: exiftool's tags, the pictures libheif and ffmpeg decode. MetadataRemoverTest judges the server's
 * filter with them, BrowserEncryptionTest what arrived from real browsers.
 */
public final class MediaVectors {
    public static final Path DIRECTORY = Path.of("src/test/resources/media");
    /** What exiftool shows for a QuickTime date set to zero, which names no time. */
    private static final String ZERO_DATE = "0000:00:00 00:00:00";

    private MediaVectors() {
    }

    /** Every vector that has an {@code .expect} file, by name. */
    public static List<Path> all() throws IOException {
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            return files.filter(file -> Files.exists(Path.of(file + ".expect"))).sorted().toList();
        }
    }

    /** The server's filter applied to a whole file. */
    public static byte[] cleaned(byte[] file) throws IOException, UnreadableMedia {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MetadataRemover.copy(new ByteArrayInputStream(file), out);
        return out.toByteArray();
    }

    /** The .expect file's "key: value" lines; # starts a comment. */
    public static Map<String, String> expectations(Path vector) throws IOException {
        Map<String, String> expect = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(vector + ".expect"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int colon = line.indexOf(':');
                expect.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        return expect;
    }

    public static List<String> words(String line) {
        return line == null ? List.of() : List.of(line.split("\\s+"));
    }

    /**
     * What is wrong with a cleaned copy of the vector by exiftool: a tag its .expect file lists as gone that exiftool
     * still finds in the copy, or does not find in the vector either (then the check proves nothing).
     */
    public static List<String> exiftoolTagsLeft(Path vector, Path cleaned) throws Exception {
        List<String> problems = new ArrayList<>();
        Map<String, String> before = exiftool(vector);
        Map<String, String> after = exiftool(cleaned);
        for (String tag : words(expectations(vector).get("exiftool gone"))) {
            if (!before.containsKey(tag)) {
                problems.add("exiftool finds no " + tag + " in the original, so the test proves nothing");
            }
            String left = after.get(tag);
            if (left != null && !left.equals(ZERO_DATE)) {
                problems.add("exiftool still finds " + tag + " = " + left);
            }
        }
        return problems;
    }

    /** Every tag exiftool reads, by its name without the group, with the value of its last occurrence. */
    private static Map<String, String> exiftool(Path file) throws Exception {
        ExternalTool.Outcome outcome = ExternalTool.run(Map.of(), new byte[0],
                List.of("exiftool", "-j", "-a", "-G1", "-struct", file.toString())).requireSuccess();
        Map<String, String> tags = new LinkedHashMap<>();
        Map<?, ?> found = (Map<?, ?>) JSON.std.listFrom(outcome.stdoutText()).get(0);
        for (Map.Entry<?, ?> entry : found.entrySet()) {
            String key = entry.getKey().toString();
            if (!key.startsWith("System:") && !key.startsWith("File:") && !key.startsWith("ExifTool:")) {
                tags.put(key.substring(key.indexOf(':') + 1), String.valueOf(entry.getValue()));
            }
        }
        return tags;
    }

    /**
     * The MD5 of every decoded frame (ffmpeg), of the decoded picture for HEIF (heif-convert into scratch, then
     * ffmpeg); fails when a decoder cannot read the file.
     */
    public static String decodedMd5(Path file, Path scratch) throws Exception {
        Path picture = file;
        if (file.toString().endsWith(".heic")) {
            picture = Files.createTempFile(scratch, "decoded-", ".png");
            ExternalTool.run(Map.of(), new byte[0], List.of("heif-convert", file.toString(), picture.toString()))
                    .requireSuccess();
        }
        return ExternalTool.run(Map.of(), new byte[0], List.of("ffmpeg", "-v", "error", "-i", picture.toString(),
                "-map", "0:v", "-f", "framemd5", "-")).requireSuccess().stdoutText()
                .lines().filter(line -> !line.startsWith("#")).toList().toString();
    }
}
