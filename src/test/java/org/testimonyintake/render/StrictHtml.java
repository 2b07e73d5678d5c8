package org.testimonyintake.render;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately narrow HTML reader for the pages this package writes, and for Chromium's serialization of them. It
 * is independent of the sanitizer under test and fails the test on anything outside a small allowlist: any element or
 * attribute not listed, any comment but the sanitizer's {@code <!-- -->}, any '&' that is not a plain character
 * reference, any unbalanced tag. Whatever it accepts cannot contain script, a load or a navigation.
 */
final class StrictHtml {
    private static final Set<String> VOID_ELEMENTS = Set.of("meta", "img");
    private static final Set<String> BODY_ELEMENTS = Set.of("h1", "h2", "h3", "p", "div", "span", "dl", "dt", "dd",
            "ul", "li", "table", "thead", "tbody", "tr", "th", "td");
    private static final Pattern CLASS_VALUE =
            Pattern.compile("summary|notice|data|field-id|value|choices|empty|codepoint|size|date|digest|excerpt|thumbnail|"
                    + "warning|filters");
    private static final Pattern START_TAG = Pattern.compile("<([a-z][a-z0-9]*)((?: [a-z-]+=\"[^\"<]*\")*)>");
    private static final Pattern END_TAG = Pattern.compile("</([a-z][a-z0-9]*)>");
    private static final Pattern ATTRIBUTE = Pattern.compile(" ([a-z-]+)=\"([^\"<]*)\"");
    private static final Pattern CHARACTER_REFERENCE = Pattern.compile("&(?:(amp|lt|gt|quot|nbsp)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));");

    record Element(String name, Map<String, String> attributes) {
    }

    /** Text gathered for one element with a class, including its descendants' text. */
    private record Collector(String className, int depth, StringBuilder text) {
    }

    private final boolean imagesAllowed;
    private final List<Element> elements = new ArrayList<>();
    private final Deque<String> open = new ArrayDeque<>();
    private final List<Collector> collectors = new ArrayList<>();
    private final List<Collector> finished = new ArrayList<>();
    private final StringBuilder bodyText = new StringBuilder();
    private final StringBuilder titleText = new StringBuilder();
    private String style;

    private StrictHtml(boolean imagesAllowed) {
        this.imagesAllowed = imagesAllowed;
    }

    /** Reads a testimony page, which may hold relative links and inline thumbnails; fails on anything else. */
    static StrictHtml readTestimonyPage(String html) {
        return read(html, true);
    }

    /** Reads an index page, which may hold relative links but no image. */
    static StrictHtml readIndexPage(String html) {
        return read(html, false);
    }

    private static StrictHtml read(String html, boolean imagesAllowed) {
        StrictHtml page = new StrictHtml(imagesAllowed);
        // The HTML input stream preprocessor: browsers see no carriage returns.
        page.parse(html.replace("\r\n", "\n").replace('\r', '\n'));
        return page;
    }

    List<Element> elements() {
        return elements;
    }

    /** The text content of the body, as a browser's {@code document.body.textContent} would give it. */
    String bodyText() {
        return bodyText.toString();
    }

    String titleText() {
        return titleText.toString();
    }

    String style() {
        return style;
    }

    /** The text content of each element with this class, in document order. */
    List<String> textsOfClass(String className) {
        return finished.stream().filter(c -> c.className().equals(className)).map(c -> c.text().toString()).toList();
    }

    private void parse(String html) {
        int position = 0;
        if (html.startsWith("<!DOCTYPE html>")) {
            position = "<!DOCTYPE html>".length();
        }
        while (position < html.length()) {
            char c = html.charAt(position);
            if (c == '<') {
                position = tag(html, position);
            } else if (c == '&') {
                Matcher reference = CHARACTER_REFERENCE.matcher(html).region(position, html.length());
                if (!reference.lookingAt()) {
                    fail("a bare '&' at " + position + ": " + around(html, position));
                }
                text(decode(reference), html, position);
                position = reference.end();
            } else {
                text(String.valueOf(c), html, position);
                position++;
            }
        }
        if (!open.isEmpty()) {
            fail("unclosed elements at the end: " + open);
        }
    }

