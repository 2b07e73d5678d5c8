package org.testimonyintake.render;

import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.testimonyintake.format.BundleManifest;
import org.testimonyintake.format.ReplyDocument;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.format.TestimonyDocument.Answer;
import org.testimonyintake.format.TestimonyDocument.Attachment;

/**
 * The pages staff open in a browser on the office laptop: one testimony, and the index of a case folder. Everything in
 * a testimony was written by someone on the internet, so every string is escaped as text and shown exactly, hidden
 * characters included; nothing on these pages can run script, load anything or submit anything. Pages are returned as
 * strings to be written as UTF-8, as their charset declaration says.
 */
public final class TestimonyView {
    private static final int EXCERPT_CODE_POINTS = 200;

    private TestimonyView() {
    }

    /** A standalone page showing the whole testimony and its attachment manifest, headed by the caller's label. */
    public static String render(TestimonyDocument doc, String submissionLabel) {
        return render(doc, submissionLabel, List.of());
    }

    /**
     * The same, in a case folder: each attachment in {@code files} (checked against the manifest) is linked, and shown
     * as a thumbnail if it has one.
     */
    public static String render(TestimonyDocument doc, String submissionLabel, List<AttachmentFile> files) {
        StringBuilder body = new StringBuilder(4096);
        body.append("<h1>Testimony</h1>\n<dl class=\"summary\">\n<dt>Submission</dt><dd class=\"data\">");
        HtmlText.appendContent(body, submissionLabel);
        body.append("</dd>\n<dt>Form language</dt><dd>");
        HtmlText.appendContent(body, describeLanguage(doc.language()));
        body.append("</dd>\n<dt>Encrypted</dt><dd>").append(describeEncryption(doc.encryptedBy())).append("</dd>\n</dl>\n")
                .append("<p class=\"notice\">Everything below was written by the source or sent by their browser. ")
                .append("It is shown exactly as plain text: nothing the source wrote becomes a link, and nothing in it runs. ")
                .append("Hidden characters are shown as boxed code points such as ")
                .append("<span class=\"" + HtmlText.CODE_POINT_CLASS + "\">U+202E</span>.</p>\n");
        appendAnswers(body, doc.answers());
        Map<Integer, AttachmentFile> byPart = new HashMap<>();
        files.forEach(file -> byPart.put(file.part(), file));
        appendAttachments(body, doc.attachments(), byPart);
        return HtmlPage.render("Testimony " + submissionLabel, body.toString(), HtmlPage.TESTIMONY_POLICY);
    }

    /** A standalone page listing testimonies, each row linking to its (relative) case folder or page. */
    public static String renderIndex(List<IndexEntry> entries) {
        return renderIndex("Testimonies", List.of(), entries);
    }

    /** The same, headed by {@code heading}, with lines of links to the other sortings and filters of the index. */
    public static String renderIndex(String heading, List<IndexNavigation> navigation, List<IndexEntry> entries) {
        return renderIndex(heading, navigation, entries, List.of(), List.of());
    }

    /**
     * The same, ending with the returning sources' cases in the folder, each linking to its {@link #renderCase case
     * page}, and the cases the server reported forgotten (FORMAT.md section 8).
     */
    public static String renderIndex(String heading, List<IndexNavigation> navigation, List<IndexEntry> entries,
                                     List<CaseStep.Summary> cases, List<BundleManifest.ForgottenCase> forgotten) {
        StringBuilder body = new StringBuilder(1024 + entries.size() * 512);
        body.append("<h1>");
        HtmlText.appendContent(body, heading);
        body.append("</h1>\n");
        for (IndexNavigation line : navigation) {
            body.append("<p class=\"filters\"><span class=\"data\">");
            HtmlText.appendContent(body, line.label());
            body.append("</span>: ");
            for (IndexNavigation.Choice choice : line.choices()) {
                if (choice.current()) {
                    body.append("<span class=\"data\">");
                    HtmlText.appendContent(body, choice.text());
                    body.append(" (shown)</span> ");
                } else {
                    body.append("<a href=\"").append(choice.link().href()).append("\">");
                    HtmlText.appendContent(body, choice.text());
                    body.append("</a> ");
                }
            }
            body.append("</p>\n");
        }
        if (entries.isEmpty()) {
            body.append("<p class=\"empty\">No testimonies.</p>\n");
        } else {
            body.append("<table>\n<thead><tr><th>Case</th><th>Date</th><th>Language</th>")
                    .append("<th>Testimony, beginning</th></tr></thead>\n<tbody>\n");
            for (IndexEntry entry : entries) {
                // The link passed IndexEntry's allowlist: only characters that need no escaping.
                body.append("<tr><td><a href=\"").append(entry.link()).append("\">").append(entry.link())
                        .append("</a></td><td class=\"date\">");
                HtmlText.appendContent(body, entry.date());
                body.append("</td><td class=\"data\">");
                HtmlText.appendContent(body, describeLanguage(entry.language()));
                body.append("</td><td class=\"excerpt\">");
                HtmlText.appendContent(body, excerpt(entry.testimony()));
                body.append("</td></tr>\n");
            }
            body.append("</tbody>\n</table>\n");
        }
        appendCases(body, cases);
        appendForgotten(body, forgotten);
        return HtmlPage.render(heading, body.toString(), HtmlPage.INDEX_POLICY);
    }

