package org.testimonyintake.intake.submission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.testimonyintake.intake.i18n.Language;
import org.testimonyintake.intake.submission.Questionnaire.Choice;
import org.testimonyintake.intake.submission.Questionnaire.Kind;
import org.testimonyintake.intake.submission.Questionnaire.Question;

/**
 * Reads a questionnaire config and refuses one the site could not show in full: every label in every site language,
 * field ids as the testimony document allows them (FORMAT.md section 4), and a required {@code testimony} textarea.
 */
final class QuestionnaireLoader {
    private static final Pattern FIELD_ID = Pattern.compile("[a-z0-9-]{1,64}");
    /** Field names the form itself uses; a question may not take them. */
    private static final Set<String> RESERVED_IDS =
            Set.of(SubmissionService.FORM_TOKEN_FIELD, SubmissionService.ATTACHMENTS_FIELD);
    private static final JSON STRICT_JSON = JSON.builder(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()).build();

    private QuestionnaireLoader() {
    }

    static Questionnaire load(InputStream json) throws IOException {
        Map<String, Object> root = STRICT_JSON.mapFrom(json);
        List<Question> questions = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Object entry : list(root.get("questions"), "questions")) {
            Question question = question(object(entry, "each question"));
            if (!ids.add(question.id())) {
                throw invalid("two questions have the id " + question.id());
            }
            questions.add(question);
        }
        Question testimony = questions.stream().filter(q -> q.id().equals(Questionnaire.TESTIMONY)).findFirst()
                .orElseThrow(() -> invalid("the narrative question \"testimony\" is missing"));
        if (testimony.kind() != Kind.TEXTAREA || !testimony.required()) {
            throw invalid("\"testimony\" must be a required textarea");
        }
        return new Questionnaire(List.copyOf(questions));
    }

    private static Question question(Map<String, Object> fields) throws IOException {
        String id = string(fields.get("id"), "a question id");
        if (!FIELD_ID.matcher(id).matches() || RESERVED_IDS.contains(id) || id.startsWith("attachment-")) {
            throw invalid("question id \"" + id + "\" must be 1 to 64 of a-z, 0-9 and -, and not a form field name");
        }
        Kind kind = kind(string(fields.get("kind"), id + ": kind"));
        boolean required = Boolean.TRUE.equals(fields.get("required"));
        Map<String, String> label = inEveryLanguage(fields.get("label"), id + ": label");
        Map<String, String> help = fields.get("help") == null
                ? Map.of() : inEveryLanguage(fields.get("help"), id + ": help");
        List<Choice> choices = new ArrayList<>();
        Set<String> choiceIds = new HashSet<>();
        for (Object entry : fields.get("choices") == null ? List.of() : list(fields.get("choices"), id + ": choices")) {
            Map<String, Object> choice = object(entry, id + ": each choice");
            String choiceId = string(choice.get("id"), id + ": a choice id");
            if (!FIELD_ID.matcher(choiceId).matches() || !choiceIds.add(choiceId)) {
                throw invalid(id + ": choice id \"" + choiceId + "\" is malformed or repeated");
            }
            choices.add(new Choice(choiceId, inEveryLanguage(choice.get("label"), id + "/" + choiceId + ": label")));
        }
        boolean isChoice = kind == Kind.SINGLE_CHOICE || kind == Kind.MULTIPLE_CHOICE;
        if (isChoice == choices.isEmpty()) {
            throw invalid(id + ": choices belong to choice questions, and every choice question needs some");
        }
        return new Question(id, kind, required, label, help, List.copyOf(choices));
    }

    private static Kind kind(String name) throws IOException {
        try {
            return Kind.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw invalid("unknown kind \"" + name + "\" (text, textarea, single-choice, multiple-choice)");
        }
    }

    private static Map<String, String> inEveryLanguage(Object value, String what) throws IOException {
        Map<String, Object> texts = object(value, what);
        Map<String, String> byLanguage = new LinkedHashMap<>();
        for (Language language : Language.values()) {
            Object text = texts.get(language.tag());
            if (!(text instanceof String s) || s.isBlank()) {
                throw invalid(what + " has no " + language.tag() + " text");
            }
            byLanguage.put(language.tag(), s);
        }
        return Map.copyOf(byLanguage);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value, String what) throws IOException {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw invalid(what + " must be a JSON object");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String what) throws IOException {
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw invalid(what + " must be a JSON array");
    }

    private static String string(Object value, String what) throws IOException {
        if (value instanceof String s) {
            return s;
        }
        throw invalid(what + " must be a string");
    }

    private static IOException invalid(String problem) {
        return new IOException(problem);
    }
}
