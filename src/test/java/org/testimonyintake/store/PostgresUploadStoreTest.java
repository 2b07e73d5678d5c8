package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testimonyintake.upload.UploadStore;
import org.testimonyintake.upload.UploadStoreContract;

/** The upload store contract on PostgreSQL, a database of its own per test; and its date-only idle rule. */
class PostgresUploadStoreTest extends UploadStoreContract {
    @RegisterExtension
    static final PostgresFixture POSTGRES = PostgresFixture.primaryOnly();
    private String database;
    private PostgresSubmissionStore submissions;

    @BeforeEach
    void newDatabase() throws IOException {
        database = POSTGRES.newDatabase("uploads");
        submissions = POSTGRES.openStore(database, 4, clock);
    }

    @AfterEach
    void closeStore() {
        submissions.close();
    }

    @Override
    protected UploadStore open() {
        return submissions.uploads(LIMITS);
    }

    @Override
    protected long storedOctets(String id) {
        try (Handle handle = POSTGRES.rawDatabase(database)) {
            if (handle.createQuery("SELECT count(*) FROM uploads WHERE id = :id").bind("id", id)
                    .mapTo(int.class).one() == 0) {
                return -1;
            }
            return handle.createQuery("SELECT coalesce(sum(length(octets)), 0) FROM upload_chunks "
                    + "WHERE upload_id = :id").bind("id", id).mapTo(long.class).one();
        }
    }

    @Test
    void anUploadIsAbandonedOnceTheDateOfItsLastChunkIsTwoDaysBack() throws Exception {
        try (UploadStore store = open()) {
            String id = store.create();
            store.append(id, 0, new ByteArrayInputStream(new byte[] {(byte) 0xC1, 1, 2}));
            clock.advance(Duration.ofDays(1));
            assertEquals(0, store.deleteAbandoned(), "only the date is kept: yesterday may be an hour ago");
            clock.advance(Duration.ofDays(1));
            assertEquals(1, store.deleteAbandoned());
            assertEquals(-1, storedOctets(id));
        }
    }
}