    private int tag(String html, int position) {
        if (html.startsWith("<!-- -->", position)) {
            return position + "<!-- -->".length();
        }
        Matcher end = END_TAG.matcher(html).region(position, html.length());
        if (end.lookingAt()) {
            String name = end.group(1);
            if (!name.equals(open.peek())) {
                fail("</" + name + "> closes " + open.peek() + " at " + position);
            }
            int depth = open.size();
            open.pop();
            collectors.removeIf(collector -> {
                boolean closes = collector.depth() == depth;
                if (closes) {
                    finished.add(collector);
                }
                return closes;
            });
            return end.end();
        }
        Matcher start = START_TAG.matcher(html).region(position, html.length());
        if (!start.lookingAt()) {
            fail("a '<' that starts no allowed tag at " + position + ": " + around(html, position));
        }
        String name = start.group(1);
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher attribute = ATTRIBUTE.matcher(start.group(2));
        while (attribute.find()) {
            if (attributes.put(attribute.group(1), decodeAll(attribute.group(2))) != null) {
                fail("a repeated attribute on <" + name + ">");
            }
        }
        check(name, attributes);
        elements.add(new Element(name, attributes));
        if (VOID_ELEMENTS.contains(name)) {
            return start.end();
        }
        open.push(name);
        if (attributes.containsKey("class")) {
            collectors.add(new Collector(attributes.get("class"), open.size(), new StringBuilder()));
        }
        if (name.equals("style")) {
            int close = html.indexOf("</style>", start.end());
            if (close < 0) {
                fail("an unclosed style element");
            }
            style = html.substring(start.end(), close);
            if (style.contains("<")) {
                fail("markup inside the style element");
            }
            return close;
        }
        return start.end();
    }

    private void check(String name, Map<String, String> attributes) {
        String parent = open.peek();
        boolean inHead = "head".equals(parent);
        boolean inBody = open.contains("body");
        Set<String> allowed;
        if (name.equals("html") && open.isEmpty()) {
            allowed = Set.of("lang");
        } else if ((name.equals("head") || name.equals("body")) && "html".equals(parent)) {
            allowed = Set.of();
        } else if (inHead && name.equals("meta")) {
            allowed = Set.of("charset", "http-equiv", "name", "content");
            String equiv = attributes.get("http-equiv");
            if (equiv != null && !equiv.equals("Content-Security-Policy")) {
                fail("a meta http-equiv other than the Content-Security-Policy");
            }
        } else if (inHead && (name.equals("title") || name.equals("style"))) {
            allowed = Set.of();
        } else if (inBody && BODY_ELEMENTS.contains(name)) {
            allowed = Set.of("class");
        } else if (inBody && name.equals("a")) {
            allowed = Set.of("href");
            if (!RelativeLink.PATTERN.matcher(attributes.getOrDefault("href", "")).matches()) {
                fail("a link that is not a plain relative path");
            }
        } else if (inBody && imagesAllowed && name.equals("img")) {
            allowed = Set.of("class", "alt", "src");
            if (!HtmlPage.THUMBNAIL_SOURCE.matcher(attributes.getOrDefault("src", "")).matches()) {
                fail("an image that is not an inline PNG thumbnail");
            }
        } else {
            fail("element <" + name + "> is not allowed in " + parent);
            return;
        }
        for (Map.Entry<String, String> attribute : attributes.entrySet()) {
            if (!allowed.contains(attribute.getKey())) {
                fail("attribute " + attribute.getKey() + " is not allowed on <" + name + ">");
            }
            if (attribute.getKey().equals("class") && !CLASS_VALUE.matcher(attribute.getValue()).matches()) {
                fail("class \"" + attribute.getValue() + "\" is not one the view writes");
            }
        }
    }

    private void text(String text, String html, int position) {
        String element = open.peek();
        if ("title".equals(element)) {
            titleText.append(text);
        } else if (open.contains("body")) {
            bodyText.append(text);
            collectors.forEach(collector -> collector.text().append(text));
        } else if (!text.isBlank()) {
            fail("text outside body and title at " + position + ": " + around(html, position));
        }
    }

    private static String decodeAll(String value) {
        StringBuilder decoded = new StringBuilder();
        int position = 0;
        while (position < value.length()) {
            if (value.charAt(position) != '&') {
                decoded.append(value.charAt(position++));
                continue;
            }
            Matcher reference = CHARACTER_REFERENCE.matcher(value).region(position, value.length());
            if (!reference.lookingAt()) {
                fail("a bare '&' in an attribute value");
            }
            decoded.append(decode(reference));
            position = reference.end();
        }
        return decoded.toString();
    }

    private static String decode(Matcher reference) {
        if (reference.group(1) != null) {
            return switch (reference.group(1)) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                default -> "\u00A0";
            };
        }
        int codePoint = reference.group(2) != null
                ? Integer.parseInt(reference.group(2)) : Integer.parseInt(reference.group(3), 16);
        // Browsers remap or replace these, so the page would not show what it seems to say.
        if (codePoint == 0 || (codePoint >= 0x80 && codePoint <= 0x9F) || (codePoint >= 0xD800 && codePoint <= 0xDFFF)
                || codePoint > Character.MAX_CODE_POINT) {
            fail("a character reference browsers would not keep: " + reference.group());
        }
        return Character.toString(codePoint);
    }

    private static String around(String html, int position) {
        return html.substring(Math.max(0, position - 40), Math.min(html.length(), position + 40));
    }
}
