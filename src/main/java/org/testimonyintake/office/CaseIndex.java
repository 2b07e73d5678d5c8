package org.testimonyintake.office;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import org.testimonyintake.format.BundleManifest;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.render.CaseStep;
import org.testimonyintake.render.IndexEntry;
import org.testimonyintake.render.IndexNavigation;
import org.testimonyintake.render.RelativeLink;
import org.testimonyintake.render.TestimonyView;

/**
 * The index pages of a case folder: {@value CaseFolder#INDEX} lists every submission by date of arrival, and static
 * sibling pages list them newest first, by language, or only those of one language, one month, or one answer to a
 * choice question. Static pages, so that sorting and filtering work in a staff browser with JavaScript off, as the
 * pages' policy demands anyway. Each also lists the returning sources' cases, each with a page {@code case-<id>.html}
 * of its submissions and the office's replies in order, and the cases the server reported forgotten. All are rebuilt
 * from the folder each time a bundle is added or a reply written.
 */
final class CaseIndex {
    private static final String VIEW_FILE = "testimony.html";
    private static final Comparator<CaseFolder.Submission> BY_ARRIVAL = Comparator.comparing(CaseFolder.Submission::folderName);

    /** @param value what the page filters by, as its link above other pages says it */
    private record Page(String fileName, String heading, String value, List<CaseFolder.Submission> rows) {
    }

    private CaseIndex() {
    }

    static void write(Path folder, List<CaseFolder.Submission> submissions) throws IOException {
        List<BundleManifest.ForgottenCase> forgotten = ForgottenCases.read(folder);
        List<CaseStep.Summary> cases = cases(submissions, SentReplies.read(folder), forgotten);
        for (CaseStep.Summary summary : cases) {
            writeAtomically(folder, summary.page().href(), TestimonyView.renderCase(summary));
        }
        List<CaseFolder.Submission> byArrival = submissions.stream().sorted(BY_ARRIVAL).toList();
        List<IndexNavigation.Choice> sortings = new ArrayList<>();
        List<Page> pages = new ArrayList<>();
        Page all = new Page(CaseFolder.INDEX, "Testimonies", "all", byArrival);
        pages.add(all);
        pages.add(new Page("index-newest-first.html", "Testimonies, newest first", "newest first", byArrival.stream().sorted(BY_ARRIVAL.reversed()).toList()));
        pages.add(new Page("index-by-language.html", "Testimonies by language", "by language", byArrival.stream()
                .sorted(Comparator.comparing((CaseFolder.Submission s) -> s.document().language()).thenComparing(BY_ARRIVAL))
                .toList()));
        for (Page sorting : pages) {
            sortings.add(new IndexNavigation.Choice(sorting == all ? "oldest first" : sorting.value(), link(sorting.fileName()), false));
        }

        Map<String, List<Page>> filters = new LinkedHashMap<>();
        filters.put("Language", filterPages(byArrival, s -> s.document().language(), "index-language-", "language "));
        filters.put("Month", filterPages(byArrival, s -> s.received().substring(0, 7), "index-month-", "received in "));
        for (Map.Entry<String, TreeSet<String>> question : choiceQuestions(byArrival).entrySet()) {
            List<Page> valuePages = new ArrayList<>();
            int k = 0;
            for (String value : question.getValue()) {
                k++;
                valuePages.add(new Page("index-answer-" + question.getKey() + "-" + k + ".html",
                        "Testimonies answering " + question.getKey() + " with " + value, value,
                        byArrival.stream().filter(s -> chose(s.document(), question.getKey(), value)).toList()));
            }
            filters.put(question.getKey(), valuePages);
        }
        filters.values().forEach(pages::addAll);

        for (Page page : pages) {
            List<IndexNavigation> navigation = new ArrayList<>();
            navigation.add(new IndexNavigation("Sort", mark(sortings, page)));
            for (Map.Entry<String, List<Page>> filter : filters.entrySet()) {
                List<IndexNavigation.Choice> choices = new ArrayList<>(List.of(new IndexNavigation.Choice("all", link(CaseFolder.INDEX), false)));
                for (Page value : filter.getValue()) {
                    choices.add(new IndexNavigation.Choice(value.value(), link(value.fileName()), false));
                }
                navigation.add(new IndexNavigation(filter.getKey(), mark(choices, page)));
            }
            List<IndexEntry> entries = page.rows().stream().map(CaseIndex::entry).toList();
            writeAtomically(folder, page.fileName(), TestimonyView.renderIndex(page.heading(), navigation, entries,
                    cases, forgotten));
        }
    }

