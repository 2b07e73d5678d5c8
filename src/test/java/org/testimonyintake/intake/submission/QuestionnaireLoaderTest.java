package org.testimonyintake.intake.submission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.testimonyintake.intake.submission.Questionnaire.Kind;

class QuestionnaireLoaderTest {
    private static final String LABEL = "{\"en\": \"Q\", \"ko\": \"질문\", \"ru\": \"Вопрос\"}";
    private static final String TESTIMONY = "{\"id\": \"testimony\", \"kind\": \"textarea\", \"required\": true, "
            + "\"label\": " + LABEL + "}";

    private static Questionnaire load(String... questions) throws IOException {
        String json = "{\"questions\": [" + String.join(",", questions) + "]}";
        return Questionnaire.load(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String refusal(String... questions) {
        return assertThrows(IOException.class, () -> load(questions)).getMessage();
    }

    @Test
    void theDefaultQuestionnaireLoads() throws IOException {
        try (InputStream json = getClass().getResourceAsStream("/questionnaire.json")) {
            Questionnaire questionnaire = Questionnaire.load(json);
            assertEquals(Questionnaire.TESTIMONY, questionnaire.questions().get(0).id());
            assertEquals(Kind.MULTIPLE_CHOICE, questionnaire.question("consent").orElseThrow().kind());
            assertEquals(5, questionnaire.question("relation").orElseThrow().choices().size());
            assertTrue(questionnaire.question("name").isEmpty(), "no name is asked");
        }
    }

    @Test
    void aMinimalQuestionnaireLoads() throws IOException {
        Questionnaire questionnaire = load(TESTIMONY);
        assertEquals("질문", questionnaire.questions().get(0).label().get("ko"));
        assertTrue(questionnaire.questions().get(0).help().isEmpty());
    }

    @Test
    void refusesWhatTheSiteCouldNotShowOrTheDocumentNotCarry() {
        assertTrue(refusal().contains("testimony"));
        assertTrue(refusal(TESTIMONY.replace("textarea", "text")).contains("textarea"));
        assertTrue(refusal(TESTIMONY.replace("true", "false")).contains("required"));
        assertTrue(refusal(TESTIMONY, TESTIMONY).contains("two questions"));
        assertTrue(refusal(TESTIMONY.replace(", \"ru\": \"Вопрос\"", "")).contains("no ru text"));
        assertTrue(refusal(TESTIMONY, question("Bad_Id", "text", "")).contains("Bad_Id"));
        assertTrue(refusal(TESTIMONY, question("form-token", "text", "")).contains("form-token"));
        assertTrue(refusal(TESTIMONY, question("attachments", "text", "")).contains("attachments"));
        assertTrue(refusal(TESTIMONY, question("when", "dropdown", "")).contains("dropdown"));
        assertTrue(refusal(TESTIMONY, question("who", "single-choice", "")).contains("choices"));
        String choices = ", \"choices\": [{\"id\": \"a\", \"label\": " + LABEL + "}]";
        assertTrue(refusal(TESTIMONY, question("when", "text", choices)).contains("choices"));
        assertTrue(refusal("{\"id\": \"testimony\", \"id\": \"x\"}").contains("id"), "duplicate members");
    }

    private static String question(String id, String kind, String more) {
        return "{\"id\": \"" + id + "\", \"kind\": \"" + kind + "\", \"label\": " + LABEL + more + "}";
    }
}
