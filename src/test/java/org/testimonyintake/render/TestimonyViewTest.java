package org.testimonyintake.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.format.TestimonyDocument.Answer;
import org.testimonyintake.format.TestimonyDocument.Attachment;

class TestimonyViewTest {
    private static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final String KOREAN = "저는 2019년부터 블라디보스토크 건설 현장에서 일했습니다.\n여권은 관리자가 가져갔습니다.";
    private static final String RUSSIAN = "Паспорта забрали в первый же день.";

    private static final TestimonyDocument DOCUMENT = new TestimonyDocument("ko", "server",
            List.of(Answer.text("testimony", "무슨 일이 있었습니까?", KOREAN),
                    Answer.text("site", null, RUSSIAN),
                    Answer.choices("consent", "How may we use it?", List.of("quote-anonymously", "share-with-un")),
                    Answer.choices("contact", "May we contact you?", List.of()),
                    Answer.text("phone", "Phone", "")),
            List.of(new Attachment(1, "사진 1.jpg", "image/jpeg", 12345, SHA256)));

    @Test
    void pageIsAStandaloneDocumentThatLetsNothingLoadOrRun() throws Exception {
        String html = TestimonyView.render(DOCUMENT, "2025-06-01 #0042");

        assertTrue(html.startsWith("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-"), html);
        StrictHtml page = StrictHtml.readTestimonyPage(html);
        String expectedStyleSource = "'sha256-" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(page.style().getBytes(StandardCharsets.UTF_8))) + "'";
        assertEquals("default-src 'none'; style-src " + expectedStyleSource
                + "; img-src data:; form-action 'none'; base-uri 'none'", HtmlPage.CONTENT_SECURITY_POLICY);
        assertTrue(page.style().contains("font-family: system-ui, \"Noto Sans CJK KR\""));
        assertFalse(page.style().contains("url("), "no font or image is fetched, not even from the disk");
        assertEquals(1, html.split("http-equiv").length - 1, "one policy, and no other http-equiv");
    }

    @Test
    void pageShowsLabelLanguageEncryptionAnswersAndAttachments() {
        StrictHtml page = StrictHtml.readTestimonyPage(TestimonyView.render(DOCUMENT, "2025-06-01 #0042"));

        String text = page.bodyText();
        assertEquals("Testimony 2025-06-01 #0042", page.titleText());
        assertTrue(text.contains("Submission2025-06-01 #0042"), text);
        assertTrue(text.contains("Form languageKorean (ko)"), text);
        assertTrue(text.contains("Encryptedby the intake server on arrival"), text);
        assertEquals(List.of("2025-06-01 #0042", "무슨 일이 있었습니까?", "How may we use it?", "May we contact you?", "Phone",
                "사진 1.jpg", "image/jpeg"), page.textsOfClass("data"));
        assertEquals(List.of("testimony", "site", "consent", "contact", "phone"), page.textsOfClass("field-id"));
        assertEquals(List.of(KOREAN, RUSSIAN, "quote-anonymously", "share-with-un"), page.textsOfClass("value"));
        assertEquals(List.of("No choice made.", "Left empty."), page.textsOfClass("empty"));
        assertEquals(List.of("12,345 bytes"), page.textsOfClass("size"));
        assertEquals(List.of(SHA256), page.textsOfClass("digest"));
        assertTrue(text.contains("Part"), text);
        assertTrue(text.indexOf("사진 1.jpg") > text.indexOf(RUSSIAN), "attachments come after the answers");
    }

    @Test
    void browserEncryptionIsSaidInPlainWords() {
        TestimonyDocument document = new TestimonyDocument("ru", "browser", List.of(), List.of());

        StrictHtml page = StrictHtml.readTestimonyPage(TestimonyView.render(document, "#7"));

        assertTrue(page.bodyText().contains("Form languageRussian (ru)"), page.bodyText());
        assertTrue(page.bodyText().contains(
                "Encryptedin the source's browser, before sending; the server never held the plain text"), page.bodyText());
        assertEquals(List.of("No answers.", "No attachments."), page.textsOfClass("empty"));
    }

    @Test
    void otherLanguageTagsAreShownAsGiven() {
        TestimonyDocument document = new TestimonyDocument("zh-Hant-TW", "server", List.of(), List.of());

        String text = StrictHtml.readTestimonyPage(TestimonyView.render(document, "#7")).bodyText();

        assertTrue(text.contains("Form languagezh-Hant-TW"), text);
    }
}
