package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.intake.i18n.Language;

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

    /** A Tor circuit that drops in the middle of a chunk is the sender's affair: kept as far as it came, not logged. */
    @Test
    void aChunkThatBreaksOffIsKeptAndNotLogged(@TempDir Path directory) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (TestSite site = TestSite.start(directory)) {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            String created = site.send("POST", "/api/uploads", HttpRequest.BodyPublishers.ofString(
                    "form-token=" + URLEncoder.encode(site.formToken(), StandardCharsets.UTF_8)),
                    "Content-Type", "application/x-www-form-urlencoded").body();
            String id = created.replaceAll(".*\"id\":\"([0-9a-f]+)\".*", "$1");
            byte[] half = new byte[50_000];
            half[0] = (byte) 0xc1; // a PKESK opens the upload
            try (Socket socket = new Socket("127.0.0.1", site.uri("/").getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /api/uploads/" + id + "?offset=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(half);
                out.flush();
            }
            String offset = "";
            for (int tries = 0; tries < 100 && !offset.contains("50000"); tries++) {
                Thread.sleep(50);
                offset = site.get("/api/uploads/" + id).body();
            }
            assertEquals("{\"offset\":50000}", offset);
        } finally {
            System.setErr(original);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8).strip(), "nothing is logged");
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
