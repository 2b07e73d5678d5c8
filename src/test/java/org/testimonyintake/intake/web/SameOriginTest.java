package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.testimonyintake.intake.Html;
import org.testimonyintake.intake.i18n.Language;

/**
 * Nothing in any page comes from, or goes to, another origin: no script, style, image, font, frame or form target
 * elsewhere, and one absolute link, the quick exit. The only scripts are the questionnaire's encryption modules, from
 * this site, each with its integrity, none inline.
 */
class SameOriginTest extends SiteTest {
    /** Attributes that make a browser load or send something. */
    private static final Set<String> URL_ATTRIBUTES = Set.of("src", "href", "action", "formaction", "srcset", "data",
            "poster", "background", "cite", "longdesc", "manifest", "ping", "icon", "codebase", "archive");
    private static final Set<String> FORBIDDEN_ELEMENTS = Set.of("iframe", "frame", "object", "embed",
            "applet", "base", "img", "video", "audio", "source", "track", "svg", "math", "portal");


    @Test
    void everyPageLoadsAndSendsOnlyToItsOwnOrigin() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Language language : Language.values()) {
            for (PagesTest.Served page : PagesTest.everyPage(site, language)) {
                String where = page.what() + " (" + language.tag() + "): ";
                String html = page.response().body();
                List<String> absoluteLinks = new ArrayList<>();
                for (Html.Tag tag : Html.startTags(html)) {
                    if (FORBIDDEN_ELEMENTS.contains(tag.name())) {
                        failures.add(where + "has a <" + tag.name() + ">");
                    }
                    if (tag.attributes().containsKey("style")) {
                        failures.add(where + "inline style on <" + tag.name() + ">");
                    }
                    tag.attributes().forEach((name, value) -> {
                        if (name.startsWith("on")) {
                            failures.add(where + "event handler " + name);
                        }
                        if (!URL_ATTRIBUTES.contains(name)) {
                            return;
                        }
                        if (isSameOrigin(value)) {
                            return;
                        }
                        if (tag.name().equals("a") && name.equals("href")) {
                            absoluteLinks.add(value);
                        } else {
                            failures.add(where + "<" + tag.name() + " " + name + "=\"" + value + "\">");
                        }
                    });
                    if (tag.name().equals("link") && !"/static/site.css".equals(tag.attribute("href"))
                            && !isBrowserScript(tag, "link")) {
                        failures.add(where + "<link> to " + tag.attribute("href"));
                    }
                    if (tag.name().equals("script") && !(page.what().equals("questionnaire") && isBrowserScript(tag, "script"))) {
                        failures.add(where + "has a <script>");
                    }
                }
                if (!absoluteLinks.equals(List.of("https://www.wikipedia.org/"))) {
                    failures.add(where + "outbound links " + absoluteLinks);
                }
                if (html.matches("(?s).*<script[^>]*>[^<].*")) {
                    failures.add(where + "inline script");
                }
                if (html.toLowerCase(Locale.ROOT).contains("<style") || html.contains("url(")) {
                    failures.add(where + "inline styles");
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void theStylesheetLoadsNothing() throws Exception {
        String css = site.get("/static/site.css").body().toLowerCase(Locale.ROOT);
        assertFalse(css.contains("url("), css);
        assertFalse(css.contains("@import"), css);
        assertFalse(css.contains("@font-face"), css);
    }

    /** A module preloaded or run from this site's script folder, with its Subresource Integrity. */
    private static boolean isBrowserScript(Html.Tag tag, String element) {
        String url = tag.attribute(element.equals("link") ? "href" : "src");
        boolean kind = element.equals("link") ? "modulepreload".equals(tag.attribute("rel")) : "module".equals(tag.attribute("type"));
        return kind && url != null && url.startsWith(BrowserScripts.PATH) && !url.contains("..")
                && tag.attribute("integrity") != null && tag.attribute("integrity").startsWith("sha384-");
    }

    /** A path on this site: not absolute, not scheme-relative, no scheme such as javascript: or data:. */
    private static boolean isSameOrigin(String url) {
        String trimmed = url.strip();
        return trimmed.startsWith("/") && !trimmed.startsWith("//") && !trimmed.contains("\\")
                || trimmed.startsWith("?") || trimmed.startsWith("#");
    }
}
