package org.testimonyintake.intake.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.regex.Pattern;
import org.testimonyintake.cli.CliException;
import org.testimonyintake.cli.ExitCode;
import org.testimonyintake.store.CaseStore;
import org.testimonyintake.store.PostgresSubmissionStore;
import org.testimonyintake.store.SubmissionStore;
import picocli.CommandLine.Option;

/**
 * Which store engine, on the command line: {@code --store sqlite:DIR} (the default: the data directory) or
 * {@code --store postgresql://HOST:PORT[,HOST:PORT]/DATABASE?user=NAME} with the password in
 * {@code --store-password-file}, never on the command line, where every user of the machine can read it.
 */
final class StoreOptions {
    private static final String SQLITE = "sqlite:";
    private static final String POSTGRESQL = "postgresql://";
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(^|&)password=", Pattern.CASE_INSENSITIVE);
    /** Connections of a server by default: group commits, large uploads and exports share them. */
    private static final int SERVER_CONNECTIONS = 16;

    @Option(names = "--store", paramLabel = "LOCATION",
            description = "Where submissions are kept: sqlite:DIR (default: the data directory) or "
                    + "postgresql://HOST:PORT/DATABASE?user=NAME; list the primary and its standby as "
                    + "HOST:PORT,HOST:PORT with &targetServerType=primary to follow a failover.")
    String location;

    @Option(names = "--store-pool-size", paramLabel = "N", defaultValue = "" + SERVER_CONNECTIONS,
            description = "A server's PostgreSQL connections (default: ${DEFAULT-VALUE}): how many large submissions "
                    + "and uploads it receives at once; every server's count together must stay under the "
                    + "database's max_connections.")
    int poolSize;

    @Option(names = "--store-password-file", paramLabel = "FILE",
            description = "The PostgreSQL password, alone in a file only the server's user can read.")
    Path passwordFile;

    /** The SQLite data directory this names, or null for PostgreSQL. */
    Path sqliteDirectory(Path dataDirectory) throws CliException {
        if (location == null) {
            return dataDirectory;
        }
        if (location.startsWith(SQLITE)) {
            if (passwordFile != null) {
                throw new CliException(ExitCode.USAGE, "--store-password-file is for a postgresql:// store");
            }
            return Path.of(location.substring(SQLITE.length()));
        }
        if (location.startsWith(POSTGRESQL)) {
            return null;
        }
        throw new CliException(ExitCode.USAGE, "--store must be sqlite:DIR or postgresql://HOST:PORT/DATABASE?user=NAME");
    }

    /** Opens the store; a PostgreSQL store opens even while the database is down, and serves once it is back. */
    SubmissionStore open(Path dataDirectory, boolean forExport) throws CliException {
        Path sqlite = sqliteDirectory(dataDirectory);
        if (sqlite != null) {
            return forExport ? RunningServer.openStoreForExport(sqlite) : RunningServer.openStore(sqlite);
        }
        if (poolSize < 2) {
            throw new CliException(ExitCode.USAGE, "--store-pool-size must be at least 2",
                    "group commits hold one connection while a large submission holds another");
        }
        String jdbcUrl = "jdbc:" + checkedUrl();
        String password = password();
        try {
            return forExport ? PostgresSubmissionStore.openForExport(jdbcUrl, null, password)
                    : PostgresSubmissionStore.open(jdbcUrl, null, password, poolSize);
        } catch (IOException e) {
            throw new CliException(ExitCode.FILE, "cannot use the database: " + e.getMessage(),
                    "see deploy/postgresql/README.md for the settings intake needs");
        }
    }

    /** Returning sources' cases (FORMAT.md section 10) in the store, which must stay open while they are used. */
    CaseStore cases(SubmissionStore store, Path dataDirectory) throws CliException, IOException {
        return store instanceof PostgresSubmissionStore shared ? shared.cases()
                : CaseStore.open(sqliteDirectory(dataDirectory), Clock.systemUTC());
    }

    private String checkedUrl() throws CliException {
        String query;
        try {
            query = new URI(location.replace(",", "%2C")).getRawQuery(); // several hosts are not one URI authority
        } catch (URISyntaxException e) {
            throw new CliException(ExitCode.USAGE, "--store is not a postgresql:// URL");
        }
        if (query != null && PASSWORD_PARAMETER.matcher(query).find()) {
            throw new CliException(ExitCode.USAGE, "--store must not carry the password",
                    "put it alone in a file readable only by the server's user and name it with "
                            + "--store-password-file");
        }
        if (query == null || !query.matches("(.*&)?user=[^&]+.*")) {
            throw new CliException(ExitCode.USAGE, "--store needs the database user: ?user=NAME");
        }
        return location;
    }

    private String password() throws CliException {
        if (passwordFile == null) {
            throw new CliException(ExitCode.USAGE, "a postgresql:// store needs --store-password-file FILE");
        }
        try {
            if (Files.getPosixFilePermissions(passwordFile).contains(PosixFilePermission.OTHERS_READ)) {
                throw new CliException(ExitCode.FILE, "every user can read the password file " + passwordFile,
                        "chmod o-r " + passwordFile);
            }
            return Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.FILE, "the password file " + passwordFile + " does not exist");
        } catch (AccessDeniedException e) {
            throw new CliException(ExitCode.FILE, "cannot read the password file " + passwordFile,
                    "the server's user must be able to read it");
        } catch (IOException e) {
            throw new CliException(ExitCode.FILE, "cannot read the password file " + passwordFile);
        }
    }
}
