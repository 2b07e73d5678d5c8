package org.testimonyintake.intake.web;

import com.fasterxml.jackson.jr.ob.JSON;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.intake.submission.FormToken;
import org.testimonyintake.intake.submission.SubmissionService;
import org.testimonyintake.returning.ReceiptChecks;
import org.testimonyintake.returning.ReturningSources;

/**
 * {@code POST /api/cases} (FORMAT.md section 10.3): with JavaScript on, the form's script asks for a case before it
 * encrypts the testimony of a source who wants to come back; HTTP in and out only. The answer holds the receipt, so
 * it is sent with Cache-Control: no-store (as every response) and goes nowhere else: not to a log, not to the store.
 */
final class CaseController {
    private final ReturningSources returning;
    private final Supplier<OfficeCertificate> office;
    private final FormToken formToken;

    CaseController(ReturningSources returning, Supplier<OfficeCertificate> office, FormToken formToken) {
        this.returning = returning;
        this.office = office;
        this.formToken = formToken;
    }

    /** The form's token, URL-encoded; answers {@code {"case", "receipt", "key"}} or {@code {"error"}}. */
    void open(Context ctx) throws Exception {
        office.get(); // while the key is unusable the site is closed
        String token = ctx.formParam(SubmissionService.FORM_TOKEN_FIELD);
        if (token == null || !formToken.isValid(token)) {
            json(ctx, 400, Map.of("error", "form-expired"));
            return;
        }
        ReturningSources.Opened opened;
        try {
            opened = returning.open();
        } catch (ReceiptChecks.Busy e) {
            json(ctx, 503, Map.of("error", "busy"));
            return;
        }
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("case", opened.caseId());
        answer.put("receipt", opened.receipt().grouped());
        answer.put("key", opened.reply().key());
        json(ctx, 201, answer);
    }

    private static void json(Context ctx, int status, Map<String, String> body) throws IOException {
        ctx.status(status).contentType("application/json").result(JSON.std.asString(body));
    }
}
