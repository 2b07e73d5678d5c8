package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.intake.submission.Questionnaire;
import org.testimonyintake.intake.submission.SubmissionService;

/**
 * Every Tor client arrives from 127.0.0.1, so there is no address to limit: 300 connections that send their
 * submission a byte a second must not keep 20 other sources from submitting, nor a source on a slow Tor link
 * (20 KiB a second, with a pause of half a minute) whose submission arrives while they trickle.
 */
class SlowClientsTest {
    private static final int TRICKLING = 300;
    private static final int SOURCES = 20;
    private static final int SLOW_LINK_BYTES_PER_SECOND = 20 * 1024;
    private static final Duration SLOW_LINK_PAUSE = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    @Test
    void connectionsThatTrickleAByteASecondDoNotStopOtherSources() throws Exception {
        try (TestSite site = TestSite.start(directory)) {
            List<Socket> trickling = new ArrayList<>();
            try {
                for (int i = 0; i < TRICKLING; i++) {
                    Socket socket = new Socket("127.0.0.1", site.uri("/").getPort());
                    socket.getOutputStream().write(("POST /submit HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    trickling.add(socket);
                }
                ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
                trickle.scheduleAtFixedRate(() -> {
                    for (Socket socket : trickling) {
                        try {
                            OutputStream out = socket.getOutputStream();
                            out.write('x');
                            out.flush();
                        } catch (Exception closedByServer) {
                            // a server may drop a client that slow
                        }
                    }
                }, 1, 1, TimeUnit.SECONDS);
                Thread.sleep(3_000); // every trickling request has reached its handler
                ExecutorService sources = Executors.newFixedThreadPool(SOURCES + 1);
                String slowToken = site.formToken();
                Future<String> slow = sources.submit(() -> submitOverSlowLink(site, slowToken));
                List<Future<HttpResponse<String>>> sent = new ArrayList<>();
                for (int i = 0; i < SOURCES; i++) {
                    int number = i;
                    sent.add(sources.submit(() -> site.submit("/submit", site.formToken(), "testimony " + number)));
                }
                for (Future<HttpResponse<String>> answer : sent) {
                    assertEquals(200, answer.get(60, TimeUnit.SECONDS).statusCode());
                }
                assertEquals("HTTP/1.1 200 OK", slow.get(SLOW_LINK_PAUSE.toSeconds() + 60, TimeUnit.SECONDS));
                long cutOff = trickling.stream().filter(SlowClientsTest::answeredOrClosed).count();
                assertTrue(cutOff >= TRICKLING - IntakeApp.MAX_WAITING_BODIES, cutOff + " trickling clients cut off");
                sources.shutdown();
                trickle.shutdownNow();
            } finally {
                for (Socket socket : trickling) {
                    socket.close();
                }
            }
        }
    }

    /** True if the server answered or closed the connection: a client still trickling along sees neither. */
    private static boolean answeredOrClosed(Socket socket) {
        try {
            socket.setSoTimeout(10); // an answer or a close came seconds ago, if any
            socket.getInputStream().read();
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /**
     * Sends the JavaScript-off form as a browser on a slow Tor circuit does: a kibibyte at a time at
     * {@link #SLOW_LINK_BYTES_PER_SECOND}, silent for {@link #SLOW_LINK_PAUSE} halfway; returns the status line.
     */
    private static String submitOverSlowLink(TestSite site, String token) throws Exception {
        TestSite.Multipart form = new TestSite.Multipart().field(SubmissionService.FORM_TOKEN_FIELD, token)
                .field(Questionnaire.TESTIMONY, "slow link ".repeat(8_000));
        byte[] body = form.bytes();
        try (Socket socket = new Socket("127.0.0.1", site.uri("/").getPort())) {
            socket.setSoTimeout((int) SLOW_LINK_PAUSE.plusSeconds(60).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST /submit HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: multipart/form-data; boundary=" + form.boundary + "\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            int piece = 1024;
            long pieceMillis = 1000L * piece / SLOW_LINK_BYTES_PER_SECOND;
            for (int at = 0; at < body.length; at += piece) {
                if (at / piece == body.length / piece / 2) {
                    Thread.sleep(SLOW_LINK_PAUSE.toMillis());
                }
                out.write(body, at, Math.min(piece, body.length - at));
                out.flush();
                Thread.sleep(pieceMillis);
            }
            BufferedReader answer = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            return answer.readLine();
        }
    }
}