    /**
     * Each returning source's case in the folder: its submissions (those whose testimony carries its {@code reply}
     * member, FORMAT.md section 10.3) and the office's replies, by date; on one day submissions come first, since a
     * reply answers what came before it and no times are kept.
     */
    private static List<CaseStep.Summary> cases(List<CaseFolder.Submission> submissions,
                                                List<SentReplies.SentReply> replies,
                                                List<BundleManifest.ForgottenCase> forgotten) {
        Map<String, List<CaseStep>> steps = new TreeMap<>();
        for (CaseFolder.Submission submission : submissions.stream().sorted(BY_ARRIVAL).toList()) {
            submission.document().returning().ifPresent(reply -> steps.computeIfAbsent(reply.caseId(), id -> new ArrayList<>())
                    .add(new CaseStep.Submission(submission.received(), submission.id(),
                            RelativeLink.of(List.of(submission.folderName(), VIEW_FILE)), submission.document())));
        }
        for (SentReplies.SentReply reply : replies) {
            steps.computeIfAbsent(reply.caseId(), id -> new ArrayList<>())
                    .add(new CaseStep.Reply(reply.date().toString(), reply.id(), reply.document()));
        }
        Map<String, String> forgottenOn = new TreeMap<>();
        forgotten.forEach(f -> forgottenOn.put(f.caseId(), f.date().toString()));
        Comparator<CaseStep> inOrder = Comparator.comparing(CaseStep::date)
                .thenComparing(step -> step instanceof CaseStep.Reply); // a stable sort: the order above within each
        List<CaseStep.Summary> cases = new ArrayList<>();
        steps.forEach((caseId, caseSteps) -> cases.add(new CaseStep.Summary(caseId, link(caseFileName(caseId)),
                caseSteps.stream().sorted(inOrder).toList(), forgottenOn.get(caseId))));
        return cases;
    }

    /** "case-<id>.html"; a case id is 32 lower-case hex digits (FORMAT.md section 10.3), safe in a file name. */
    static String caseFileName(String caseId) {
        return "case-" + caseId + ".html";
    }

    private static List<Page> filterPages(List<CaseFolder.Submission> rows, Function<CaseFolder.Submission, String> key,
                                          String filePrefix, String headingWords) {
        Map<String, List<CaseFolder.Submission>> groups = new TreeMap<>();
        rows.forEach(s -> groups.computeIfAbsent(key.apply(s), k -> new ArrayList<>()).add(s));
        List<Page> pages = new ArrayList<>();
        // Language tags and months are [A-Za-z0-9-] (FORMAT.md section 4), safe in a file name.
        groups.forEach((value, members) -> pages.add(new Page(filePrefix + value + ".html", "Testimonies " + headingWords + value, value, members)));
        return pages;
    }

    /** Each choice question's id and every value chosen for it, in sorted order. */
    private static Map<String, TreeSet<String>> choiceQuestions(List<CaseFolder.Submission> rows) {
        Map<String, TreeSet<String>> questions = new TreeMap<>();
        for (CaseFolder.Submission s : rows) {
            for (TestimonyDocument.Answer answer : s.document().answers()) {
                if (answer.listValue()) {
                    questions.computeIfAbsent(answer.id(), id -> new TreeSet<>()).addAll(answer.values());
                }
            }
        }
        questions.values().removeIf(TreeSet::isEmpty);
        return questions;
    }

    private static boolean chose(TestimonyDocument document, String question, String value) {
        Predicate<TestimonyDocument.Answer> chosen = answer -> answer.listValue() && answer.values().contains(value);
        return document.answer(question).filter(chosen).isPresent();
    }

    private static List<IndexNavigation.Choice> mark(List<IndexNavigation.Choice> choices, Page page) {
        return choices.stream().map(c -> new IndexNavigation.Choice(c.text(), c.link(),
                c.link().href().equals(page.fileName()))).toList();
    }

    private static IndexEntry entry(CaseFolder.Submission submission) {
        String narrative = submission.document().answer("testimony").map(a -> String.join(" ", a.values())).orElse("");
        return new IndexEntry(submission.folderName() + "/" + VIEW_FILE, submission.received(),
                submission.document().language(), narrative);
    }

    private static RelativeLink link(String fileName) {
        return new RelativeLink(fileName);
    }

    private static void writeAtomically(Path folder, String name, String html) throws IOException {
        Path temporary = Files.createTempFile(folder, ".index-", ".html");
        Files.writeString(temporary, html, StandardCharsets.UTF_8);
        Files.move(temporary, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
