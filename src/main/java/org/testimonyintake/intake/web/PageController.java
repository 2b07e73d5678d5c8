package org.testimonyintake.intake.web;

import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;
import org.testimonyintake.format.Fingerprints;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.intake.submission.FormToken;
import org.testimonyintake.intake.submission.Limits;
import org.testimonyintake.intake.submission.Questionnaire;

/** The pages a source reads, the office key and the few fixed files; HTTP in and out only. */
final class PageController {
    /** File inputs on the form; each takes several files, so this is not the attachment limit. */
    private static final int FILE_INPUTS = 3;
    private static final String ROBOTS = "User-agent: *\nDisallow: /\n";

    private final Views views;
    private final Supplier<OfficeCertificate> office;
    private final Questionnaire questionnaire;
    private final Limits limits;
    private final FormToken formToken;
    private final BrowserScripts scripts;
    private final byte[] stylesheet = classPathResource("/static/site.css");

    PageController(Views views, Supplier<OfficeCertificate> office, Questionnaire questionnaire, Limits limits,
                   FormToken formToken, BrowserScripts scripts) {
        this.views = views;
        this.office = office;
        this.questionnaire = questionnaire;
        this.limits = limits;
        this.formToken = formToken;
        this.scripts = scripts;
    }

    void landing(Context ctx) {
        OfficeCertificate certificate = office.get();
        views.render(ctx, "landing.jte", Map.of(
                "page", views.page(ctx, "/"),
                "office", officeName(certificate),
                "fingerprint", Fingerprints.grouped(certificate.primaryFingerprint())));
    }

    /** With {@code ?nojs=1} the page comes without its scripts: what a source chooses when their browser cannot encrypt. */
    void questionnaire(Context ctx) {
        OfficeCertificate certificate = office.get(); // no form while there is no usable key to encrypt the answers to
        Page page = views.page(ctx, "/form");
        views.render(ctx, "form.jte", Map.of(
                "page", page,
                "questionnaire", questionnaire,
                "token", formToken.issue(),
                "limits", limits,
                "attachmentSize", views.size(page.language(), limits.maxAttachmentBytes()),
                "fileInputs", FILE_INPUTS,
                "fingerprint", certificate.primaryFingerprint(),
                "scripts", scripts,
                "withScripts", ctx.queryParam("nojs") == null));
    }

    void officeKey(Context ctx) {
        ctx.contentType("text/plain; charset=utf-8").result(office.get().armored());
    }

    void script(Context ctx) {
        byte[] module = scripts.file(ctx.pathParam("file")).orElseThrow(NotFoundResponse::new);
        ctx.contentType("text/javascript; charset=utf-8").result(module);
    }

    void robots(Context ctx) {
        ctx.contentType("text/plain; charset=utf-8").result(ROBOTS);
    }

    void stylesheet(Context ctx) {
        ctx.contentType("text/css; charset=utf-8").result(stylesheet);
    }

    /** The name in the office key's user ID: "Example NGO intake" of "Example NGO intake <intake@example.org>". */
    static String officeName(OfficeCertificate certificate) {
        var userId = certificate.openPGPCertificate().getPrimaryUserId();
        String name = userId == null ? "" : userId.getUserId().replaceFirst("\\s*<[^>]*>\\s*$", "").strip();
        return name.isEmpty() ? Fingerprints.grouped(certificate.primaryFingerprint()) : name;
    }

    private static byte[] classPathResource(String name) {
        try (InputStream in = PageController.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
