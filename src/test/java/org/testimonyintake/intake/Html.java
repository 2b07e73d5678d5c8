package org.testimonyintake.intake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough HTML reading for tests: start tags with their attributes, and text as jte escapes it. */
public final class Html {
    private static final Pattern START_TAG =
            Pattern.compile("<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>");
    private static final Pattern ATTRIBUTE = Pattern.compile(
            "([^\\s\"'>/=]+)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+)))?");

    public record Tag(String name, Map<String, String> attributes) {
        public String attribute(String name) {
            return attributes.get(name);
        }
    }

    private Html() {
    }

    public static List<Tag> startTags(String html) {
        List<Tag> tags = new ArrayList<>();
        Matcher tag = START_TAG.matcher(html);
        while (tag.find()) {
            Map<String, String> attributes = new LinkedHashMap<>();
            Matcher attribute = ATTRIBUTE.matcher(tag.group(2));
            while (attribute.find()) {
                String value = attribute.group(2) != null ? attribute.group(2)
                        : attribute.group(3) != null ? attribute.group(3)
                        : attribute.group(4) != null ? attribute.group(4) : "";
                attributes.put(attribute.group(1).toLowerCase(Locale.ROOT), unescape(value));
            }
            tags.add(new Tag(tag.group(1).toLowerCase(Locale.ROOT), attributes));
        }
        return tags;
    }

    /** Text as it appears in the page source after contextual escaping. */
    public static String escaped(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;")
                .replace("'", "&#39;");
    }

    private static String unescape(String value) {
        return value.replace("&#34;", "\"").replace("&#39;", "'").replace("&quot;", "\"").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&amp;", "&");
    }
}