    /**
     * A returning source's case: every submission and every reply of the office, oldest first, the submissions' answers
     * and the replies' messages in full.
     */
    public static String renderCase(CaseStep.Summary summary) {
        StringBuilder body = new StringBuilder(4096);
        body.append("<h1>Case <span class=\"digest\">");
        HtmlText.appendContent(body, summary.caseId());
        body.append("</span></h1>\n<p class=\"notice\">A returning source's case: what they sent with their receipt ")
                .append("and what the office replied, oldest first. Only dates are kept, never times: on one day, ")
                .append("the source's submissions are shown before the office's replies. Everything the source ")
                .append("wrote is shown exactly as plain text.</p>\n");
        if (summary.forgotten() != null) {
            body.append("<p class=\"warning\">");
            HtmlText.appendContent(body, "Forgotten on the server on " + summary.forgotten()
                    + ": the receipt opens nothing any more, and a reply would not be stored.");
            body.append("</p>\n");
        }
        for (CaseStep step : summary.steps()) {
            if (step instanceof CaseStep.Submission submission) {
                appendSubmissionStep(body, submission);
            } else if (step instanceof CaseStep.Reply reply) {
                appendReplyStep(body, reply);
            }
        }
        return HtmlPage.render("Case " + summary.caseId(), body.toString(), HtmlPage.INDEX_POLICY);
    }

    private static void appendSubmissionStep(StringBuilder body, CaseStep.Submission submission) {
        body.append("<h2>");
        HtmlText.appendContent(body, submission.date() + ": the source wrote");
        body.append("</h2>\n<p>Submission <a href=\"").append(submission.view().href()).append("\">");
        HtmlText.appendContent(body, submission.id());
        int attachments = submission.document().attachments().size();
        body.append("</a>, in ");
        HtmlText.appendContent(body, describeLanguage(submission.document().language()));
        body.append(attachments == 0 ? ", no attachments" : ", " + attachments
                + (attachments == 1 ? " attachment" : " attachments") + " (on its page)").append(".</p>\n");
        appendAnswerList(body, submission.document().answers());
    }

    private static void appendReplyStep(StringBuilder body, CaseStep.Reply reply) {
        body.append("<h2>");
        HtmlText.appendContent(body, reply.date() + ": the office replied");
        body.append("</h2>\n<p class=\"notice\">Reply ");
        HtmlText.appendContent(body, reply.id());
        body.append("</p>\n");
        appendValue(body, "p", reply.document().message());
        if (!reply.document().attachments().isEmpty()) {
            body.append("<ul class=\"choices\">\n");
            for (ReplyDocument.Attachment attachment : reply.document().attachments()) {
                body.append("<li class=\"data\">");
                HtmlText.appendContent(body, attachment.name() + String.format(Locale.ROOT, " (%,d bytes)", attachment.size()));
                body.append("</li>\n");
            }
            body.append("</ul>\n");
        }
    }

    private static void appendCases(StringBuilder body, List<CaseStep.Summary> cases) {
        if (cases.isEmpty()) {
            return;
        }
        body.append("<h2>Returning sources' cases</h2>\n<table>\n<thead><tr><th>Case</th><th>Submissions</th>")
                .append("<th>Replies</th><th>Last</th></tr></thead>\n<tbody>\n");
        for (CaseStep.Summary summary : cases) {
            long submissions = summary.steps().stream().filter(CaseStep.Submission.class::isInstance).count();
            body.append("<tr><td><a href=\"").append(summary.page().href()).append("\">");
            HtmlText.appendContent(body, summary.caseId());
            body.append("</a></td><td>").append(submissions).append("</td><td>")
                    .append(summary.steps().size() - submissions).append("</td><td class=\"date\">");
            String last = summary.steps().isEmpty() ? "" : summary.steps().get(summary.steps().size() - 1).date();
            HtmlText.appendContent(body, last + (summary.forgotten() == null ? ""
                    : " (forgotten on the server " + summary.forgotten() + ")"));
            body.append("</td></tr>\n");
        }
        body.append("</tbody>\n</table>\n");
    }

    private static void appendForgotten(StringBuilder body, List<BundleManifest.ForgottenCase> forgotten) {
        if (forgotten.isEmpty()) {
            return;
        }
        body.append("<h2>Forgotten on the server</h2>\n<p class=\"notice\">The intake server forgot these returning ")
                .append("sources' cases after a long time without activity: their receipts open nothing any more, ")
                .append("and a reply to them would not be stored.</p>\n<ul>\n");
        for (BundleManifest.ForgottenCase forgottenCase : forgotten) {
            body.append("<li class=\"data\">");
            HtmlText.appendContent(body, "forgotten on the server: case " + forgottenCase.caseId() + ", "
                    + forgottenCase.date());
            body.append("</li>\n");
        }
        body.append("</ul>\n");
    }

