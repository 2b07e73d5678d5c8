package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.testimonyintake.intake.Html;

/** The encryption modules as the questionnaire names them: served by this site, each matching its integrity. */
class BrowserScriptsTest extends SiteTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();


    @Test
    void everyModuleOfTheFormMatchesItsIntegrity() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Html.Tag tag : Html.startTags(site.get("/form?lang=ko").body())) {
            String url = tag.name().equals("script") ? tag.attribute("src")
                    : "modulepreload".equals(tag.attribute("rel")) ? tag.attribute("href") : null;
            if (url == null) {
                continue;
            }
            HttpResponse<byte[]> module = CLIENT.send(HttpRequest.newBuilder(site.uri(url)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, module.statusCode(), url);
            assertEquals("text/javascript; charset=utf-8", module.headers().firstValue("content-type").orElse(""));
            String expected = "sha384-" + Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-384").digest(module.body()));
            assertEquals(expected, tag.attribute("integrity"), url);
            checked.add(url.substring(url.lastIndexOf('/') + 1));
        }
        assertEquals(List.of("openpgp.min.mjs", "photo-metadata.mjs", "media-metadata.mjs", "encrypt.mjs",
                "upload.mjs", "form.mjs"), checked, "dependencies are preloaded before the module that imports them");
    }

    @Test
    void withoutScriptsTheFormIsTheJavaScriptOffForm() throws Exception {
        String html = site.get("/form?lang=ru&nojs=1").body();
        assertFalse(html.contains("<script"), html);
        assertFalse(html.contains("modulepreload"), html);
        assertTrue(html.contains("action=\"/submit?lang=ru\""), html);
    }

    @Test
    void nothingElseIsServedFromTheScriptFolder() throws Exception {
        assertEquals(404, site.get("/static/js/package.json").statusCode());
        assertEquals(404, site.get("/static/js/..%2Fsite.css").statusCode());
    }
}
