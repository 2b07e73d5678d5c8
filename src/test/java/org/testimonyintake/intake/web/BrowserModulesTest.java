package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The browser modules' unit tests (src/test/browser/modules.test.mjs) under Node's test runner: hashes, padding sizes,
 * the SEIPDv1 writer against openpgp.js's decryption, the photo metadata filter on JPEG and PNG, and the video and
 * HEIF one on MP4, QuickTime and HEIF boxes.
 */
class BrowserModulesTest {
    private static final long TIMEOUT_SECONDS = 120;

    @Test
    void nodeTestRunnerPasses() throws IOException, InterruptedException {
        Process node = new ProcessBuilder("node", "--test", "--test-reporter=spec", "src/test/browser/modules.test.mjs")
                .redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!node.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            node.destroyForcibly();
        }
        System.out.println(output);
        assertEquals(0, node.exitValue(), output);
    }
}
