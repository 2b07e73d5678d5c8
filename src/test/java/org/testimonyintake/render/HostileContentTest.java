package org.testimonyintake.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.format.TestimonyDocument.Answer;
import org.testimonyintake.format.TestimonyDocument.Attachment;

/** Hostile testimony renders as text only: no markup of its own, and every character still visible to the analyst. */
class HostileContentTest {
    private static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    static Stream<Path> vectors() {
        return HostileVectors.files();
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void hostileDocumentBecomesTextOnly(Path vector) throws Exception {
        TestimonyDocument document = HostileVectors.load(vector, HostileVectors.UNUSED_PORT);

        StrictHtml page = StrictHtml.readTestimonyPage(TestimonyView.render(document, "case 7"));

        for (String untrusted : HostileVectors.untrustedStrings(document)) {
            assertTrue(page.bodyText().contains(HostileVectors.visibleText(untrusted)),
                    () -> vector.getFileName() + ": the page does not show " + untrusted);
        }
        List<String> expectedValues = new ArrayList<>();
        document.answers().forEach(answer -> answer.values().stream().map(HostileVectors::visibleText)
                .forEach(expectedValues::add));
        assertEquals(expectedValues, page.textsOfClass("value"), "every value, exactly and in order");
    }

    @Test
    void vectorsCoverTheBrowserLoadsAndBreakouts() {
        String all = HostileVectors.files().map(file -> {
            try {
                return String.join("\n", HostileVectors.untrustedStrings(HostileVectors.load(file, 1)));
            } catch (Exception e) {
                throw new AssertionError(file + " is not a valid testimony document", e);
            }
        }).reduce("", String::concat).toLowerCase(Locale.ROOT);
        for (String vector : List.of("<script", "<img src=", "srcset=", "<link rel=stylesheet", "url(", "<iframe",
                "http-equiv=refresh", "<object", "poster=", "onerror=", "javascript:", "<style>@import", "<svg onload",
                "</textarea>", "<!--", "expression(", "\u202e", "\u0000")) {
            assertTrue(all.contains(vector), () -> "no hostile vector contains " + vector);
        }
    }

    @Test
    void rightToLeftOverrideIsShownAsACodePointNotObeyed() {
        TestimonyDocument document = documentWith(Answer.text("testimony", null, "photo\u202Egpj.exe"));

        String html = TestimonyView.render(document, "case 7");

        assertFalse(html.contains("\u202E"));
        StrictHtml page = StrictHtml.readTestimonyPage(html);
        assertEquals(List.of("photoU+202Egpj.exe"), page.textsOfClass("value"));
        assertEquals(List.of("U+202E", "U+202E"), page.textsOfClass("codepoint"), "the notice's example, then the value's");
    }

    @Test
    void nulAndOtherControlsAreShownNotDropped() {
        TestimonyDocument document = documentWith(Answer.text("testimony", null, "a\u0000b\u0085c\u007Fd\tz"));

        StrictHtml page = StrictHtml.readTestimonyPage(TestimonyView.render(document, "case 7"));

        assertEquals(List.of("aU+0000bU+0085cU+007Fd\tz"), page.textsOfClass("value"));
    }

    @Test
    void everyCodePointIsShownAsItselfOrAsItsCodePoint() {
        StringBuilder everything = new StringBuilder();
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            if (Character.getType(codePoint) != Character.SURROGATE) {
                everything.appendCodePoint(codePoint);
            }
        }
        TestimonyDocument document = documentWith(Answer.text("testimony", null, everything.toString()));

        StrictHtml page = StrictHtml.readTestimonyPage(TestimonyView.render(document, "case 7"));

        assertEquals(List.of(HostileVectors.visibleText(everything.toString())), page.textsOfClass("value"));
    }

    @Test
    void veryLongHostileStringsStayText() {
        String flood = "<script>alert(1)</script><img src=x onerror=alert(1)>".repeat(20_000);
        String unbroken = "A".repeat(1_000_000);
        TestimonyDocument document = new TestimonyDocument("ko", "server",
                List.of(Answer.text("testimony", flood, flood), Answer.text("unbroken", null, unbroken)),
                List.of(new Attachment(1, "<".repeat(255), "text/html", 1, SHA256)));

        StrictHtml page = StrictHtml.readTestimonyPage(TestimonyView.render(document, "case 7"));

        assertEquals(List.of(flood, unbroken), page.textsOfClass("value"));
        assertTrue(page.bodyText().contains("<".repeat(255)));
    }

    @Test
    void hostileSubmissionLabelIsTextInTitleAndBody() {
        String label = "</title><script>alert(1)</script>\u202E";
        TestimonyDocument document = documentWith(Answer.text("testimony", null, "x"));

        StrictHtml page = StrictHtml.readTestimonyPage(TestimonyView.render(document, label));

        assertEquals("Testimony </title><script>alert(1)</script>U+202E", page.titleText());
        assertTrue(page.bodyText().contains("</title><script>alert(1)</script>U+202E"));
    }

    @Test
    void pageIsRefusedIfTheSanitizerHadToRemoveAnything() {
        for (String brokenBody : List.of("<p>x</p><script>alert(1)</script>", "<p onclick=\"alert(1)\">x</p>",
                "<p class=\"unknown\">x</p>", "<a href=\"javascript:alert(1)\">x</a>")) {
            assertThrows(IllegalStateException.class,
                    () -> HtmlPage.render("t", brokenBody, HtmlPage.TESTIMONY_POLICY), brokenBody);
        }
        assertThrows(IllegalStateException.class,
                () -> HtmlPage.render("t", "<a href=\"javascript:alert(1)\">x</a>", HtmlPage.INDEX_POLICY));
        assertThrows(IllegalStateException.class,
                () -> HtmlPage.render("t", "<a href=\"http://127.0.0.1/\">x</a>", HtmlPage.INDEX_POLICY));
    }

    private static TestimonyDocument documentWith(Answer answer) {
        return new TestimonyDocument("ko", "server", List.of(answer), List.of());
    }
}
