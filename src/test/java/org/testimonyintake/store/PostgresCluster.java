package org.testimonyintake.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL 15 cluster of Debian's binaries, in a directory of its own under /tmp, listening on a free
 * port of 127.0.0.1 only: a primary, and streaming standbys made with pg_basebackup. initdb refuses to run as root,
 * so as root every program runs as the unprivileged user {@code postgres} (setpriv); otherwise as the current user.
 * Settings are the ones deploy/ recommends for intake: no commit timestamps, no statement logging.
 */
final class PostgresCluster implements AutoCloseable {
    static final Path BINARIES = Path.of("/usr/lib/postgresql/15/bin");
    static final String USER = "intake";
    private static final String UNPRIVILEGED = "postgres";

    private final Path root;
    private final String password;
    private final List<Server> servers = new ArrayList<>();

    /** One postgres process of the cluster: the primary or a standby. */
    final class Server {
        final String name;
        final Path data;
        final int port;

        private Server(String name, Path data, int port) {
            this.name = name;
            this.data = data;
            this.port = port;
        }

        String jdbcUrl() {
            return jdbcUrl("postgres");
        }

        String jdbcUrl(String database) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
        }

        Connection connect() throws SQLException {
            return connect("postgres");
        }

        Connection connect(String database) throws SQLException {
            Properties properties = new Properties();
            properties.setProperty("user", USER);
            properties.setProperty("password", password);
            return DriverManager.getConnection(jdbcUrl(database), properties);
        }

        void start() throws IOException {
            run(List.of(BINARIES.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-s",
                    "-l", root.resolve(name + ".log").toString(), "start"), Map.of());
        }

        /** Like a power cut for the database: no checkpoint, no goodbye to the clients. */
        void kill() throws IOException {
            run(List.of(BINARIES.resolve("pg_ctl").toString(), "-D", data.toString(), "-s", "-m", "immediate",
                    "stop"), Map.of());
        }

        void promote() throws IOException {
            run(List.of(BINARIES.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-s", "promote"),
                    Map.of());
        }

        private boolean running() {
            return Files.exists(data.resolve("postmaster.pid"));
        }
    }

    private PostgresCluster(Path root, String password) {
        this.root = root;
        this.password = password;
    }

    static boolean available() {
        return Files.isExecutable(BINARIES.resolve("initdb"));
    }

    /** initdb and start of a primary whose clients authenticate with a password (SCRAM), as in deploy/. */
    static PostgresCluster startPrimary() throws IOException {
        // Not under a JUnit @TempDir: that is owner-only for root, and the cluster may belong to another user.
        return startPrimary(Path.of("/tmp"));
    }

    /** As {@link #startPrimary()}, in a new directory under parent (a benchmark wants a real disk, not a tmpfs). */
    static PostgresCluster startPrimary(Path parent) throws IOException {
        Path root = Files.createTempDirectory(parent, "intake-pg",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        PostgresCluster cluster = new PostgresCluster(root, HexFormat.of().formatHex(randomBytes()));
        try {
            cluster.handOver(root);
            Path passwordFile = root.resolve("password");
            Files.writeString(passwordFile, cluster.password + "\n", StandardCharsets.UTF_8);
            cluster.handOver(passwordFile);
            Path data = root.resolve("primary");
            cluster.run(List.of(BINARIES.resolve("initdb").toString(), "-D", data.toString(), "-U", USER,
                    "--pwfile=" + passwordFile, "--auth-host=scram-sha-256", "--auth-local=peer", "-E", "UTF8",
                    "--locale=C", "--no-sync"), Map.of());
            Server primary = cluster.add("primary", data);
            Files.writeString(data.resolve("postgresql.auto.conf"), settings(primary.port, root),
                    StandardCharsets.UTF_8);
            primary.start();
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    String password() {
        return password;
    }

    Server primary() {
        return servers.get(0);
    }

    /**
     * Copies the primary with pg_basebackup, starts the copy as a streaming standby named {@code name} (its
     * application_name on the primary) and makes it the primary's synchronous standby: from then on a commit returns
     * only once this standby has the commit (synchronous_commit decides how far: flushed, or applied).
     */
    Server startSynchronousStandby(String name) throws IOException, SQLException {
        Path data = root.resolve(name);
        Server standby = add(name, data);
        run(List.of(BINARIES.resolve("pg_basebackup").toString(), "-h", "127.0.0.1",
                "-p", Integer.toString(primary().port), "-U", USER, "-D", data.toString(), "-R",
                "--wal-method=stream", "--checkpoint=fast", "--no-sync"), Map.of("PGPASSWORD", password));
        // -R wrote standby.signal and primary_conninfo into postgresql.auto.conf; the copy's own port and name follow.
        Files.writeString(data.resolve("postgresql.auto.conf"),
                settings(standby.port, root) + "cluster_name = '" + name + "'\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        standby.start();
        try (Connection connection = primary().connect(); var statement = connection.createStatement()) {
            statement.execute("ALTER SYSTEM SET synchronous_standby_names = '" + name + "'");
            statement.execute("SELECT pg_reload_conf()");
            awaitSynchronous(connection, name);
        }
        return standby;
    }

    /** Waits until the primary reports the standby as synchronous (an event, polled: PostgreSQL has no push). */
    private static void awaitSynchronous(Connection primary, String name) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (var query = primary.prepareStatement(
                "SELECT count(*) FROM pg_stat_replication WHERE application_name = ? AND sync_state = 'sync'")) {
            query.setString(1, name);
            while (System.nanoTime() < deadline) {
                try (var result = query.executeQuery()) {
                    result.next();
                    if (result.getInt(1) == 1) {
                        return;
                    }
                }
                Thread.onSpinWait();
            }
        }
        throw new IllegalStateException("the standby " + name + " did not become synchronous");
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (Server server : servers) {
            if (server.running()) {
                try {
                    server.kill();
                } catch (IOException e) {
                    failure = e;
                }
            }
        }
        DataDirectory.deleteTree(root);
        if (failure != null) {
            throw failure;
        }
    }

    private Server add(String name, Path data) throws IOException {
        Server server = new Server(name, data, freePort());
        servers.add(server);
        return server;
    }

    /**
     * What deploy/ sets for intake: loopback only, commits durable (fsync, synchronous_commit on), nothing that keeps
     * times or statements: no track_commit_timestamp, no statement or connection logging.
     */
    private static String settings(int port, Path socketDirectory) {
        return """
                listen_addresses = '127.0.0.1'
                port = %d
                unix_socket_directories = '%s'
                fsync = on
                synchronous_commit = on
                track_commit_timestamp = off
                log_statement = 'none'
                log_connections = off
                log_disconnections = off
                log_min_duration_statement = -1
                wal_keep_size = 0
                """.formatted(port, socketDirectory);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void handOver(Path path) throws IOException {
        if (isRoot()) {
            var users = path.getFileSystem().getUserPrincipalLookupService();
            Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setOwner(users.lookupPrincipalByName(UNPRIVILEGED));
            Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setGroup(users.lookupPrincipalByGroupName(UNPRIVILEGED));
        }
    }

    private void run(List<String> command, Map<String, String> environment) throws IOException {
        List<String> line = new ArrayList<>();
        if (isRoot()) {
            line.addAll(List.of("setpriv", "--reuid=" + UNPRIVILEGED, "--regid=" + UNPRIVILEGED, "--clear-groups",
                    "--"));
        }
        line.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(line).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("commands.log").toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: "
                        + Files.readString(root.resolve("commands.log")));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
