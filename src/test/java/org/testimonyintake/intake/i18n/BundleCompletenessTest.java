package org.testimonyintake.intake.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.testimonyintake.intake.submission.Questionnaire;
import org.testimonyintake.intake.submission.SubmissionRefused;

/**
 * Every language is complete: every key in every bundle, every refusal reason, every text a template asks for and
 * every question of the default questionnaire, with the same placeholders, and not an English copy.
 */
class BundleCompletenessTest {
    private static final Pattern TEMPLATE_KEY = Pattern.compile("page\\.t\\(\"([a-z0-9.-]+)\"");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z-]+)\\}");
    private final Messages messages = Messages.load();

    @Test
    void everyKeyIsTranslatedInEveryLanguage() throws IOException {
        Set<String> keys = new TreeSet<>();
        for (Language language : Language.values()) {
            keys.addAll(messages.keys(language));
        }
        for (SubmissionRefused.Reason reason : SubmissionRefused.Reason.values()) {
            keys.add(reason.messageKey());
        }
        keys.addAll(keysUsedByTemplates());
        for (String problem : List.of("not-found", "method-not-allowed", "internal", "unavailable")) {
            keys.add("problem." + problem + ".title");
            keys.add("problem." + problem + ".text");
        }
        List<String> failures = new ArrayList<>();
        for (String key : keys) {
            Set<String> englishPlaceholders = null;
            for (Language language : Language.values()) {
                String text = text(language, key);
                if (text == null || text.isBlank()) {
                    failures.add(language.tag() + ": " + key + " is missing or empty");
                    continue;
                }
                Set<String> placeholders = placeholders(text);
                if (englishPlaceholders == null) {
                    englishPlaceholders = placeholders;
                } else if (!placeholders.equals(englishPlaceholders)) {
                    failures.add(language.tag() + ": " + key + " has placeholders " + placeholders);
                }
                String english = text(Language.EN, key);
                if (language != Language.EN && text.equals(english)) {
                    failures.add(language.tag() + ": " + key + " is the English text");
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void everyQuestionIsAskedInEveryLanguage() throws IOException {
        List<String> failures = new ArrayList<>();
        try (InputStream json = getClass().getResourceAsStream("/questionnaire.json")) {
            for (Questionnaire.Question question : Questionnaire.load(json).questions()) {
                for (Language language : Language.values()) {
                    check(failures, question.id() + " label", question.label().get(language.tag()), language);
                    if (!question.help().isEmpty()) {
                        check(failures, question.id() + " help", question.help().get(language.tag()), language);
                    }
                    for (Questionnaire.Choice choice : question.choices()) {
                        String what = question.id() + "/" + choice.id();
                        check(failures, what, choice.label().get(language.tag()), language);
                    }
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    private static void check(List<String> failures, String what, String text, Language language) {
        if (text == null || text.isBlank()) {
            failures.add(language.tag() + ": " + what + " is missing");
        }
    }

    private String text(Language language, String key) {
        return messages.keys(language).contains(key) ? messages.text(language, key) : null;
    }

    private static Set<String> placeholders(String text) {
        Set<String> names = new TreeSet<>();
        Matcher placeholder = PLACEHOLDER.matcher(text);
        while (placeholder.find()) {
            names.add(placeholder.group(1));
        }
        return names;
    }

    private static Set<String> keysUsedByTemplates() throws IOException {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> templates = Files.list(Path.of("src/main/jte"))) {
            for (Path template : templates.toList()) {
                Matcher key = TEMPLATE_KEY.matcher(Files.readString(template));
                while (key.find()) {
                    keys.add(key.group(1));
                }
            }
        }
        return keys;
    }
}
