package org.testimonyintake.intake.web;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testimonyintake.intake.i18n.Language;
import org.testimonyintake.intake.i18n.Messages;

/**
 * What every template needs: the page's language, its texts and its links. The language travels in links only
 * ({@code ?lang=ko}), never in a cookie.
 *
 * @param path the path the language links of this page point to
 */
public record Page(Language language, Messages messages, String path) {
    public static final String QUICK_EXIT = "https://www.wikipedia.org/";

    public record LanguageLink(Language language, String href, boolean current) {
    }

    /** The text for {@code key}; {@code namesAndValues} fill {@code {name}} placeholders. */
    public String t(String key, String... namesAndValues) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            values.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return messages.text(language, key, values);
    }

    /** A questionnaire text (label or help) in this page's language. */
    public String inLanguage(Map<String, String> texts) {
        return texts.get(language.tag());
    }

    /** A path of this site, in this page's language. */
    public String link(String sitePath) {
        return sitePath + "?lang=" + language.tag();
    }

    public List<LanguageLink> languageLinks() {
        return Arrays.stream(Language.values())
                .map(other -> new LanguageLink(other, path + "?lang=" + other.tag(), other == language))
                .toList();
    }
}
