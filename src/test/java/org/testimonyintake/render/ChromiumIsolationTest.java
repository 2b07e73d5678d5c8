package org.testimonyintake.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.format.TestimonyDocument.Answer;

/**
 * A real browser opens the rendered pages from disk, as staff do, while a loopback server counts every request that
 * reaches it. The hostile documents point every kind of load at that server; none may arrive. Two control runs keep
 * the test honest: raw markup spliced into the page is stopped by the Content-Security-Policy alone, and the same
 * markup without the policy does reach the server, so silence means blocked rather than unobserved.
 */
class ChromiumIsolationTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final long CHROMIUM_TIMEOUT_SECONDS = 60;
    private static final String LOADS = "loads";
    private static final String FORM_SUBMISSION = "form submission";
    private static final List<String> requests = new CopyOnWriteArrayList<>();
    private static HttpServer countingServer;

    @TempDir
    Path workDirectory;

    @BeforeAll
    static void startCountingServer() throws IOException {
        countingServer = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        countingServer.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            byte[] body = "/* counted */".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        countingServer.start();
    }

    @AfterAll
    static void stopCountingServer() {
        countingServer.stop(0);
    }

    @BeforeEach
    void requireChromium() {
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM);
        requests.clear();
    }

    static Stream<Path> vectors() {
        return HostileVectors.files();
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void hostileTestimonyLoadsNothingAndShowsAsText(Path vector) throws Exception {
        TestimonyDocument document = HostileVectors.load(vector, port());

        String dom = openInChromium(TestimonyView.render(document, "case 7"));

        assertEquals(List.of(), requests, "requests that reached the loopback server");
        StrictHtml page = StrictHtml.readTestimonyPage(dom);
        assertFalse(page.elements().stream().anyMatch(element -> element.name().equals("script")));
        List<String> expectedValues = new ArrayList<>();
        document.answers().forEach(answer -> answer.values().stream().map(HostileVectors::visibleText)
                .forEach(expectedValues::add));
        assertEquals(expectedValues, page.textsOfClass("value"), "the values as Chromium's DOM holds them");
        for (String untrusted : HostileVectors.untrustedStrings(document)) {
            assertTrue(page.bodyText().contains(HostileVectors.visibleText(untrusted)), () -> "not shown: " + untrusted);
        }
    }

    @Test
    void hostileIndexLoadsNothingAndLinksOnlyRelatively() throws Exception {
        String hostile = injectedMarkup(LOADS);
        List<IndexEntry> entries = List.of(new IndexEntry("case-1/", hostile, "ko", hostile),
                new IndexEntry("case-2/view.html", "2025-06-02", "ru", "<a href=\"javascript:alert(1)\">x</a>"));

        String dom = openInChromium(TestimonyView.renderIndex(entries));

        assertEquals(List.of(), requests, "requests that reached the loopback server");
        StrictHtml page = StrictHtml.readIndexPage(dom);
        assertEquals(List.of("case-1/", "case-2/view.html"), page.elements().stream()
                .filter(element -> element.name().equals("a")).map(element -> element.attributes().get("href")).toList());
        assertTrue(page.bodyText().contains(hostile.replace("\n", " ").substring(0, 150)), page.bodyText());
    }

    @ParameterizedTest
    @ValueSource(strings = {LOADS, FORM_SUBMISSION})
    void policyAloneStopsMarkupThatEscapedTheEscaping(String injection) throws Exception {
        String page = spliceIntoBody(renderBenignPage(), injectedMarkup(injection));

        String dom = openInChromium(page);

        assertTrue(dom.contains("<script"), "the injected markup was live in the DOM");
        assertEquals(List.of(), requests, "requests that reached the loopback server");
    }

    @ParameterizedTest
    @ValueSource(strings = {LOADS, FORM_SUBMISSION})
    void withoutThePolicyTheSameMarkupReachesTheServer(String injection) throws Exception {
        String policy = "<meta http-equiv=\"Content-Security-Policy\" content=\"" + HtmlPage.CONTENT_SECURITY_POLICY + "\">";
        String page = renderBenignPage();
        assertTrue(page.contains(policy));

        openInChromium(spliceIntoBody(page.replace(policy, ""), injectedMarkup(injection)));

        List<String> expected = injection.equals(LOADS)
                ? List.of("/img", "/srcset", "/script-src", "/stylesheet", "/css-url", "/iframe", "/object", "/poster")
                : List.of("/form?");
        for (String path : expected) {
            assertTrue(requests.contains("GET " + path), () -> "the counting server did not see " + path + ": " + requests);
        }
    }

    /**
     * Markup that makes a page fetch or run: every kind of load, or a form that submits itself (kept apart because
     * navigating away would cut the loads short). Meta refresh is left out: navigation is not something a
     * Content-Security-Policy governs, so only the escaping, tested above, stops that one.
     */
    private static String injectedMarkup(String injection) {
        String server = "http://127.0.0.1:" + port();
        if (injection.equals(FORM_SUBMISSION)) {
            return "<form id=\"f\" action=\"" + server + "/form\"></form><script>document.getElementById('f').submit()</script>";
        }
        return String.join("\n",
                "<img src=\"" + server + "/img\">",
                "<img srcset=\"" + server + "/srcset 1x\">",
                "<picture><source srcset=\"" + server + "/picture\"><img alt=\"\"></picture>",
                "<script src=\"" + server + "/script-src\"></script>",
                "<script>fetch('" + server + "/inline-script')</script>",
                "<link rel=\"stylesheet\" href=\"" + server + "/stylesheet\">",
                "<link rel=\"prefetch\" href=\"" + server + "/prefetch\">",
                "<style>@import url(" + server + "/import); body { background: url(" + server + "/css-url) }</style>",
                "<div style=\"background-image: url(" + server + "/style-attribute)\">x</div>",
                "<iframe src=\"" + server + "/iframe\"></iframe>",
                "<object data=\"" + server + "/object\"></object>",
                "<embed src=\"" + server + "/embed\">",
                "<video poster=\"" + server + "/poster\" src=\"" + server + "/video\"></video>",
                "<audio src=\"" + server + "/audio\" autoplay></audio>",
                "<input type=\"image\" src=\"" + server + "/input-image\">",
                "<table background=\"" + server + "/table-background\"><tr><td>x</td></tr></table>",
                "<svg><image href=\"" + server + "/svg-image\"/></svg>",
                "<img src=\"x\" onerror=\"fetch('" + server + "/onerror')\">",
                "<svg onload=\"fetch('" + server + "/svg-onload')\"></svg>");
    }

    private static String renderBenignPage() {
        return TestimonyView.render(new TestimonyDocument("ko", "server",
                List.of(Answer.text("testimony", null, "benign")), List.of()), "control");
    }

    private static String spliceIntoBody(String page, String markup) {
        assertTrue(page.contains("<body>\n"));
        return page.replace("<body>\n", "<body>\n" + markup + "\n");
    }

    private static int port() {
        return countingServer.getAddress().getPort();
    }

    /** Opens the page from disk as staff would and returns Chromium's serialization of the resulting DOM. */
    private String openInChromium(String html) throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory(workDirectory, "run");
        Path page = Files.writeString(directory.resolve("view.html"), html, StandardCharsets.UTF_8);
        Path dom = directory.resolve("dom.html");
        Path log = directory.resolve("chromium.log");
        Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--user-data-dir=" + directory.resolve("profile"),
                "--virtual-time-budget=2000", "--dump-dom", page.toUri().toString())
                .redirectOutput(dom.toFile())
                .redirectError(log.toFile())
                .start();
        if (!chromium.waitFor(CHROMIUM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            chromium.descendants().forEach(ProcessHandle::destroyForcibly);
            chromium.destroyForcibly();
            fail("Chromium did not finish within " + CHROMIUM_TIMEOUT_SECONDS + " s");
        }
        assertEquals(0, chromium.exitValue(), () -> "Chromium failed: " + readQuietly(log));
        return Files.readString(dom, StandardCharsets.UTF_8);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
