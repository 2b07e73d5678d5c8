package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.testimonyintake.format.Fingerprints;
import org.testimonyintake.intake.Html;
import org.testimonyintake.intake.TestOffice;
import org.testimonyintake.intake.TestSite;
import org.testimonyintake.intake.i18n.Language;
import org.testimonyintake.intake.i18n.Messages;
import org.testimonyintake.intake.submission.Questionnaire;
import org.testimonyintake.intake.submission.SubmissionService;

/** Every page of the site, in every language, as a browser receives it. */
class PagesTest extends SiteTest {
    private static final Pattern HANGUL = Pattern.compile("\\p{IsHangul}");
    private static final Pattern CYRILLIC = Pattern.compile("\\p{IsCyrillic}");

    static Messages messages = Messages.load();

    /** One page as served in one language, with the text its title must have there. */
    record Served(Language language, String what, int status, String titleKey, HttpResponse<String> response) {
    }

    /** Every page and error page the site has, in {@code language}, chosen by link. */
    static List<Served> everyPage(TestSite site, Language language) throws Exception {
        String lang = "?lang=" + language.tag();
        List<Served> pages = new ArrayList<>();
        pages.add(new Served(language, "landing", 200, "landing.title", site.get("/" + lang)));
        pages.add(new Served(language, "questionnaire", 200, "form.title", site.get("/form" + lang)));
        pages.add(new Served(language, "confirmation", 200, "received.title", site.submit("/submit" + lang,
                site.formToken(), "A test testimony in " + language)));
        pages.add(new Served(language, "refusal", 400, "refused.title", site.submit("/submit" + lang,
                "expired", "A test testimony")));
        pages.add(new Served(language, "not found", 404, "problem.not-found.title", site.get("/no-such-page" + lang)));
        pages.add(new Served(language, "method not allowed", 405, "problem.method-not-allowed.title",
                site.send("PUT", "/" + lang, HttpRequest.BodyPublishers.noBody())));
        return pages;
    }

    @Test
    void everyPageInEveryLanguage() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Language language : Language.values()) {
            for (Served page : everyPage(site, language)) {
                String where = page.what() + " in " + language.tag() + ": ";
                String html = page.response().body();
                if (page.response().statusCode() != page.status()) {
                    failures.add(where + "status " + page.response().statusCode());
                }
                if (!html.contains("<html lang=\"" + language.tag() + "\">")) {
                    failures.add(where + "no lang attribute " + language.tag());
                }
                if (!html.contains(Html.escaped(messages.text(language, page.titleKey())))) {
                    failures.add(where + "title not translated");
                }
                String contentType = page.response().headers().firstValue("Content-Type").orElse("");
                if (!contentType.replace(" ", "").equalsIgnoreCase("text/html;charset=utf-8")) {
                    failures.add(where + "content type " + contentType);
                }
                if (language == Language.KO && !HANGUL.matcher(html).find()
                        || language == Language.RU && !CYRILLIC.matcher(html).find()) {
                    failures.add(where + "no text in the script of the language");
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void languageComesFromAcceptLanguageWithoutLink() throws Exception {
        String html = site.get("/", "Accept-Language", "ko-KR,ko;q=0.9,en;q=0.5").body();
        assertTrue(html.contains("<html lang=\"ko\">"), html);
        assertTrue(site.get("/form", "Accept-Language", "ru").body().contains("<html lang=\"ru\">"));
        assertTrue(site.get("/", "Accept-Language", "de-DE").body().contains("<html lang=\"en\">"));
    }

    @Test
    void linkChoiceWinsOverAcceptLanguage() throws Exception {
        assertTrue(site.get("/?lang=ru", "Accept-Language", "ko").body().contains("<html lang=\"ru\">"));
    }

    @Test
    void everyPageLinksToEveryLanguageAndKeepsItsOwnInLinks() throws Exception {
        String form = site.get("/form?lang=ko").body();
        assertTrue(form.contains("href=\"/form?lang=en\""), form);
        assertTrue(form.contains("href=\"/form?lang=ru\""), form);
        assertTrue(form.contains("action=\"/submit?lang=ko\""), form);
        assertTrue(form.contains("한국어"), form);
    }

    @Test
    void landingShowsTheOfficeFingerprintInGroupsOfFour() throws Exception {
        String html = site.get("/").body();
        assertTrue(html.contains(Fingerprints.grouped(TestOffice.fingerprint())), html);
        assertTrue(html.contains("TEST office can read"), html);
    }

    @Test
    void formAsksEveryQuestionWithTheTokenFirstAndNoName() throws Exception {
        String html = site.get("/form?lang=en").body();
        List<Html.Tag> fields = Html.startTags(html).stream()
                .filter(t -> List.of("input", "textarea", "select").contains(t.name())).toList();
        assertEquals(SubmissionService.FORM_TOKEN_FIELD, fields.get(0).attribute("name"));
        assertEquals("hidden", fields.get(0).attribute("type"));
        Questionnaire questionnaire = Questionnaire.load(PagesTest.class.getResourceAsStream("/questionnaire.json"));
        for (Questionnaire.Question question : questionnaire.questions()) {
            assertTrue(fields.stream().anyMatch(f -> question.id().equals(f.attribute("name"))), question.id());
            assertTrue(html.contains(Html.escaped(question.label().get("en"))), question.id());
        }
        assertTrue(fields.stream().anyMatch(f -> "file".equals(f.attribute("type"))
                && SubmissionService.ATTACHMENTS_FIELD.equals(f.attribute("name"))
                && f.attributes().containsKey("multiple")));
        assertTrue(fields.stream().noneMatch(f -> "name".equals(f.attribute("name"))));
        Html.Tag testimony = fields.stream().filter(f -> Questionnaire.TESTIMONY.equals(f.attribute("name")))
                .findFirst().orElseThrow();
        assertTrue(testimony.attributes().containsKey("required"));
        Html.Tag form = Html.startTags(html).stream().filter(t -> t.name().equals("form")).findFirst().orElseThrow();
        assertEquals("multipart/form-data", form.attribute("enctype"));
        assertEquals("post", form.attribute("method"));
        assertEquals("off", form.attribute("autocomplete"));
    }

    @Test
    void confirmationSaysTheServerEncryptedInMemory() throws Exception {
        HttpResponse<String> received = site.submit("/submit?lang=en", site.formToken(),
                "What happened at the site.");
        assertEquals(200, received.statusCode(), received.body());
        assertTrue(received.body().contains("never written to disk unencrypted"), received.body());
    }

    @Test
    void expiredFormOffersTheFormAgain() throws Exception {
        HttpResponse<String> refused = site.submit("/submit?lang=ko", "not-a-token", "text");
        assertEquals(400, refused.statusCode());
        String expired = Html.escaped(messages.text(Language.KO, "error.form-expired"));
        assertTrue(refused.body().contains(expired), refused.body());
        assertTrue(refused.body().contains("href=\"/form?lang=ko\""), refused.body());
    }

    @Test
    void robotsAreToldToStayAway() throws Exception {
        HttpResponse<String> robots = site.get("/robots.txt");
        assertEquals(200, robots.statusCode());
        assertEquals("User-agent: *\nDisallow: /\n", robots.body());
        assertTrue(robots.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
    }

    @Test
    void headRequestsAnswerWithoutBody() throws Exception {
        HttpResponse<String> head = site.send("HEAD", "/", HttpRequest.BodyPublishers.noBody());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }
}
