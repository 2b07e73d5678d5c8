package org.testimonyintake.intake.i18n;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Every string of the site, from {@code i18n/messages_<tag>.properties} (UTF-8). Placeholders are written
 * {@code {name}} and filled by plain replacement, so apostrophes need no escaping in any language.
 */
public final class Messages {
    private final Map<Language, Properties> bundles;

    private Messages(Map<Language, Properties> bundles) {
        this.bundles = bundles;
    }

    public static Messages load() {
        Map<Language, Properties> bundles = new EnumMap<>(Language.class);
        for (Language language : Language.values()) {
            bundles.put(language, read(bundleResource(language)));
        }
        return new Messages(bundles);
    }

    static String bundleResource(Language language) {
        return "/i18n/messages_" + language.tag() + ".properties";
    }

    public String text(Language language, String key) {
        String text = bundles.get(language).getProperty(key);
        if (text == null) {
            // BundleCompletenessTest keeps this from happening
            throw new IllegalStateException("no " + language.tag() + " text for " + key);
        }
        return text;
    }

    public String text(Language language, String key, Map<String, String> values) {
        String text = text(language, key);
        for (Map.Entry<String, String> value : values.entrySet()) {
            text = text.replace("{" + value.getKey() + "}", value.getValue());
        }
        return text;
    }

    public Set<String> keys(Language language) {
        return bundles.get(language).stringPropertyNames();
    }

    private static Properties read(String resource) {
        try (InputStream in = Messages.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            Properties properties = new Properties();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
