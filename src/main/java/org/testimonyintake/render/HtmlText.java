package org.testimonyintake.render;

import java.util.Locale;

/**
 * Writes untrusted text as HTML text content. Every character that could start markup is escaped, so the text can
 * never become a tag, attribute or comment. Characters that would be invisible or silently dropped (controls such as
 * NUL, bidirectional overrides, zero-width and other format characters, noncharacters, unpaired surrogates) are written
 * as a visible {@code U+XXXX} instead: the analyst must see everything the source wrote, and a right-to-left override
 * must not be able to make one file name or answer look like another.
 */
final class HtmlText {
    static final String CODE_POINT_CLASS = "codepoint";

    private static final int ZERO_WIDTH_NON_JOINER = 0x200C;
    private static final int ZERO_WIDTH_JOINER = 0x200D;

    private HtmlText() {
    }

    /** Appends text for element content; hidden characters become {@code <span class="codepoint">U+XXXX</span>}. */
    static void appendContent(StringBuilder html, String text) {
        append(html, text, true);
    }

    /** Appends text for the title element, which can hold no elements: hidden characters become plain U+XXXX. */
    static void appendTitle(StringBuilder html, String text) {
        append(html, text, false);
    }

    /** Whether a character is written in its {@link #visibleForm} rather than as itself. */
    static boolean needsVisibleForm(int codePoint) {
        // Line breaks and tabs are laid out as such; the joiners hold emoji sequences and some scripts' letters together.
        if (codePoint == '\t' || codePoint == '\n' || codePoint == '\r'
                || codePoint == ZERO_WIDTH_NON_JOINER || codePoint == ZERO_WIDTH_JOINER) {
            return false;
        }
        int type = Character.getType(codePoint);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                || isNoncharacter(codePoint);
    }

    /** The visible form of a hidden character, such as {@code U+202E}. */
    static String visibleForm(int codePoint) {
        return String.format(Locale.ROOT, "U+%04X", codePoint);
    }

    private static void append(StringBuilder html, String text, boolean markup) {
        text.codePoints().forEach(codePoint -> {
            if (needsVisibleForm(codePoint)) {
                if (markup) {
                    html.append("<span class=\"" + CODE_POINT_CLASS + "\">").append(visibleForm(codePoint)).append("</span>");
                } else {
                    html.append(visibleForm(codePoint));
                }
                return;
            }
            switch (codePoint) {
                case '&' -> html.append("&amp;");
                case '<' -> html.append("&lt;");
                case '>' -> html.append("&gt;");
                case '"' -> html.append("&quot;");
                case '\'' -> html.append("&#39;");
                default -> html.appendCodePoint(codePoint);
            }
        });
    }

    /** U+FDD0..U+FDEF and the last two code points of every plane: HTML parsers and sanitizers drop them. */
    private static boolean isNoncharacter(int codePoint) {
        return (codePoint & 0xFFFE) == 0xFFFE || (codePoint >= 0xFDD0 && codePoint <= 0xFDEF);
    }
}
