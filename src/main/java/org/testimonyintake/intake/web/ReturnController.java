package org.testimonyintake.intake.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.intake.submission.FormToken;
import org.testimonyintake.intake.submission.Limits;
import org.testimonyintake.returning.ReceiptChecks;
import org.testimonyintake.returning.ReturningSources;

/**
 * {@code /return}: a returning source types their receipt and sees the office's replies and a form to add to their
 * testimony (FORMAT.md section 10); HTTP in and out only. The receipt comes in a POST body, never in a URL, and is
 * written back only into the follow-up form of the page it answers (every page is sent with Cache-Control: no-store).
 */
final class ReturnController {
    /** Days a reply stays after the source first opens it, as the page tells them (FORMAT.md section 10.7). */
    private final int keepReadReplyDays;
    private final Views views;
    private final ReturningSources returning;
    private final Supplier<OfficeCertificate> office;
    private final Limits limits;
    private final FormToken formToken;

    ReturnController(Views views, ReturningSources returning, Supplier<OfficeCertificate> office, Limits limits,
                     FormToken formToken, int keepReadReplyDays) {
        this.views = views;
        this.returning = returning;
        this.office = office;
        this.limits = limits;
        this.formToken = formToken;
        this.keepReadReplyDays = keepReadReplyDays;
    }

    void receiptForm(Context ctx) {
        office.get();
        render(ctx, null);
    }

    void open(Context ctx) throws Exception {
        office.get();
        String typed = ctx.formParam("receipt"); // a short URL-encoded body, parsed in memory
        ReturningSources.Lookup lookup;
        try {
            lookup = returning.find(typed == null ? "" : typed);
        } catch (ReceiptChecks.Busy e) {
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE);
            render(ctx, "return.busy");
            return;
        }
        if (lookup instanceof ReturningSources.Lookup.Found found) {
            try {
                List<ReturningSources.ReadReply> replies = returning.read(found);
                Page page = views.page(ctx, "/return");
                views.render(ctx, "case.jte", Map.of(
                        "page", page,
                        "replies", replies,
                        "receipt", typed,
                        "token", formToken.issue(),
                        "keepDays", String.valueOf(keepReadReplyDays),
                        "attachmentSize", views.size(page.language(), limits.maxAttachmentBytes()),
                        "limits", limits));
            } finally {
                found.keys().forget();
            }
            return;
        }
        // The same page, whether the receipt was never made or its case was forgotten (404 would be the site's own page).
        ctx.status(HttpStatus.BAD_REQUEST);
        render(ctx, lookup instanceof ReturningSources.Lookup.Mistyped ? "return.mistyped" : "return.not-found");
    }

    private void render(Context ctx, String problemKey) {
        Page page = views.page(ctx, "/return");
        views.render(ctx, "return.jte", problemKey == null ? Map.of("page", page)
                : Map.of("page", page, "problem", page.t(problemKey)));
    }
}
