package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The case store contract on the default engine, in a data directory; and what only its files show. */
class SqliteCaseStoreContractTest extends CaseStoreContract {
    private Path data() {
        return temp.resolve("data");
    }

    @Override
    SubmissionStore openSubmissions(Clock clock) throws IOException {
        return SqliteSubmissionStore.open(data(), clock);
    }

    @Override
    CaseStore openCases(SubmissionStore store, Clock clock) throws IOException {
        return SqliteCaseStore.open(data(), clock);
    }

    @Test
    void aDeletedReplyLeavesNoCiphertextInTheDatabaseFiles() throws IOException {
        CaseStore.NewCase newCase = claimedCase("abcdefabcdefabcdefabcdefabcdef00");
        cases.addReply(replyId(1), newCase.id(), replyParts("soon gone"));
        byte[] ciphertext = cases.replies(newCase.id()).get(0).parts().get("attachment-1.pgp");
        byte[] probe = Arrays.copyOfRange(ciphertext, ciphertext.length - 64, ciphertext.length);
        assertTrue(databaseFilesContain(probe), "the probe finds the reply while it is stored");

        clock.set(DAY_ONE.plusDays(90));
        assertEquals(new CaseStore.Forgotten(1, 0), cases.deleteExpired(CaseStore.Retention.STANDARD));
        assertFalse(databaseFilesContain(probe), "secure_delete, VACUUM and the WAL checkpoint leave nothing");
    }

    private boolean databaseFilesContain(byte[] probe) throws IOException {
        try (var files = Files.list(data())) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("intake.db")).toList()) {
                if (Submissions.contains(Files.readAllBytes(file), probe)) {
                    return true;
                }
            }
        }
        return false;
    }
}
