package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testimonyintake.intake.i18n.Language;

/** The headers of live responses: every page, file, refusal and error carries the same protective set, exactly. */
class HeadersTest extends SiteTest {
    static final Map<String, String> EXPECTED = Map.of(
            "content-security-policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                    + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            "referrer-policy", "no-referrer",
            "x-content-type-options", "nosniff",
            "x-frame-options", "DENY",
            "cache-control", "no-store",
            "cross-origin-opener-policy", "same-origin",
            "cross-origin-resource-policy", "same-origin");
    /** Features a page could use to locate, record or identify a source; each must be denied to every origin. */
    static final List<String> DENIED_FEATURES = List.of("camera", "microphone", "geolocation", "display-capture",
            "usb", "payment", "publickey-credentials-get", "accelerometer", "gyroscope", "magnetometer");
    /** Headers that would name the software, carry a time, or set state in the source's browser. */
    static final List<String> FORBIDDEN = List.of("server", "x-powered-by", "set-cookie", "set-cookie2", "date",
            "last-modified", "etag", "x-jetty-version");


    @Test
    void everyResponseCarriesExactlyTheProtectiveHeaders() throws Exception {
        Map<String, HttpResponse<String>> responses = new LinkedHashMap<>();
        for (Language language : Language.values()) {
            for (PagesTest.Served page : PagesTest.everyPage(site, language)) {
                responses.put(page.what() + " (" + language.tag() + ")", page.response());
            }
        }
        responses.put("office key", site.get("/key"));
        responses.put("robots.txt", site.get("/robots.txt"));
        responses.put("stylesheet", site.get("/static/site.css"));
        responses.put("HEAD", site.send("HEAD", "/", HttpRequest.BodyPublishers.noBody()));
        responses.put("POST to a page", site.send("POST", "/", HttpRequest.BodyPublishers.ofString("x")));
        responses.put("not a form", site.send("POST", "/submit", HttpRequest.BodyPublishers.ofString("x"),
                "Content-Type", "text/plain"));
        responses.put("TRACE", site.send("TRACE", "/", HttpRequest.BodyPublishers.noBody()));
        List<String> failures = new ArrayList<>();
        responses.forEach((what, response) -> failures.addAll(problems(what, response.headers().map())));
        assertEquals(List.of(), failures);
    }

    @Test
    void requestsJettyRefusesItselfCarryTheHeadersToo() throws Exception {
        List<String> failures = new ArrayList<>();
        String close = "Host: localhost\r\nConnection: close\r\n";
        failures.addAll(problems("malformed URI", rawHeaders("GET /%zz HTTP/1.1\r\n" + close + "\r\n")));
        failures.addAll(problems("oversized header",
                rawHeaders("GET / HTTP/1.1\r\n" + close + "X-Big: " + "a".repeat(20_000) + "\r\n\r\n")));
        assertEquals(List.of(), failures);
    }

    @Test
    void noCookieEverEvenAfterAFullVisit() throws Exception {
        String token = site.formToken();
        HttpResponse<String> received = site.submit("/submit", token, "x");
        assertTrue(received.headers().allValues("set-cookie").isEmpty());
        assertTrue(site.get("/form").headers().allValues("set-cookie").isEmpty());
    }

    static List<String> problems(String what, Map<String, List<String>> headers) {
        Map<String, List<String>> lower = new LinkedHashMap<>();
        headers.forEach((name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                .addAll(values));
        List<String> problems = new ArrayList<>();
        EXPECTED.forEach((name, value) -> {
            if (!List.of(value).equals(lower.get(name))) {
                problems.add(what + ": " + name + " is " + lower.get(name));
            }
        });
        List<String> permissions = lower.getOrDefault("permissions-policy", List.of());
        for (String feature : DENIED_FEATURES) {
            if (permissions.size() != 1 || !(", " + permissions.get(0) + ",").contains(", " + feature + "=(),")) {
                problems.add(what + ": permissions-policy does not deny " + feature + ": " + permissions);
            }
        }
        for (String name : FORBIDDEN) {
            if (lower.containsKey(name)) {
                problems.add(what + ": has " + name + ": " + lower.get(name));
            }
        }
        return problems;
    }

    /** The response headers to a request written byte for byte, for requests no HTTP client would send. */
    private static Map<String, List<String>> rawHeaders(String request) throws IOException {
        try (Socket socket = new Socket(site.uri("/").getHost(), site.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(4096), StandardCharsets.ISO_8859_1);
            head = head.substring(0, Math.max(0, head.indexOf("\r\n\r\n")));
            Map<String, List<String>> headers = new LinkedHashMap<>();
            String[] lines = head.split("\r\n");
            assertTrue(lines[0].startsWith("HTTP/1.1 4"), lines[0]);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon).trim(), n -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
            return headers;
        }
    }
}
