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
