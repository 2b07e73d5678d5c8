package org.testimonyintake.office;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.ReplyDocument;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.format.TestimonyDocument.Answer;

/** The static index pages: every sorting and filter a page of its own, linked from every other. */
class CaseIndexTest {
    static final String A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    static final String B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    static final String C = "cccccccccccccccccccccccccccccccc";
    static final Pattern ROW_LINK = Pattern.compile("<a href=\"(\\d{4}-\\d\\d-\\d\\d-([a-f0-9]{32}))/testimony.html\">");

    @TempDir
    Path folder;

    @Test
    void sortingsAndFiltersByLanguageMonthAndChoiceAreStaticPages() throws Exception {
        submission("2026-11-27", A, "ko", List.of("quote-anonymously"));
        submission("2026-12-01", B, "ru", List.of("quote-anonymously", "<script>alert(1)</script>"));
        submission("2026-11-28", C, "ko", List.of());

        CaseIndex.write(folder, CaseFolder.submissions(folder));

        assertEquals(List.of(A, C, B), rows("index.html"));
        assertEquals(List.of(B, C, A), rows("index-newest-first.html"));
        assertEquals(List.of(A, C, B), rows("index-by-language.html"));
        assertEquals(List.of(A, C), rows("index-language-ko.html"));
        assertEquals(List.of(B), rows("index-language-ru.html"));
        assertEquals(List.of(A, C), rows("index-month-2026-11.html"));
        assertEquals(List.of(B), rows("index-month-2026-12.html"));
        assertEquals(List.of(B), rows("index-answer-consent-1.html"), "values sorted: '<' before 'q'");
        assertEquals(List.of(A, B), rows("index-answer-consent-2.html"));
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(9, files.filter(f -> f.getFileName().toString().endsWith(".html")).count());
        }
        String page = Files.readString(folder.resolve("index-answer-consent-1.html"));
        assertFalse(page.contains("<script>"), "a hostile choice is text");
        assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; (shown)"), page);
        for (String link : List.of("index.html", "index-newest-first.html", "index-language-ru.html", "index-month-2026-12.html",
                "index-answer-consent-2.html")) {
            assertTrue(page.contains("<a href=\"" + link + "\">"), link);
        }
        assertTrue(Files.readString(folder.resolve("index.html")).contains("oldest first (shown)"));
    }

    @Test
    void aCasePageShowsTheSourcesSubmissionsAndTheOfficesRepliesInOrder() throws Exception {
        String caseId = "0123456789abcdef0123456789abcdef";
        returning("2026-11-27", B, caseId, "first: the camp <b>north</b>");
        returning("2026-12-03", C, caseId, "second follow-up");
        returning("2026-12-01", A, caseId, "first follow-up");
        submission("2026-11-28", "dddddddddddddddddddddddddddddddd", "ko", List.of());
        SentReplies.add(folder, new SentReplies.SentReply(caseId, java.time.LocalDate.of(2026, 12, 1),
                "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", new ReplyDocument("Which camp? <script>x</script>", List.of(
                        new ReplyDocument.Attachment(1, "map.png", "image/png", 1234, "a".repeat(64))))));

        CaseIndex.write(folder, CaseFolder.submissions(folder));

        String page = Files.readString(folder.resolve("case-" + caseId + ".html"));
        List<String> order = Pattern.compile("<h2>([^<]*)</h2>").matcher(page).results().map(m -> m.group(1)).toList();
        assertEquals(List.of("2026-11-27: the source wrote", "2026-12-01: the source wrote",
                "2026-12-01: the office replied", "2026-12-03: the source wrote"), order, "by date, the source first on a day");
        int first = page.indexOf("first: the camp"), followUp = page.indexOf("first follow-up");
        int reply = page.indexOf("Which camp?"), second = page.indexOf("second follow-up");
        assertTrue(first < followUp && followUp < reply && reply < second, page);
        assertTrue(page.contains("<a href=\"2026-11-27-" + B + "/testimony.html\">"), page);
        assertTrue(page.contains("Which camp? &lt;script&gt;x&lt;/script&gt;") && page.contains("map.png (1,234 bytes)"), page);
        assertTrue(page.contains("the camp &lt;b&gt;north&lt;/b&gt;"), "the source's text is text");
        assertFalse(page.contains("dddddddd"), "a submission outside the case is not on its page");

        String index = Files.readString(folder.resolve("index.html"));
        assertTrue(index.contains("<a href=\"case-" + caseId + ".html\">" + caseId + "</a></td><td>3</td><td>1</td>"
                + "<td class=\"date\">2026-12-03</td>"), index);
    }

    private void returning(String date, String id, String caseId, String testimony) throws Exception {
        TestimonyDocument document = new TestimonyDocument("ru", "server", List.of(Answer.text("testimony", null, testimony)),
                List.of(), new TestimonyDocument.Reply(caseId, "TEST-ONLY not a key"));
        Files.write(Files.createDirectory(folder.resolve(date + "-" + id)).resolve("testimony.json"), document.toJson());
    }

    private List<String> rows(String page) throws Exception {
        Matcher links = ROW_LINK.matcher(Files.readString(folder.resolve(page)));
        return links.results().map(m -> m.group(2)).toList();
    }

    private void submission(String date, String id, String language, List<String> consent) throws Exception {
        TestimonyDocument document = new TestimonyDocument(language, "browser",
                List.of(Answer.text("testimony", null, "text " + id), Answer.choices("consent", null, consent)), List.of());
        Files.write(Files.createDirectory(folder.resolve(date + "-" + id)).resolve("testimony.json"), document.toJson());
    }
}
