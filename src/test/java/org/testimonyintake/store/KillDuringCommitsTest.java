package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills (SIGKILL) a process in the middle of concurrent commits, at a different moment each round, then reopens:
 * every acknowledged submission is there with its exact files, every row has its files, and no files are without a
 * row. A killed process keeps the page cache, so this tests the protocol's ordering and the reconciliation, not the
 * fsyncs.
 */
class KillDuringCommitsTest {
    @TempDir
    Path data;

    @Test
    void everyAcknowledgedSubmissionSurvivesAndNothingIsOrphaned() throws Exception {
        int[] acknowledgementsBeforeKill = {1, 37, 150};
        Set<String> acknowledged = new HashSet<>();
        for (int round : acknowledgementsBeforeKill) {
            acknowledged.addAll(runAndKill(round));
            try (SubmissionStore store = SubmissionStore.open(data)) {
                List<StoredSubmission> pending = store.pending();
                Set<String> stored = new HashSet<>();
                for (StoredSubmission submission : pending) {
                    stored.add(submission.id());
                    Path directory = data.resolve("submissions").resolve(submission.id());
                    for (Part part : submission.parts()) {
                        assertArrayEquals(CrashingWriter.content(submission.id(), part.name()),
                                Files.readAllBytes(directory.resolve(part.name())));
                    }
                }
                assertTrue(stored.containsAll(acknowledged), "an acknowledged submission is missing");
                assertEquals(stored, new HashSet<>(Submissions.names(data.resolve("submissions"))));
                assertEquals(List.of(), Submissions.names(data.resolve("incoming")));
            }
        }
    }

    /** Starts a writer process, reads acknowledged ids until there are enough, kills it; returns them. */
    private List<String> runAndKill(int acknowledgements) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process writer = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                CrashingWriter.class.getName(), data.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> ids = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(writer.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line; ids.size() < acknowledgements && (line = out.readLine()) != null; ) {
                ids.add(line);
            }
        } finally {
            writer.destroyForcibly();
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(acknowledgements, ids.size(), "the writer stopped early");
        return ids;
    }
}
