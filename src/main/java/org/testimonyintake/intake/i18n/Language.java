package org.testimonyintake.intake.i18n;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The languages of the site, each complete: every page, message and question exists in all of them. */
public enum Language {
    EN("English"),
    KO("한국어"),
    RU("Русский");

    private final String nativeName;

    Language(String nativeName) {
        this.nativeName = nativeName;
    }

    /** The BCP 47 tag, as in {@code lang} attributes, {@code ?lang=} links and the testimony document. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The language's name in itself, so a reader finds their own language whatever page they are on. */
    public String nativeName() {
        return nativeName;
    }

    public static Optional<Language> fromTag(String tag) {
        return Arrays.stream(values()).filter(l -> l.tag().equalsIgnoreCase(tag)).findFirst();
    }

    /** The reader's first choice among ours by Accept-Language; English when none fits or the header is garbled. */
    public static Language fromAcceptLanguage(String header) {
        if (header == null || header.isBlank()) {
            return EN;
        }
        try {
            List<Locale.LanguageRange> ranges = Locale.LanguageRange.parse(header);
            String chosen = Locale.lookupTag(ranges, Arrays.stream(values()).map(Language::tag).toList());
            return chosen == null ? EN : fromTag(chosen).orElse(EN);
        } catch (IllegalArgumentException garbled) {
            return EN;
        }
    }
}
