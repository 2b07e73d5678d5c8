package org.testimonyintake.render;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.owasp.html.HtmlChangeListener;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;

/**
 * The frame shared by every page staff open: a standalone HTML5 document whose Content-Security-Policy lets nothing
 * load or run, whose only style is the fixed sheet below, and whose body has passed an allowlist sanitizer.
 */
final class HtmlPage {
    /** The fixed style sheet. Its hash in the policy admits it alone: injected style elements or attributes do nothing. */
    private static final String STYLE = """
            body { margin: 2em auto; max-width: 60em; padding: 0 1em; color: #1a1a1a; background: #fff;
                   font-family: system-ui, "Noto Sans CJK KR", "Noto Sans KR", "Noto Sans", "DejaVu Sans", sans-serif;
                   line-height: 1.5; }
            h1 { font-size: 1.5em; }
            h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #bbb; }
            h3 { font-size: 1em; margin: 1.5em 0 0.3em; }
            .summary { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; }
            .summary dt { font-weight: bold; }
            .summary dd { margin: 0; }
            .notice { color: #444; font-size: 0.9em; }
            .data, .value, .excerpt { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: isolate; }
            .value { display: block; margin: 0; padding: 0.4em 0.8em; background: #f4f4f4; border-left: 3px solid #888; }
            .choices { margin: 0; padding-left: 1.5em; }
            .choices li { margin: 0.2em 0; }
            .field-id, .digest { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.85em; }
            .field-id { color: #555; font-weight: normal; }
            .data + .field-id { margin-left: 0.5em; }
            .digest { overflow-wrap: anywhere; }
            .empty { color: #555; font-style: italic; }
            .codepoint { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.75em; font-style: normal;
                         color: #9a1a00; border: 1px solid #9a1a00; border-radius: 3px; padding: 0 0.2em; margin: 0 0.1em; }
            table { border-collapse: collapse; width: 100%; }
            th, td { border: 1px solid #bbb; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
            .size, .date { white-space: nowrap; }
            .thumbnail { display: block; max-width: 320px; max-height: 320px; margin: 0.3em 0; border: 1px solid #bbb; }
            .warning { color: #7a1a00; font-weight: bold; }
            .filters { font-size: 0.9em; }
            .filters a { margin-right: 0.6em; }
            """;
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src '" + sha256Source(STYLE)
            + "'; img-src data:; form-action 'none'; base-uri 'none'";

    private static final List<String> ELEMENTS = List.of("h1", "h2", "h3", "p", "div", "span", "dl", "dt", "dd", "ul",
            "li", "table", "thead", "tbody", "tr", "th", "td");
    private static final Pattern CLASSES = Pattern.compile("summary|notice|data|field-id|value|choices|empty|"
            + HtmlText.CODE_POINT_CLASS + "|size|date|digest|excerpt|thumbnail|warning|filters");
    /** Thumbnails are PNGs the office tool drew itself (Thumbnail), inline: nothing is loaded, not even a file. */
    static final Pattern THUMBNAIL_SOURCE = Pattern.compile("data:image/png;base64,[A-Za-z0-9+/]+={0,2}");
    private static final PolicyFactory TEXT_POLICY = new HtmlPolicyBuilder()
            .allowElements(ELEMENTS.toArray(String[]::new))
            .allowAttributes("class").matching(CLASSES).globally()
            .toFactory();
    /** Links only within the case folder; RelativeLink already refuses any other. */
    private static final PolicyFactory LINK_POLICY = new HtmlPolicyBuilder()
            .allowElements("a")
            .allowAttributes("href").matching(RelativeLink.PATTERN).onElements("a")
            .toFactory();
    static final PolicyFactory TESTIMONY_POLICY = TEXT_POLICY.and(LINK_POLICY).and(new HtmlPolicyBuilder()
            .allowElements("img")
            .allowUrlProtocols("data")
            .allowAttributes("src").matching(THUMBNAIL_SOURCE).onElements("img")
            .allowAttributes("alt").onElements("img")
            .toFactory());
    static final PolicyFactory INDEX_POLICY = TEXT_POLICY.and(LINK_POLICY);

    private HtmlPage() {
    }

    /**
     * The complete page. The body is generated markup with all data escaped; the sanitizer is a second line of defence
     * and must find nothing to remove. If it does, the escaping is broken and the page is refused rather than shown
     * with parts of the testimony silently missing.
     */
    static String render(String title, String body, PolicyFactory policy) {
        String sanitizedBody = policy.sanitize(body, new RefuseAnyRemoval(), null);
        StringBuilder page = new StringBuilder(sanitizedBody.length() + STYLE.length() + 1024);
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CONTENT_SECURITY_POLICY)
                .append("\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        HtmlText.appendTitle(page, title);
        page.append("</title>\n<style>").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append(sanitizedBody)
                .append("\n</body>\n</html>\n");
        return page.toString();
    }

    private static String sha256Source(String style) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(style.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static final class RefuseAnyRemoval implements HtmlChangeListener<Void> {
        @Override
        public void discardedTag(Void context, String elementName) {
            throw new IllegalStateException("the sanitizer removed generated markup: the escaping is broken");
        }

        @Override
        public void discardedAttributes(Void context, String elementName, String... attributeNames) {
            throw new IllegalStateException("the sanitizer removed generated markup: the escaping is broken");
        }
    }
}
