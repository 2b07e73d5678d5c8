package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.intake.submission.SubmissionService;

/**
 * Every Tor client arrives from 127.0.0.1, so nothing can be limited per address: many connections that send one
 * byte a second (in the body of a submission, which a request thread waits for, and in the headers) must not keep
 * another source from loading the form and submitting a file. Each slow connection the server drops is opened again,
 * as an attacker would.
 */
class SlowClientsTest {
    /** More than Jetty's default 250 request threads. */
    private static final int SLOW_BODIES = 300;
    private static final int SLOW_HEADERS = 100;

    @TempDir
    Path directory;

    @Test
    void connectionsTricklingABytePerSecondDoNotStopAnotherSource() throws Exception {
        try (TestSite site = TestSite.start(directory);
             Trickle trickle = new Trickle(site, site.formToken())) {
            trickle.start(SLOW_BODIES, SLOW_HEADERS);
            Thread.sleep(3_000); // every slow connection is open and has sent something

            HttpClient source = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // connections of its own
            long started = System.nanoTime();
            byte[] file = new byte[1 << 20];
            new Random(1).nextBytes(file);
            TestSite.Multipart form = new TestSite.Multipart()
                    .field(SubmissionService.FORM_TOKEN_FIELD, formToken(source, site))
                    .field("testimony", "sent while others trickle")
                    .file(SubmissionService.ATTACHMENTS_FIELD, "photo.jpg", "image/jpeg", file);
            HttpResponse<String> received = source.send(HttpRequest.newBuilder(site.uri("/submit?lang=en"))
                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "multipart/form-data; boundary=" + form.boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())).build(), HttpResponse.BodyHandlers.ofString());
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            assertEquals(200, received.statusCode(), received.body());
            assertTrue(seconds < 20, "the submission took " + seconds + " s");
            assertTrue(trickle.opened.get() > SLOW_BODIES + SLOW_HEADERS, "no slow connection was dropped");
        }
    }

    private static String formToken(HttpClient source, TestSite site) throws Exception {
        String form = source.send(HttpRequest.newBuilder(site.uri("/form")).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher token = Pattern.compile("name=\"form-token\" value=\"([^\"]+)\"").matcher(form);
        assertTrue(token.find(), form);
        return token.group(1);
    }

    /** Slow connections, each sent one more byte every second by one thread; a dropped one is opened again. */
    private static final class Trickle implements AutoCloseable {
        private final InetSocketAddress server;
        private final byte[] bodyStart;
        private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        private final List<Slow> connections = new ArrayList<>();
        final AtomicInteger opened = new AtomicInteger();

        Trickle(TestSite site, String formToken) {
            this.server = new InetSocketAddress(site.uri("/").getHost(), site.uri("/").getPort());
            String body = "--b\r\nContent-Disposition: form-data; name=\"" + SubmissionService.FORM_TOKEN_FIELD
                    + "\"\r\n\r\n" + formToken + "\r\n--b\r\nContent-Disposition: form-data; name=\"testimony\"\r\n\r\n";
            this.bodyStart = ("POST /submit HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; "
                    + "boundary=b\r\nContent-Length: 1000000\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
        }

        void start(int slowBodies, int slowHeaders) throws IOException {
            for (int i = 0; i < slowBodies + slowHeaders; i++) {
                Slow slow = new Slow(i < slowBodies ? bodyStart : "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.open();
                connections.add(slow);
            }
            sender.scheduleAtFixedRate(() -> connections.forEach(Slow::sendOneByte), 1, 1, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            sender.shutdownNow();
            sender.awaitTermination(10, TimeUnit.SECONDS);
            connections.forEach(Slow::close);
        }

        private final class Slow {
            private final byte[] start;
            private Socket socket;
            private OutputStream out;

            Slow(byte[] start) {
                this.start = start;
            }

            void open() throws IOException {
                socket = new Socket();
                socket.connect(server, 5_000);
                out = socket.getOutputStream();
                out.write(start);
                out.flush();
                opened.incrementAndGet();
            }

            void sendOneByte() {
                try {
                    out.write('x');
                    out.flush();
                } catch (IOException dropped) {
                    close();
                    try {
                        open();
                    } catch (IOException e) {
                        // the server refused a new connection: tried again in a second
                    }
                }
            }

            void close() {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing a broken connection
                }
            }
        }
    }
}