    private static void appendAnswers(StringBuilder body, List<Answer> answers) {
        body.append("<h2>Answers</h2>\n");
        appendAnswerList(body, answers);
    }

    private static void appendAnswerList(StringBuilder body, List<Answer> answers) {
        if (answers.isEmpty()) {
            body.append("<p class=\"empty\">No answers.</p>\n");
        }
        for (Answer answer : answers) {
            body.append("<div>\n<h3>");
            if (answer.label() != null) {
                body.append("<span class=\"data\">");
                HtmlText.appendContent(body, answer.label());
                body.append("</span>");
            }
            // The id names the question whatever label the source was shown; it is [a-z0-9-], nothing to escape.
            body.append("<span class=\"field-id\">").append(answer.id()).append("</span></h3>\n");
            if (!answer.listValue()) {
                appendValue(body, "p", answer.values().get(0));
            } else if (answer.values().isEmpty()) {
                body.append("<p class=\"empty\">No choice made.</p>\n");
            } else {
                body.append("<ul class=\"choices\">\n");
                for (String value : answer.values()) {
                    appendValue(body, "li", value);
                }
                body.append("</ul>\n");
            }
            body.append("</div>\n");
        }
    }

    private static void appendValue(StringBuilder body, String element, String value) {
        if (value.isEmpty()) {
            body.append('<').append(element).append(" class=\"empty\">Left empty.</").append(element).append(">\n");
            return;
        }
        body.append('<').append(element).append(" class=\"value\">");
        HtmlText.appendContent(body, value);
        body.append("</").append(element).append(">\n");
    }

    private static void appendAttachments(StringBuilder body, List<Attachment> attachments, Map<Integer, AttachmentFile> files) {
        body.append("<h2>Attachments</h2>\n");
        if (attachments.isEmpty()) {
            body.append("<p class=\"empty\">No attachments.</p>\n");
            return;
        }
        body.append("<p class=\"notice\">Each attachment arrives as a separate encrypted part. ")
                .append("Names and types are as the source's browser gave them; the file itself may be anything.</p>\n");
        if (!files.isEmpty()) {
            body.append("<p class=\"warning\">Open attachments on this offline machine only: a file can hold anything, ")
                    .append("and a document or video that loads something from the internet could reveal the office ")
                    .append("and the source. Thumbnails were redrawn by the office tool from the pixels alone.</p>\n");
        }
        body.append("<table>\n<thead><tr><th>Part</th><th>Name</th><th>Type</th>")
                .append("<th>Size</th><th>SHA-256</th></tr></thead>\n<tbody>\n");
        for (Attachment attachment : attachments) {
            AttachmentFile file = files.get(attachment.part());
            body.append("<tr><td>").append(attachment.part()).append("</td><td class=\"data\">");
            if (file != null) {
                // The link passed RelativeLink's allowlist: only characters that need no escaping.
                body.append("<a href=\"").append(file.link().href()).append("\">");
                HtmlText.appendContent(body, attachment.name());
                body.append("</a>");
                file.thumbnailPng().ifPresent(png -> body.append("<img class=\"thumbnail\" alt=\"thumbnail of part ")
                        .append(attachment.part()).append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(png)).append("\">"));
            } else {
                HtmlText.appendContent(body, attachment.name());
            }
            body.append("</td><td class=\"data\">");
            HtmlText.appendContent(body, attachment.mediaType());
            body.append("</td><td class=\"size\">").append(String.format(Locale.ROOT, "%,d bytes", attachment.size()))
                    .append("</td><td class=\"digest\">").append(describeHash(attachment, file != null))
                    .append("</td></tr>\n");
        }
        body.append("</tbody>\n</table>\n");
    }

    /** The hash the manifest gives (validated lower-case hex), and whether the file beside the page matched it. */
    private static String describeHash(Attachment attachment, boolean checked) {
        if (attachment.segmented()) {
            int count = attachment.segments().size();
            return "in " + count + (count == 1 ? " segment" : " segments") + ", each with its own SHA-256"
                    + (checked ? ": all " + count + " matched" : "");
        }
        return attachment.sha256() + (checked ? " (matched)" : "");
    }

    private static String describeLanguage(String tag) {
        return switch (tag.toLowerCase(Locale.ROOT)) {
            case "en" -> "English (en)";
            case "ko" -> "Korean (ko)";
            case "ru" -> "Russian (ru)";
            default -> tag;
        };
    }

    private static String describeEncryption(String encryptedBy) {
        return TestimonyDocument.ENCRYPTED_BY_BROWSER.equals(encryptedBy)
                ? "in the source's browser, before sending; the server never held the plain text"
                : "by the intake server on arrival; the source's browser ran without JavaScript, "
                        + "so the server held the plain text for a moment";
    }

    /** The testimony on one line, cut to its first 200 characters. */
    private static String excerpt(String testimony) {
        String oneLine = testimony.strip().replaceAll("\\s+", " ");
        if (oneLine.codePointCount(0, oneLine.length()) <= EXCERPT_CODE_POINTS) {
            return oneLine;
        }
        return oneLine.substring(0, oneLine.offsetByCodePoints(0, EXCERPT_CODE_POINTS)) + "…";
    }
}
