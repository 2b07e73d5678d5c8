package org.testimonyintake.office;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.testimonyintake.format.InvalidDocumentException;
import org.testimonyintake.format.ReplyBundle;
import org.testimonyintake.format.ReplyDocument;

/**
 * The replies the office wrote with {@code intake-office reply}, kept in the case folder as
 * {@code replies/<case id>/<date>-<reply id>.json}, each the plaintext of its {@code reply.json.pgp} (FORMAT.md section
 * 10.5), so that the case pages show the whole conversation.
 */
final class SentReplies {
    static final String FOLDER = "replies";
    private static final int DATE_LENGTH = 10;
    private static final Pattern FILE_NAME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}-[0-9a-f]{32}\\.json");

    record SentReply(String caseId, LocalDate date, String id, ReplyDocument document) {
    }

    private SentReplies() {
    }

    static void add(Path folder, SentReply reply) throws IOException {
        Path caseReplies = Files.createDirectories(folder.resolve(FOLDER).resolve(reply.caseId()));
        Path temporary = Files.createTempFile(caseReplies, ".reply-", ".json");
        Files.write(temporary, reply.document().toJson());
        Files.move(temporary, caseReplies.resolve(reply.date() + "-" + reply.id() + ".json"), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Every reply in the folder, by case, then date, then id. A file that no longer parses was changed by hand. */
    static List<SentReply> read(Path folder) throws IOException {
        Path replies = folder.resolve(FOLDER);
        List<SentReply> sent = new ArrayList<>();
        if (!Files.isDirectory(replies, LinkOption.NOFOLLOW_LINKS)) {
            return sent;
        }
        try (Stream<Path> files = Files.walk(replies, 2)) {
            for (Path file : files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
                Path relative = replies.relativize(file);
                String caseId = relative.getName(0).toString();
                String name = relative.getFileName().toString();
                if (relative.getNameCount() != 2 || !ReplyBundle.isId(caseId) || !FILE_NAME.matcher(name).matches()) {
                    continue;
                }
                try {
                    sent.add(new SentReply(caseId, LocalDate.parse(name.substring(0, DATE_LENGTH)),
                            name.substring(DATE_LENGTH + 1, name.length() - ".json".length()),
                            ReplyDocument.parse(Files.readAllBytes(file))));
                } catch (InvalidDocumentException | DateTimeParseException e) {
                    // not listed, as for testimony documents changed by hand
                }
            }
        }
        sent.sort(Comparator.comparing(SentReply::caseId).thenComparing(SentReply::date).thenComparing(SentReply::id));
        return sent;
    }
}
