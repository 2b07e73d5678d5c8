package org.testimonyintake.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link PostgresCluster} for tests, registered with {@code @RegisterExtension}: on a static field one cluster for
 * the tests of the class, started before the first and deleted after the last; on an instance field a cluster of its
 * own for each test (one that kills or promotes servers). Without Debian's postgresql 15 the tests are skipped. Tests
 * that must not share a database make their own with {@link #newDatabase}.
 */
final class PostgresFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final boolean withStandby;
    private PostgresCluster cluster;
    private PostgresCluster.Server standby;
    private boolean perTest;

    private PostgresFixture(boolean withStandby) {
        this.withStandby = withStandby;
    }

    static PostgresFixture primaryOnly() {
        return new PostgresFixture(false);
    }

    /** A primary whose commits return once its synchronous standby {@code standby1} has them. */
    static PostgresFixture withSynchronousStandby() {
        return new PostgresFixture(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    /** Called for every test also on a static field, where the cluster has started already. */
    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (cluster == null) {
            perTest = true;
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (perTest) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        stop();
    }

    private void start() throws IOException, SQLException {
        assumeTrue(PostgresCluster.available(), "Debian's postgresql 15 is not installed");
        cluster = PostgresCluster.startPrimary();
        if (withStandby) {
            standby = cluster.startSynchronousStandby("standby1");
        }
    }

    private void stop() throws IOException {
        if (cluster != null) {
            PostgresCluster stopping = cluster;
            cluster = null;
            standby = null;
            stopping.close();
        }
    }

    PostgresCluster.Server primary() {
        return cluster.primary();
    }

    PostgresCluster.Server standby() {
        if (standby == null) {
            throw new IllegalStateException("this fixture has no standby");
        }
        return standby;
    }

    String password() {
        return cluster.password();
    }

    /** A new empty database on the primary, named prefix and a number unique in this JVM. */
    String newDatabase(String prefix) throws IOException {
        String name = prefix + DATABASES.incrementAndGet();
        try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IOException("CREATE DATABASE " + name + " failed", e);
        }
        return name;
    }

    PostgresSubmissionStore openStore(String database, int connections, Clock clock) throws IOException {
        return PostgresSubmissionStore.open(cluster.primary().jdbcUrl(database), PostgresCluster.USER,
                cluster.password(), connections, clock, false);
    }

    /** A connection of its own to a database, outside any store: to look at what is stored. */
    Handle rawDatabase(String database) {
        return Jdbi.create(cluster.primary().jdbcUrl(database), PostgresCluster.USER, cluster.password()).open();
    }

    /** The primary's database as {@code --store} names it; the password goes in {@link #writePasswordFile}. */
    String storeLocation(String database) {
        return "postgresql://127.0.0.1:" + cluster.primary().port + "/" + database + "?user=" + PostgresCluster.USER;
    }

    /**
     * Copies into a new backend's data directory what deploy/README.md section 7 step 4 copies from the first: the
     * form-token key (a form from one is taken by the other) and the returning-salt (a receipt opens the same case).
     */
    static void copyBackendSecrets(Path fromData, Path toData) throws IOException {
        Files.createDirectories(toData);
        for (String shared : List.of("form-token.key", "returning-salt")) {
            Files.copy(fromData.resolve(shared), toData.resolve(shared));
        }
    }

    /** The password alone in an owner-only file, as {@code --store-password-file} wants it. */
    Path writePasswordFile(Path directory) throws IOException {
        Path file = Files.writeString(directory.resolve("store-password"), cluster.password() + "\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
