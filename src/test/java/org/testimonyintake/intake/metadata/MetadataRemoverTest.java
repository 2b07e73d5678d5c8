package org.testimonyintake.intake.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.interop.ExternalTool;

/**
 * The server's filter on the media vectors of src/test/resources/media, each made by real tools and described by its
 * {@code .expect} file, checked with the real readers: exiftool and ffprobe no longer find the tags named there (and
 * did find them in the original; a video's stream keeps its encoder's name, FORMAT.md section 5.1), ffmpeg or
 * libheif decode the same pictures, ffprobe still reads the video; the browser's modules (clean-media.mjs under
 * Node) give the very same octets. One dynamic test per vector, each collecting all its failures.
 */
class MetadataRemoverTest {

    @TempDir
    static Path directory;
    static Path byBrowser;

    @BeforeAll
    static void cleanInTheBrowserModules() throws Exception {
        for (String[] tool : new String[][] {{"exiftool", "libimage-exiftool-perl"}, {"ffprobe", "ffmpeg"},
                {"ffmpeg", "ffmpeg"}, {"heif-convert", "libheif-examples"}, {"node", "nodejs"}}) {
            ExternalTool.requireInstalled(tool[0], tool[1]);
        }
        byBrowser = Files.createDirectory(directory.resolve("browser"));
        List<String> command = new ArrayList<>(List.of("node", "src/test/browser/clean-media.mjs", byBrowser.toString()));
        MediaVectors.all().forEach(vector -> command.add(vector.toString()));
        ExternalTool.run(Map.of(), new byte[0], command).requireSuccess();
    }

    @TestFactory
    Stream<DynamicTest> eachVectorLosesWhatItsExpectFileNames() throws IOException {
        return MediaVectors.all().stream().map(vector -> DynamicTest.dynamicTest(vector.getFileName().toString(), () -> {
            List<String> failures = new ArrayList<>();
            check(vector, failures);
            assertEquals(List.of(), failures);
        }));
    }

    private static void check(Path vector, List<String> failures) throws Exception {
        Map<String, String> expect = MediaVectors.expectations(vector);
        String name = vector.getFileName().toString();
        Path browserOutput = byBrowser.resolve(name);
        if (expect.get("expect").equals("unreadable")) {
            try {
                MediaVectors.cleaned(Files.readAllBytes(vector));
                failures.add("the server's filter accepted it");
            } catch (UnreadableMedia expected) {
                // as it should
            }
            if (!Files.exists(byBrowser.resolve(name + ".unreadable"))) {
                failures.add("the browser's module accepted it");
            }
            return;
        }
        byte[] cleaned = MediaVectors.cleaned(Files.readAllBytes(vector));
        Path output = Files.write(directory.resolve(name), cleaned);
        if (!Files.exists(browserOutput)) {
            failures.add("the browser's module refused it: " + Files.readString(byBrowser.resolve(name + ".unreadable")));
        } else if (!Arrays.equals(cleaned, Files.readAllBytes(browserOutput))) {
            failures.add("the browser's module and the server's filter give different octets");
        }
        failures.addAll(MediaVectors.exiftoolTagsLeft(vector, output));
        if (expect.containsKey("ffprobe streams")) {
            for (String where : List.of("format", "stream")) {
                Map<String, String> tagsBefore = ffprobeTags(vector, where);
                Map<String, String> tagsAfter = ffprobeTags(output, where);
                for (String tag : MediaVectors.words(expect.get("ffprobe " + where + " gone"))) {
                    if (!tagsBefore.containsKey(tag)) {
                        failures.add("ffprobe finds no " + where + " tag " + tag + " in the original");
                    }
                    if (tagsAfter.containsKey(tag)) {
                        failures.add("ffprobe still finds the " + where + " tag " + tag + " = " + tagsAfter.get(tag));
                    }
                }
            }
            Map<?, ?> probed = ffprobe(output);
            String streams = String.valueOf(((List<?>) probed.get("streams")).size());
            String duration = String.valueOf(((Map<?, ?>) probed.get("format")).get("duration"));
            checkEqual(failures, "ffprobe streams", expect.get("ffprobe streams"), streams);
            checkEqual(failures, "ffprobe duration", expect.get("ffprobe duration"), duration);
        }
        if ("yes".equals(expect.get("same picture"))) {
            checkEqual(failures, "decoded pictures", MediaVectors.decodedMd5(vector, directory),
                    MediaVectors.decodedMd5(output, directory));
        }
    }

    @Test
    void otherFilesPassOctetForOctet() throws Exception {
        byte[] random = new byte[300_000];
        new Random(7).nextBytes(random);
        for (byte[] file : List.of(new byte[0], new byte[] {(byte) 0xFF}, "%PDF-1.7 a document".getBytes(), random)) {
            assertArrayEquals(file, MediaVectors.cleaned(file));
        }
    }

    @Test
    void aVideoOfManyChunksStreamsThroughWithItsMediaDataUntouched() throws Exception {
        byte[] video = Files.readAllBytes(MediaVectors.DIRECTORY.resolve("phone.mov"));
        byte[] cleaned = MediaVectors.cleaned(video);
        assertEquals(video.length, cleaned.length);
        // phone.mov: ftyp, wide, then mdat before moov (as phones write it): the media data is the same octets
        int mdatEnd = 28 + 1170;
        assertArrayEquals(Arrays.copyOf(video, mdatEnd), Arrays.copyOf(cleaned, mdatEnd));
        // read in tiny pieces, the stream gives the same result
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MetadataRemover.copy(new TrickleInputStream(video), out);
        assertArrayEquals(cleaned, out.toByteArray());
    }

    @Test
    void aMovieBoxPastTheMemoryCapIsRefused() {
        byte[] header = {0x7F, 0, 0, 0, 'm', 'o', 'o', 'v'}; // claims 2 GiB
        assertThrows(UnreadableMedia.class, () -> MediaVectors.cleaned(header));
    }

    private static Map<?, ?> ffprobe(Path file) throws Exception {
        ExternalTool.Outcome outcome = ExternalTool.run(Map.of(), new byte[0], List.of("ffprobe", "-v", "error",
                "-show_format", "-show_streams", "-of", "json", file.toString())).requireSuccess();
        return JSON.std.mapFrom(outcome.stdoutText());
    }

    /** The tags of the format, or of every stream (a video's stream tags include its sample description's names). */
    private static Map<String, String> ffprobeTags(Path file, String where) throws Exception {
        Map<?, ?> probed = ffprobe(file);
        List<?> holders = where.equals("format") ? List.of(probed.get("format")) : (List<?>) probed.get("streams");
        Map<String, String> tags = new LinkedHashMap<>();
        for (Object holder : holders) {
            Object found = ((Map<?, ?>) holder).get("tags");
            if (found instanceof Map<?, ?> map) {
                map.forEach((key, value) -> tags.put(key.toString(), value.toString()));
            }
        }
        return tags;
    }

    private static void checkEqual(List<String> failures, String what, String expected, String actual) {
        if (!expected.equals(actual)) {
            failures.add(what + ": expected " + expected + " but was " + actual);
        }
    }

    /** Gives at most 3 octets a read, as a slow connection might. */
    private static final class TrickleInputStream extends InputStream {
        private final byte[] bytes;
        private int position;

        TrickleInputStream(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (position >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(length, 3), bytes.length - position);
            System.arraycopy(bytes, position, into, offset, n);
            position += n;
            return n;
        }
    }
}
