package org.testimonyintake.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's phone checks: src/test/browser/mobile-suite.mjs drives Chromium and Firefox ESR at 360 x 740 through
 * every source page in every language with JavaScript on and off (axe-core at WCAG 2.2 AA, no sideways scrolling,
 * 44 px tap targets, the quick-exit button on screen, Hangul drawn by a Korean font) against the real server.
 */
class MobileAccessibilityTest {
    private static final Path SUITE = Path.of("src/test/browser/mobile-suite.mjs");
    private static final long SUITE_TIMEOUT_SECONDS = 180;

    @TempDir
    Path directory;

    @Test
    void everySourcePageIsUsableOnAPhoneAndPassesAxe() throws Exception {
        Path results = directory.resolve("results.json");
        List<String> failures = new ArrayList<>();
        try (TestSite site = TestSite.start(directory)) {
            String origin = site.uri("/").toString().replaceAll("/$", "");
            Path config = Files.writeString(directory.resolve("config.json"), JSON.std.asString(Map.of(
                    "origin", origin, "resultsFile", results.toString(), "browsers", List.of("chromium", "firefox"))));
            Path log = directory.resolve("suite.log"); // not inherited: surefire's own channel is the fork's stdout
            Process node = new ProcessBuilder("node", SUITE.toString(), config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!node.waitFor(SUITE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                node.descendants().forEach(ProcessHandle::destroyForcibly);
                node.destroyForcibly();
                failures.add("the mobile suite did not finish within " + SUITE_TIMEOUT_SECONDS + " s");
            }
            System.out.println(Files.readString(log));
        }
        if (!Files.exists(results)) {
            failures.add("the mobile suite wrote no results");
        } else {
            for (Object result : JSON.std.listFrom(Files.readString(results))) {
                Map<?, ?> outcome = (Map<?, ?>) result;
                if (!Boolean.TRUE.equals(outcome.get("passed"))) {
                    failures.add(outcome.get("name") + ": " + outcome.get("problem"));
                }
            }
        }
        assertEquals(List.of(), failures);
    }
}
