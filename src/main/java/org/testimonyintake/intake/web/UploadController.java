package org.testimonyintake.intake.web;

import io.javalin.http.Context;
import java.util.Locale;
import org.testimonyintake.intake.submission.FormToken;
import org.testimonyintake.intake.submission.SubmissionService;
import org.testimonyintake.upload.UploadRefused;
import org.testimonyintake.upload.UploadStore;

/**
 * The resumable uploads of browser ciphertext (FORMAT.md section 7.1), HTTP in and out only. Answers are small JSON
 * objects for the page's script: {@code {"id": ...}}, {@code {"offset": ...}} or {@code {"error": ..., "offset": ...}}.
 */
final class UploadController {
    private final UploadStore uploads;
    private final FormToken formToken;

    UploadController(UploadStore uploads, FormToken formToken) {
        this.uploads = uploads;
        this.formToken = formToken;
    }

    /** {@code POST /api/uploads} with the form's token, URL-encoded. */
    void create(Context ctx) throws Exception {
        String token = ctx.formParam(SubmissionService.FORM_TOKEN_FIELD);
        if (token == null || !formToken.isValid(token)) {
            json(ctx, 400, "{\"error\":\"form-expired\"}");
            return;
        }
        json(ctx, 201, "{\"id\":\"" + uploads.create() + "\"}");
    }

    /** {@code POST /api/uploads/{id}?offset=N}: the body is the chunk, streamed to disk as it arrives. */
    void append(Context ctx) throws Exception {
        long offset;
        try {
            offset = Long.parseLong(ctx.queryParam("offset"));
        } catch (NumberFormatException e) {
            json(ctx, 400, "{\"error\":\"offset\"}");
            return;
        }
        long acknowledged = uploads.append(ctx.pathParam("id"), offset, RequestBrokeOff.marking(ctx.req().getInputStream()));
        json(ctx, 200, "{\"offset\":" + acknowledged + "}");
    }

    /** {@code GET /api/uploads/{id}}: the acknowledged offset, to resume from. */
    void offset(Context ctx) throws Exception {
        json(ctx, 200, "{\"offset\":" + uploads.offset(ctx.pathParam("id")) + "}");
    }

    /** A chunk that broke off: what arrived of it is kept, and the sender, if still there, asks for the offset. */
    void brokeOff(RequestBrokeOff e, Context ctx) {
        json(ctx, 400, "{\"error\":\"broke-off\"}");
    }

    void refused(UploadRefused refusal, Context ctx) {
        int status = switch (refusal.reason()) {
            case UNKNOWN_UPLOAD -> 404;
            case WRONG_OFFSET -> 409;
            case BUSY -> 423;
            case TOO_LARGE -> 413;
            case NOT_CIPHERTEXT -> 422;
            case SERVER_FULL -> 503;
        };
        if (refusal.reason() == UploadRefused.Reason.SERVER_FULL) {
            ctx.header("Retry-After", ErrorController.RETRY_AFTER_FULL_SECONDS);
        }
        String error = refusal.reason().name().toLowerCase(Locale.ROOT).replace('_', '-');
        json(ctx, status, "{\"error\":\"" + error + "\""
                + (refusal.offset() >= 0 ? ",\"offset\":" + refusal.offset() : "") + "}");
    }

    private static void json(Context ctx, int status, String body) {
        ctx.status(status).contentType("application/json").result(body);
    }
}
