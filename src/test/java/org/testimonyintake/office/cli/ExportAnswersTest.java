package org.testimonyintake.office.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.format.TestimonyDocument.Answer;

/** {@code intake-office export-answers}: the CSV read back by a CSV parser, as a researcher's spreadsheet reads it. */
class ExportAnswersTest {
    static final String KOREAN = "저는 벌목장에서 일했습니다.\n\"여권\"은 빼앗겼습니다, 그리고…";
    static final String RUSSIAN = "Паспорта забрали, в первый же день.";
    static final String FORMULA = "=HYPERLINK(\"http://127.0.0.1/\",\"click\")";

    @TempDir
    Path dir;

    @Test
    void oneRowPerSubmissionOneColumnPerQuestionInUtf8WithByteOrderMark() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("case"));
        submission(folder, "2026-11-27", "0123456789abcdef0123456789abcdef", new TestimonyDocument("ko", "browser",
                List.of(Answer.text("testimony", "무슨 일이 있었습니까?", KOREAN),
                        Answer.choices("consent", null, List.of("quote-anonymously", "share-with-un"))), List.of()));
        submission(folder, "2026-11-28", "fedcba9876543210fedcba9876543210", new TestimonyDocument("ru", "server",
                List.of(Answer.text("site", null, FORMULA), Answer.text("testimony", null, RUSSIAN),
                        Answer.choices("consent", null, List.of())), List.of()));
        Files.createDirectory(folder.resolve("not-a-submission"));
        Path csv = dir.resolve("answers.csv");

        Cli export = Cli.run("export-answers", "--out", csv.toString(), folder.toString());

        assertEquals(0, export.exitCode(), export.err());
        assertEquals("wrote 2 submissions to " + csv + "\n", export.out());
        byte[] bytes = Files.readAllBytes(csv);
        assertArrayEquals(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, Arrays.copyOf(bytes, 3), "UTF-8 byte order mark");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(csv)));
        try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            assertEquals('\uFEFF', in.read());
            List<CSVRecord> rows = CSVParser.parse(in, CSVFormat.RFC4180).getRecords();
            assertEquals(List.of("submission", "received", "language", "encryptedBy", "attachments", "testimony", "consent", "site"),
                    rows.get(0).toList());
            assertEquals(List.of("0123456789abcdef0123456789abcdef", "2026-11-27", "ko", "browser", "0", KOREAN,
                    "quote-anonymously; share-with-un", ""), rows.get(1).toList());
            assertEquals(List.of("fedcba9876543210fedcba9876543210", "2026-11-28", "ru", "server", "0", RUSSIAN, "",
                    "'" + FORMULA), rows.get(2).toList(), "a formula stays text");
            assertEquals(3, rows.size());
        }
    }

    @Test
    void neverOverwritesAnEarlierExport() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("case"));
        Path csv = Files.writeString(dir.resolve("answers.csv"), "earlier");

        Cli export = Cli.run("export-answers", "--out", csv.toString(), folder.toString());

        assertEquals(5, export.exitCode());
        assertTrue(export.err().startsWith("intake-office: error: " + csv + " already exists"), export.err());
        assertEquals("earlier", Files.readString(csv));
    }

    private static void submission(Path folder, String date, String id, TestimonyDocument document) throws Exception {
        Files.write(Files.createDirectory(folder.resolve(date + "-" + id)).resolve("testimony.json"), document.toJson());
    }
}
