package org.testimonyintake.render;

import java.util.List;
import java.util.Objects;
import org.testimonyintake.format.ReplyDocument;
import org.testimonyintake.format.TestimonyDocument;

/**
 * One step of a returning source's case (FORMAT.md section 10) on its case page: a submission the source sent, or a
 * reply the office wrote. Only dates are known, never times.
 */
public sealed interface CaseStep {
    String date();

    /** @param view the submission's own page, relative to the case page */
    record Submission(String date, String id, RelativeLink view, TestimonyDocument document) implements CaseStep {
        public Submission {
            Objects.requireNonNull(date, "date");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(view, "view");
            Objects.requireNonNull(document, "document");
        }
    }

    record Reply(String date, String id, ReplyDocument document) implements CaseStep {
        public Reply {
            Objects.requireNonNull(date, "date");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(document, "document");
        }
    }

    /**
     * A case as the index lists it.
     *
     * @param page its case page, relative to the index
     * @param forgotten the date the server reported it forgotten, or null
     */
    record Summary(String caseId, RelativeLink page, List<CaseStep> steps, String forgotten) {
        public Summary {
            Objects.requireNonNull(caseId, "caseId");
            Objects.requireNonNull(page, "page");
            steps = List.copyOf(steps);
        }
    }
}
