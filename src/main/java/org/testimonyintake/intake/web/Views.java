package org.testimonyintake.intake.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.text.NumberFormat;
import java.util.Locale;
import java.util.Map;
import org.testimonyintake.intake.i18n.Language;
import org.testimonyintake.intake.i18n.Messages;

/**
 * Renders the jte templates (compiled at build time, contextual HTML escaping) in the reader's language: the
 * {@code ?lang=} of the link they followed, else their browser's Accept-Language.
 */
final class Views {
    private static final String HTML = "text/html; charset=utf-8";

    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    private final Messages messages;

    Views(Messages messages) {
        this.messages = messages;
    }

    Language language(Context ctx) {
        String chosen = ctx.queryParam("lang"); // from the query string only: never parses a form body
        return Language.fromTag(chosen == null ? "" : chosen)
                .orElseGet(() -> Language.fromAcceptLanguage(ctx.header("Accept-Language")));
    }

    Page page(Context ctx, String path) {
        return new Page(language(ctx), messages, path);
    }

    void render(Context ctx, String template, Map<String, Object> parameters) {
        StringOutput html = new StringOutput();
        templates.render(template, parameters, html);
        ctx.contentType(HTML).result(html.toString());
    }

    String text(Language language, String key, Map<String, String> values) {
        return messages.text(language, key, values);
    }

    String number(Language language, long number) {
        return NumberFormat.getIntegerInstance(Locale.forLanguageTag(language.tag())).format(number);
    }

    /** Sizes as people read them: whole megabytes (MiB, since that is what file browsers show). */
    String size(Language language, long bytes) {
        return messages.text(language, "unit.megabytes", Map.of("count", number(language, bytes >> 20)));
    }
}
