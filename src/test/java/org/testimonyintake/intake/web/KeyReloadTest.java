package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.intake.Html;
import org.testimonyintake.intake.TestOffice;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.intake.i18n.Language;
import org.testimonyintake.intake.i18n.Messages;

/** A key file replaced while the site runs: a good one is taken up, a bad one closes the site (503) until fixed. */
class KeyReloadTest {
    @Test
    void unusableKeyClosesTheSiteAndAGoodOneReopensIt(@TempDir Path directory) throws Exception {
        try (TestSite site = TestSite.start(directory)) {
            byte[] good = Files.readAllBytes(site.keyFile);
            replace(site.keyFile, Files.readAllBytes(TestOffice.secretKeyFile(directory)), 1);
            for (Language language : Language.values()) {
                for (String path : new String[] {"/", "/form", "/key"}) {
                    HttpResponse<String> closed = site.get(path + "?lang=" + language.tag());
                    assertEquals(503, closed.statusCode(), path);
                    assertTrue(closed.body().contains(Html.escaped(
                            Messages.load().text(language, "problem.unavailable.text"))), closed.body());
                    assertTrue(HeadersTest.problems(path, closed.headers().map()).isEmpty());
                }
            }
            HttpResponse<String> refused = site.submit("/submit", "x", "y");
            assertEquals(503, refused.statusCode());

            replace(site.keyFile, good, 2);
            assertEquals(200, site.get("/").statusCode());
            assertEquals(200, site.get("/form").statusCode());
        }
    }

    /** Writes the file with a modification time of its own, as a copy at another moment would. */
    private static void replace(Path file, byte[] content, int generation) throws Exception {
        Files.write(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2001-01-01T00:00:00Z").plusSeconds(generation)));
    }
}
