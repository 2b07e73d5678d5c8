package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testimonyintake.upload.UploadStore;
import org.testimonyintake.upload.UploadStoreContract;

/** The upload store contract on PostgreSQL, a database of its own per test; and its date-only idle rule. */
class PostgresUploadStoreTest extends UploadStoreContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresCluster cluster;
    private String database;
    private PostgresSubmissionStore submissions;

    @BeforeAll
    static void startCluster() throws Exception {
        assumeTrue(PostgresCluster.available(), "Debian's postgresql 15 is not installed");
        cluster = PostgresCluster.startPrimary();
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void newDatabase() throws Exception {
        database = "uploads" + DATABASES.incrementAndGet();
        try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        submissions = PostgresSubmissionStore.open(cluster.primary().jdbcUrl(database), PostgresCluster.USER,
                cluster.password(), 4, clock, false);
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
        try (Handle handle = Jdbi.create(cluster.primary().jdbcUrl(database), PostgresCluster.USER,
                cluster.password()).open()) {
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
