package org.testimonyintake.office;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.testimonyintake.format.BundleManifest;
import org.testimonyintake.format.ReplyBundle;

/**
 * The returning sources' cases that export bundles reported forgotten on the server (FORMAT.md section 8), kept in
 * the case folder as {@value #FILE} so that every index page, rebuilt from the folder, can list them.
 */
final class ForgottenCases {
    static final String FILE = "forgotten-cases.json";

    private ForgottenCases() {
    }

    /** Oldest first; empty when no bundle reported any. */
    static List<BundleManifest.ForgottenCase> read(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            List<BundleManifest.ForgottenCase> forgotten = new ArrayList<>();
            for (Object entry : (List<?>) JSON.std.mapFrom(Files.readAllBytes(file)).get("forgotten")) {
                Map<?, ?> member = (Map<?, ?>) entry;
                String caseId = (String) member.get("case");
                if (!ReplyBundle.isId(caseId)) {
                    throw new IllegalArgumentException("a case id is malformed");
                }
                forgotten.add(new BundleManifest.ForgottenCase(caseId, LocalDate.parse((String) member.get("date"))));
            }
            return forgotten;
        } catch (RuntimeException e) {
            throw new IOException(file + " was changed by hand and cannot be read", e);
        }
    }

    /** Adds what a bundle reported; a case reported twice keeps the earlier date. */
    static void add(Path folder, List<BundleManifest.ForgottenCase> reported) throws IOException {
        if (reported.isEmpty()) {
            return;
        }
        Map<String, LocalDate> byCase = new TreeMap<>();
        for (BundleManifest.ForgottenCase forgotten : Stream.concat(read(folder).stream(), reported.stream()).toList()) {
            byCase.merge(forgotten.caseId(), forgotten.date(), (a, b) -> a.isBefore(b) ? a : b);
        }
        List<Map<String, String>> entries = byCase.entrySet().stream()
                .sorted(Map.Entry.<String, LocalDate>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> Map.of("case", e.getKey(), "date", e.getValue().toString())).toList();
        Path temporary = Files.createTempFile(folder, ".forgotten-", ".json");
        Files.write(temporary, JSON.std.asBytes(Map.of("forgotten", entries)));
        Files.move(temporary, folder.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
