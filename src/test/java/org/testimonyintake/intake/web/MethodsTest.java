package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GET, HEAD and POST only: every other method is answered 405 with an Allow header, on every path. */
class MethodsTest extends SiteTest {

    @Test
    void otherMethodsAreNotAllowed() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String method : List.of("PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "PROPFIND")) {
            for (String path : List.of("/", "/form", "/submit", "/api/submissions", "/key", "/static/site.css",
                    "/nowhere")) {
                HttpResponse<String> response = site.send(method, path, HttpRequest.BodyPublishers.ofString("x"));
                if (response.statusCode() != 405
                        || !response.headers().allValues("Allow").equals(List.of("GET, HEAD, POST"))) {
                    failures.add(method + " " + path + ": " + response.statusCode() + " " + response.headers().map());
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void traceDoesNotEchoTheRequest() throws Exception {
        HttpResponse<String> response = site.send("TRACE", "/", HttpRequest.BodyPublishers.noBody(),
                "X-Echo-Marker", "echo-marker-4711");
        assertEquals(405, response.statusCode());
        assertEquals(-1, response.body().indexOf("echo-marker-4711"));
    }
}
