package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubmissionFieldsTest {
    @TempDir
    Path data;

    @ParameterizedTest
    @ValueSource(strings = {"../x", "x", "", "attachment-0.pgp", "attachment-01.pgp", "attachment-101.pgp",
            "attachment-1000.pgp", "attachment--1.pgp", "attachment-1.PGP", "attachment-1.pgp.partial",
            "Testimony.json.pgp", "testimony.json", "testimony.json.pgp/", "./testimony.json.pgp",
            "../testimony.json.pgp", "submissions/attachment-1.pgp", "attachment-1.pgp\0", "attachment-\uFF11.pgp",
            "attachment-\u0661.pgp", " attachment-1.pgp", "attachment-1.pgp\n", "/etc/passwd", "intake.db",
            "attachment-1-0.pgp", "attachment-1-4097.pgp", "attachment-1-1-1.pgp"})
    void refusesAnyOtherPartName(String name) throws IOException {
        try (SubmissionStore store = SubmissionStore.open(data); NewSubmission submission = store.begin()) {
            assertThrows(IllegalArgumentException.class, () -> submission.createPart(name));
            assertEquals(List.of(), Submissions.names(data.resolve("incoming").resolve(submission.id())),
                    "nothing was created");
        }
    }

    @Test
    void refusesNull() throws IOException {
        try (SubmissionStore store = SubmissionStore.open(data); NewSubmission submission = store.begin()) {
            assertThrows(IllegalArgumentException.class, () -> submission.createPart(null));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"testimony.json.pgp", "attachment-1.pgp", "attachment-9.pgp", "attachment-10.pgp",
            "attachment-99.pgp", "attachment-100.pgp", "attachment-1-1.pgp", "attachment-100-4096.pgp"})
    void acceptsTheNamesOfFormatSection6(String name) {
        assertEquals(name, SubmissionFields.requirePartName(name));
    }
}
