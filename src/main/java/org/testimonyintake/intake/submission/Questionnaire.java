package org.testimonyintake.intake.submission;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The questions a source is asked, from a JSON config file (default: {@code questionnaire.json} on the class path).
 * Labels are given in every site language. The narrative field is always {@code testimony}.
 */
public record Questionnaire(List<Question> questions) {
    public static final String TESTIMONY = "testimony";

    public enum Kind { TEXT, TEXTAREA, SINGLE_CHOICE, MULTIPLE_CHOICE }

    /** @param label question text by language tag ("en", "ko", "ru") */
    public record Question(String id, Kind kind, boolean required, Map<String, String> label, Map<String, String> help,
                           List<Choice> choices) {
    }

    public record Choice(String id, Map<String, String> label) {
    }

    public Optional<Question> question(String id) {
        return questions.stream().filter(q -> q.id().equals(id)).findFirst();
    }

    /** Reads and checks a questionnaire; implemented with the web app. */
    public static Questionnaire load(InputStream json) throws IOException {
        return QuestionnaireLoader.load(json);
    }
}
