package org.testimonyintake.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.testimonyintake.format.ReplyDocument;
import org.testimonyintake.format.TestimonyDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IndexPageTest {
    @Test
    void indexLinksEachCaseRelativelyWithTheTestimonysBeginning() {
        String longTestimony = "가".repeat(150) + "\n\n  " + "Ж".repeat(100);
        List<IndexEntry> entries = List.of(
                new IndexEntry("2025-06-01-k7p2/", "2025-06-01", "ko", longTestimony),
                new IndexEntry("2025-06-02-x9q4/view.html", "2025-06-02", "ru", "Короткий рассказ."));

        String html = TestimonyView.renderIndex(entries);

        StrictHtml page = StrictHtml.readIndexPage(html);
        List<String> links = page.elements().stream().filter(element -> element.name().equals("a"))
                .map(element -> element.attributes().get("href")).toList();
        assertEquals(List.of("2025-06-01-k7p2/", "2025-06-02-x9q4/view.html"), links);
        assertEquals(List.of("가".repeat(150) + " " + "Ж".repeat(49) + "…", "Короткий рассказ."),
                page.textsOfClass("excerpt"));
        assertTrue(page.bodyText().contains("Korean (ko)"), page.bodyText());
        assertTrue(html.contains(HtmlPage.CONTENT_SECURITY_POLICY));
    }

    @Test
    void hostileExcerptDateAndLanguageStayText() {
        String hostile = "<script>alert(1)</script><img src=x onerror=alert(1)>\u202E";
        IndexEntry entry = new IndexEntry("case-1/", hostile, hostile, hostile);

        StrictHtml page = StrictHtml.readIndexPage(TestimonyView.renderIndex(List.of(entry)));

        String visible = "<script>alert(1)</script><img src=x onerror=alert(1)>U+202E";
        assertEquals(List.of(visible), page.textsOfClass("date"));
        assertEquals(List.of(visible), page.textsOfClass("data"));
        assertEquals(List.of(visible), page.textsOfClass("excerpt"));
    }

    @Test
    void aCasePageKeepsHostileAnswersAndRepliesAsText() throws Exception {
        String hostile = "<script>alert(1)</script><img src=x onerror=alert(1)>\u202E";
        String visible = "<script>alert(1)</script><img src=x onerror=alert(1)>U+202E";
        TestimonyDocument document = new TestimonyDocument("ko", "browser",
                List.of(TestimonyDocument.Answer.text("testimony", hostile, hostile)), List.of(),
                new TestimonyDocument.Reply("0123456789abcdef0123456789abcdef", "TEST-ONLY"));
        CaseStep.Summary summary = new CaseStep.Summary("0123456789abcdef0123456789abcdef", new RelativeLink("case-x.html"),
                List.of(new CaseStep.Submission("2026-12-01", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                                new RelativeLink("2026-12-01-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/testimony.html"), document),
                        new CaseStep.Reply("2026-12-02", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                                new ReplyDocument(hostile, List.of(new ReplyDocument.Attachment(1, hostile, "text/plain", 1,
                                        "a".repeat(64)))))), "2026-12-09");

        StrictHtml page = StrictHtml.readIndexPage(TestimonyView.renderCase(summary));

        assertEquals(List.of(visible, visible), page.textsOfClass("value"), "the answer and the reply");
        assertTrue(page.textsOfClass("warning").get(0).contains("Forgotten on the server on 2026-12-09"));
        assertTrue(page.textsOfClass("data").contains(visible + " (1 bytes)"));
        assertEquals(List.of("2026-12-01-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/testimony.html"), page.elements().stream()
                .filter(e -> e.name().equals("a")).map(e -> e.attributes().get("href")).toList());
    }

    @Test
    void emptyIndexSaysSo() {
        StrictHtml page = StrictHtml.readIndexPage(TestimonyView.renderIndex(List.of()));

        assertEquals(List.of("No testimonies."), page.textsOfClass("empty"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "javascript:alert(1)", "JavaScript:alert(1)/", "data:text/html,x", "http://127.0.0.1/",
            "//127.0.0.1/case/", "/etc/passwd", "../other-case/", "case/../../etc/", "./case/", ".hidden/", "case//x",
            "case 1/", "case\\1/", "case%2F1/", "case?x=1", "case#x", "case\n/", "케이스/", "case\"onclick=\"x/"})
    void indexRefusesLinksThatAreNotPlainRelativePaths(String link) {
        assertThrows(IllegalArgumentException.class, () -> new IndexEntry(link, "2025-06-01", "ko", "text"));
    }
}
