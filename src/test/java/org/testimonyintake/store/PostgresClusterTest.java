package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The commit rule the PostgreSQL store relies on, checked on real PostgreSQL 15 binaries: with a synchronous standby
 * and synchronous_commit = remote_apply, a commit returns only once the standby has applied it, and while the standby
 * is down a commit waits (it never reports success early); after a promotion the standby has every such commit.
 */
class PostgresClusterTest {
    @Test
    void aCommitReturnsOnlyOnceTheSynchronousStandbyHasIt() throws Exception {
        assumeTrue(PostgresCluster.available(), "Debian's postgresql 15 is not installed");
        try (PostgresCluster cluster = PostgresCluster.startPrimary()) {
            PostgresCluster.Server standby = cluster.startSynchronousStandby("standby1");
            try (Connection primary = cluster.primary().connect(); Statement statement = primary.createStatement()) {
                statement.execute("CREATE TABLE acknowledged (id text PRIMARY KEY)");
                statement.execute("SET synchronous_commit = remote_apply");
                statement.execute("INSERT INTO acknowledged VALUES ('before the standby stops')");
                assertEquals(1, count(standby), "applied on the standby when the commit returned");

                standby.kill();
                CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                    try {
                        statement.execute("INSERT INTO acknowledged VALUES ('while the standby is down')");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                awaitSyncRepWait(cluster);
                assertEquals(false, waiting.isDone(), "no acknowledgement without the standby");
                standby.start();
                waiting.get(60, TimeUnit.SECONDS);
                assertEquals(2, count(standby));
            }
            cluster.primary().kill();
            standby.promote();
            try (Connection promoted = standby.connect(); Statement statement = promoted.createStatement()) {
                statement.execute("INSERT INTO acknowledged VALUES ('after the promotion')");
            }
            assertEquals(3, count(standby), "every acknowledged row survived the primary");
        }
    }

    /** Waits for the event that the commit is held for the standby: its backend's wait event is SyncRep. */
    private static void awaitSyncRepWait(PostgresCluster cluster) throws SQLException {
        try (Connection observer = cluster.primary().connect(); Statement statement = observer.createStatement()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                try (ResultSet result = statement.executeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'")) {
                    result.next();
                    if (result.getInt(1) == 1) {
                        return;
                    }
                }
                Thread.onSpinWait();
            }
        }
        throw new AssertionError("the commit never waited for the standby");
    }

    private static int count(PostgresCluster.Server server) throws SQLException {
        try (Connection connection = server.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT count(*) FROM acknowledged")) {
            result.next();
            return result.getInt(1);
        }
    }
}
