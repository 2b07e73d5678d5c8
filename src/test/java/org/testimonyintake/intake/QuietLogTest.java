package org.testimonyintake.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server says nothing about requests: not their path, query, headers, or content, even when refusing them. */
class QuietLogTest {
    private static final String MARKER = "quiet-log-marker-1f3a";

    @Test
    void requestsLeaveNoTraceInTheLog(@TempDir Path directory) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (TestSite site = TestSite.start(directory)) {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            String[] headers = {"User-Agent", MARKER, "Accept-Language", MARKER, "X-Forwarded-For", MARKER};
            site.get("/?lang=" + MARKER, headers);
            site.get("/" + MARKER, headers);
            site.send("DELETE", "/" + MARKER, HttpRequest.BodyPublishers.ofString(MARKER), headers);
            site.submit("/submit?" + MARKER, MARKER, MARKER);
            site.submit("/submit", site.formToken(), MARKER);
            site.send("POST", "/submit", HttpRequest.BodyPublishers.ofString(MARKER), "Content-Type",
                    "multipart/form-data; boundary=" + MARKER);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertFalse(log.contains(MARKER), log);
        assertEquals("", log.strip(), "nothing at all is logged for these requests");
    }

    @Test
    void failureTracesNameClassesAndLinesButNoMessages() {
        Exception failure = new IllegalStateException(MARKER, new RuntimeException(MARKER + " cause"));
        String trace = ErrorController.trace(failure);
        assertFalse(trace.contains(MARKER), trace);
        assertFalse(trace.indexOf("java.lang.IllegalStateException") < 0, trace);
        assertFalse(trace.indexOf("caused by: java.lang.RuntimeException") < 0, trace);
    }
}
