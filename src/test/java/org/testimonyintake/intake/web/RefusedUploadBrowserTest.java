package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.intake.i18n.Language;
import org.testimonyintake.intake.i18n.Messages;
import org.testimonyintake.intake.submission.Limits;
import org.testimonyintake.intake.submission.SubmissionRefused.Reason;

/**
 * A source with JavaScript off picks a file over the limit: Chromium and Firefox ESR (Tor Browser's preferences) must
 * show the localized refusal, which needs the server to read the rest of the refused body before it answers and
 * closes (src/test/browser/refusal-suite.mjs drives the browsers). Both ways a file is too large: the whole request
 * (refused by its Content-Length before any of it is read) and one file (refused midway through the body).
 */
class RefusedUploadBrowserTest {
    private static final Path SUITE = Path.of("src/test/browser/refusal-suite.mjs");
    private static final long SUITE_TIMEOUT_SECONDS = 180;
    /** Files of a few MiB over the limits, so that the unread rest is more than the sockets' buffers hold. */
    private static final Limits SMALL = new Limits(2_000, 200, 2, 1L << 20, 32L << 20, Duration.ofSeconds(20));

    @TempDir
    Path directory;

    @Test
    void aFileOverTheLimitShowsTheRefusalInTheBrowser() throws Exception {
        Path largeFile = random(directory.resolve("video.mp4"), 24 << 20);
        Path tooLargeRequest = random(directory.resolve("archive.zip"), 40 << 20);
        Messages messages = Messages.load();
        Map<String, Object> uploads = new LinkedHashMap<>();
        uploads.put("one file over the file limit", Map.of("file", largeFile.toString(),
                "reason", beforePlaceholder(messages.text(Language.KO, Reason.ATTACHMENT_TOO_LARGE.messageKey()))));
        uploads.put("a request over the request limit", Map.of("file", tooLargeRequest.toString(),
                "reason", beforePlaceholder(messages.text(Language.KO, Reason.REQUEST_TOO_LARGE.messageKey()))));

        List<String> failures = new ArrayList<>();
        try (TestSite site = TestSite.start(directory, SMALL)) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("serverPort", site.uri("/").getPort());
            config.put("resultsFile", directory.resolve("results.json").toString());
            config.put("uploads", uploads);
            config.put("texts", Map.of("refusedTitle", messages.text(Language.KO, "refused.title")));
            Path configFile = Files.writeString(directory.resolve("config.json"), JSON.std.asString(config));
            failures.addAll(BrowserEncryptionTest.runSuite(SUITE, SUITE_TIMEOUT_SECONDS, configFile,
                    directory.resolve("results.json")));
            for (String area : List.of("incoming", "submissions")) {
                try (Stream<Path> files = Files.walk(site.dataDirectory.resolve(area))) {
                    files.filter(Files::isRegularFile).forEach(file -> failures.add("left on disk: " + file));
                }
            }
            assertEquals(200, site.get("/").statusCode());
        }
        assertEquals(List.of(), failures);
    }

    private static Path random(Path file, int size) throws Exception {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(file, bytes);
    }

    private static String beforePlaceholder(String message) {
        return message.split("\\{")[0].strip();
    }
}
