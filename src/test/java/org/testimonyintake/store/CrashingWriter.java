package org.testimonyintake.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The process that {@link KillDuringCommitsTest} kills: commits from several threads without end and prints each id
 * once its commit returned. Part contents derive from the id, so the test can check them.
 */
final class CrashingWriter {
    private static final int THREADS = 8;

    private CrashingWriter() {
    }

    public static void main(String[] args) throws IOException {
        SubmissionStore store = SubmissionStore.open(Path.of(args[0]));
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        for (int t = 0; t < THREADS; t++) {
            threads.execute(() -> {
                try {
                    while (true) {
                        try (NewSubmission submission = store.begin()) {
                            String id = submission.id();
                            Submissions.writePart(submission, "testimony.json.pgp", content(id, "testimony.json.pgp"));
                            Submissions.writePart(submission, "attachment-1.pgp", content(id, "attachment-1.pgp"));
                            submission.commit("browser", Submissions.SUBKEY);
                            synchronized (System.out) {
                                System.out.println(id);
                                System.out.flush();
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    static byte[] content(String id, String partName) {
        return Submissions.content(id + "/" + partName + " ", 4096 + (id.charAt(0) * 17 + partName.length()) % 4096);
    }
}
