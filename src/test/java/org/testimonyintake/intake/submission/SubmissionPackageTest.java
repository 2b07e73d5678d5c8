package org.testimonyintake.intake.submission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The layering of package-info.java in each {@code intake} package, read from the sources' imports. */
class SubmissionPackageTest {
    private static final Path INTAKE = Path.of("src/main/java/org/testimonyintake/intake");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)", Pattern.MULTILINE);

    @ParameterizedTest(name = "{0} imports nothing of {1}")
    @CsvSource({
            "submission, io.javalin.",
            "submission, org.eclipse.jetty.",
            "submission, jakarta.servlet.",
            "submission, org.testimonyintake.intake.web.",
            "submission, org.testimonyintake.intake.cli.",
            "web, org.testimonyintake.intake.cli.",
            "i18n, org.testimonyintake.",
            "metadata, org.testimonyintake.",
            "cli, org.testimonyintake.office.",
            "web, org.testimonyintake.office.",
            "submission, org.testimonyintake.office.",
    })
    void importsNothingOf(String layer, String forbidden) throws IOException {
        List<String> imports = importsOf(layer);
        assertFalse(imports.isEmpty() && !layer.equals("i18n") && !layer.equals("metadata"), "no sources found for " + layer);
        assertEquals(List.of(), imports.stream().filter(name -> name.startsWith(forbidden)).toList());
    }

    private static List<String> importsOf(String layer) throws IOException {
        try (Stream<Path> sources = Files.list(INTAKE.resolve(layer))) {
            return sources.filter(path -> path.toString().endsWith(".java")).flatMap(path -> {
                try {
                    Matcher matcher = IMPORT.matcher(Files.readString(path));
                    return matcher.results().map(result -> result.group(1)).toList().stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
