package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The store contract on the default engine, in a data directory. */
class SqliteStoreContractTest extends StoreContract {
    private Path data() {
        return temp.resolve("data");
    }

    @Override
    SubmissionStore open(Clock clock) throws IOException {
        return SqliteSubmissionStore.open(data(), clock);
    }

    @Override
    Handle rawDatabase() {
        return Jdbi.create("jdbc:sqlite:" + data().resolve("intake.db")).open();
    }

    @Override
    void assertNoCiphertextKept() throws IOException {
        for (String directory : List.of("incoming", "submissions")) {
            Path path = data().resolve(directory);
            assertEquals(List.of(), Files.exists(path) ? Submissions.names(path) : List.of(), directory);
        }
    }
}
