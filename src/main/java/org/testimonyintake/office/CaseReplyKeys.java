package org.testimonyintake.office;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.testimonyintake.format.KeyMaterialException;
import org.testimonyintake.format.ReplyCertificate;

/**
 * Finds a case's reply key in a case folder: the first submission of a returning case carries it in its testimony
 * document's {@code reply} member (FORMAT.md section 10.3), which {@code decrypt} wrote to {@code <id>/testimony.json}.
 */
public final class CaseReplyKeys {
    private static final String TESTIMONY_FILE = "testimony.json";

    private CaseReplyKeys() {
    }

    public static ReplyCertificate find(Path caseFolder, String caseId) throws IOException, KeyMaterialException {
        try (Stream<Path> submissions = Files.list(caseFolder)) {
            for (Path testimony : submissions.map(s -> s.resolve(TESTIMONY_FILE)).filter(Files::isRegularFile).toList()) {
                Optional<String> key = replyKeyOf(testimony, caseId);
                if (key.isPresent()) {
                    return ReplyCertificate.parse(key.get().getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
        throw new KeyMaterialException("no submission in " + caseFolder + " carries the reply key of case " + caseId);
    }

    private static Optional<String> replyKeyOf(Path testimony, String caseId) {
        try {
            Object reply = JSON.std.mapFrom(Files.readAllBytes(testimony)).get("reply");
            if (reply instanceof Map<?, ?> member && caseId.equals(member.get("case")) && member.get("key") instanceof String key) {
                return Optional.of(key);
            }
        } catch (IOException | RuntimeException e) {
            // not a testimony document of a returning case
        }
        return Optional.empty();
    }
}
