package org.testimonyintake.intake.web;

import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.intake.i18n.Language;
import org.testimonyintake.intake.submission.FormToken;
import org.testimonyintake.intake.submission.Limits;
import org.testimonyintake.intake.submission.SubmissionService;
import org.testimonyintake.upload.UploadStore;

/**
 * Hands a submission's multipart body, still unread, to the submission service. Nothing here reads a form parameter:
 * that would make the servlet container parse the body into temporary files, and the plaintext must never touch disk.
 */
final class SubmissionController {
    private final Views views;
    private final SubmissionService submissions;
    private final Supplier<OfficeCertificate> office;
    private final Limits limits;
    private final FormToken formToken;
    private final UploadStore uploads;

    SubmissionController(Views views, SubmissionService submissions, Supplier<OfficeCertificate> office, Limits limits,
                         FormToken formToken, UploadStore uploads) {
        this.views = views;
        this.submissions = submissions;
        this.office = office;
        this.limits = limits;
        this.formToken = formToken;
        this.uploads = uploads;
    }

    /** JavaScript off: answers and files arrive in plaintext and are encrypted in memory as they stream in. */
    void plaintextForm(Context ctx) throws Exception {
        office.get(); // while the key is unusable the site is closed: nothing is read
        Language language = views.language(ctx);
        received(ctx, submissions.acceptPlaintextForm(MultipartForm.parts(ctx.req(), limits), language.tag(),
                formToken::isValid));
    }

    /** JavaScript on: every part is an OpenPGP message made in the browser. */
    void ciphertext(Context ctx) throws Exception {
        office.get();
        received(ctx, submissions.acceptCiphertext(MultipartForm.parts(ctx.req(), limits), formToken::isValid));
    }

    /** JavaScript on, resumable: the fields name uploads of ciphertext made in the browser and finished before. */
    void uploaded(Context ctx) throws Exception {
        office.get();
        received(ctx, submissions.acceptUploaded(MultipartForm.parts(ctx.req(), limits), uploads, formToken::isValid));
    }

    private void received(Context ctx, SubmissionService.Stored stored) {
        Map<String, Object> parameters = new HashMap<>(Map.of(
                "page", views.page(ctx, "/"),
                "encryptedOnServer", stored.encryptedBy().equals("server"),
                "office", PageController.officeName(office.get()),
                "followUp", stored.followUp()));
        stored.receipt().ifPresent(receipt -> parameters.put("receipt", receipt.grouped()));
        views.render(ctx, "received.jte", parameters);
    }
}
