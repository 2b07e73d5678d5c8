package org.testimonyintake.office;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.testimonyintake.format.TestimonyDocument;

/**
 * The answers of a case folder as one CSV table for researchers (RFC 4180, as {@link CSVFormat#EXCEL} writes it): one
 * row per submission, one column per question id in the order the questions first appear, choices joined by
 * {@value #CHOICE_SEPARATOR}. The file starts with a UTF-8 byte order mark, without which spreadsheet programs read
 * Korean and Russian as mojibake.
 */
public final class AnswersExport {
    public static final List<String> FIXED_COLUMNS = List.of("submission", "received", "language", "encryptedBy", "attachments");
    static final String CHOICE_SEPARATOR = "; ";
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private AnswersExport() {
    }

    /** Writes the table to {@code csv}, a new file readable by its owner only; returns how many rows it has. */
    public static int write(Path caseFolder, Path csv) throws IOException {
        List<CaseFolder.Submission> submissions = CaseFolder.submissions(caseFolder);
        Set<String> questions = new LinkedHashSet<>();
        submissions.forEach(s -> s.document().answers().forEach(answer -> questions.add(answer.id())));
        List<String> header = new ArrayList<>(FIXED_COLUMNS);
        header.addAll(questions);
        Files.createFile(csv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(BYTE_ORDER_MARK); // before the printer, which writes the header as it is made
            CSVPrinter printer = new CSVPrinter(out, CSVFormat.EXCEL.builder().setHeader(header.toArray(String[]::new)).get());
            for (CaseFolder.Submission submission : submissions) {
                TestimonyDocument document = submission.document();
                List<String> row = new ArrayList<>(List.of(submission.id(), submission.received(), document.language(),
                        document.encryptedBy(), String.valueOf(document.attachments().size())));
                for (String question : questions) {
                    row.add(document.answer(question).map(a -> inert(String.join(CHOICE_SEPARATOR, a.values()))).orElse(""));
                }
                printer.printRecord(row);
            }
            printer.flush();
        }
        return submissions.size();
    }

    /**
     * A cell that starts like a formula ({@code = + - @}, tab or carriage return) gets a leading apostrophe, so a
     * spreadsheet shows the source's text instead of running it (OWASP "CSV injection").
     */
    static String inert(String value) {
        return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }
}
