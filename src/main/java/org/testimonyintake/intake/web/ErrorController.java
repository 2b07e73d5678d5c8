package org.testimonyintake.intake.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testimonyintake.intake.i18n.Language;
import org.testimonyintake.intake.submission.Limits;
import org.testimonyintake.intake.submission.OfficeCertificateFile.OfficeKeyUnavailable;
import org.testimonyintake.intake.submission.SubmissionRefused;
import org.testimonyintake.store.StoreUnavailableException;

/** Localized pages for every refusal and failure, each with its status. */
final class ErrorController {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorController.class);

    /** Space comes back when an operator exports or frees it, which takes a while. */
    static final String RETRY_AFTER_FULL_SECONDS = "600";

    private final Views views;
    private final Limits limits;

    ErrorController(Views views, Limits limits) {
        this.views = views;
        this.limits = limits;
    }

    void refused(SubmissionRefused refusal, Context ctx) {
        Page page = views.page(ctx, "/");
        SubmissionRefused.Reason reason = refusal.reason();
        ctx.status(statusOf(reason));
        if (reason == SubmissionRefused.Reason.SITE_FULL) {
            ctx.header("Retry-After", RETRY_AFTER_FULL_SECONDS);
        }
        views.render(ctx, "refused.jte", Map.of(
                "page", page,
                "reason", views.text(page.language(), reason.messageKey(), limitValues(page.language())),
                "formExpired", reason == SubmissionRefused.Reason.FORM_EXPIRED));
    }

    /**
     * 413 for what is too large, so a browser's script can tell it apart; 422 for a well-formed form of bad ciphertext
     * or of a photo or video that cannot be cleaned; 503 (not WebDAV's 507) for a server that is busy or full, which
     * every client knows as "come back later".
     */
    static HttpStatus statusOf(SubmissionRefused.Reason reason) {
        return switch (reason) {
            case MALFORMED_FORM, FORM_EXPIRED, UNKNOWN_FIELD, MISSING_TESTIMONY, UPLOAD_INTERRUPTED, RECEIPT,
                    CASE_EXPIRED -> HttpStatus.BAD_REQUEST;
            case BUSY, SITE_FULL -> HttpStatus.SERVICE_UNAVAILABLE;
            case TESTIMONY_TOO_LONG, ANSWER_TOO_LONG, TOO_MANY_ATTACHMENTS, ATTACHMENT_TOO_LARGE, REQUEST_TOO_LARGE ->
                    HttpStatus.CONTENT_TOO_LARGE;
            case NOT_CIPHERTEXT, WRONG_RECIPIENT, UNREADABLE_MEDIA -> HttpStatus.UNPROCESSABLE_CONTENT;
        };
    }

    void notFound(Context ctx) {
        problem(ctx, HttpStatus.NOT_FOUND, "problem.not-found");
    }

    void methodNotAllowed(Context ctx) {
        ctx.header("Allow", SecurityHeaders.ALLOW);
        problem(ctx, HttpStatus.METHOD_NOT_ALLOWED, "problem.method-not-allowed");
    }

    void unavailable(OfficeKeyUnavailable e, Context ctx) {
        problem(ctx, HttpStatus.SERVICE_UNAVAILABLE, "problem.unavailable"); // logged once by OfficeCertificateFile
    }

    /**
     * The database is down or failing over: nothing was acknowledged, and the source can come back. Either the
     * submission store's {@link StoreUnavailableException} or a case store's Jdbi failure.
     */
    void storeUnavailable(Exception e, Context ctx) {
        LOG.warn("a request found the database unreachable ({})", e.getCause() == null ? "-"
                : e.getCause().getClass().getSimpleName());
        ctx.header("Retry-After", "60");
        problem(ctx, HttpStatus.SERVICE_UNAVAILABLE, "problem.unavailable");
    }

    /** Logs what failed and where, never an exception message: those can quote what a source sent. */
    void internal(Exception e, Context ctx) {
        LOG.error("a request failed: {}", trace(e));
        problem(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "problem.internal");
    }

    private void problem(Context ctx, HttpStatus status, String key) {
        ctx.status(status);
        views.render(ctx, "problem.jte", Map.of(
                "page", views.page(ctx, "/"),
                "titleKey", key + ".title",
                "messageKey", key + ".text"));
    }

    private Map<String, String> limitValues(Language language) {
        return Map.of(
                "max-testimony-chars", views.number(language, limits.maxTestimonyChars()),
                "max-answer-chars", views.number(language, limits.maxAnswerChars()),
                "max-attachments", views.number(language, limits.maxAttachments()),
                "max-attachment-size", views.size(language, limits.maxAttachmentBytes()),
                "max-request-size", views.size(language, limits.maxRequestBytes()));
    }

    /** Exception classes and stack frames of the whole cause chain, without their messages. */
    static String trace(Throwable failure) {
        StringBuilder trace = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            trace.append(t == failure ? "" : "\ncaused by: ").append(t.getClass().getName());
            for (StackTraceElement frame : t.getStackTrace()) {
                trace.append("\n\tat ").append(frame);
            }
        }
        return trace.toString();
    }
}
