package org.testimonyintake.store;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testimonyintake.upload.UploadLimits;
import org.testimonyintake.upload.UploadRefused;
import org.testimonyintake.upload.UploadRefused.Reason;
import org.testimonyintake.upload.UploadStore;

/**
 * The partial uploads in the PostgreSQL database of a {@link PostgresSubmissionStore}, so that the chunks of one
 * upload may reach different servers. Each append is one transaction that locks its upload's row, writes the chunk
 * in rows of at most 1 MiB and commits before it is acknowledged (synchronous_commit as for submissions); if the
 * request breaks off, what arrived is committed, as the file engine keeps it.
 *
 * <p>Time: only the date of the last chunk, so an upload counts as abandoned once that date is two days back (idle
 * for one to two days), as the file engine decides after a restart.
 */
public final class PostgresUploadStore implements UploadStore {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresUploadStore.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The lock_timeout of an append: a retry may arrive while another server still holds the upload. */
    private static final String LOCK_WAIT = "5s";
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final PostgresDatabase database;
    private final Jdbi jdbi;
    private final UploadLimits limits;
    private final Clock clock;
    private ScheduledExecutorService cleanup;

    PostgresUploadStore(PostgresDatabase database, UploadLimits limits, Clock clock) {
        this.database = database;
        this.jdbi = database.jdbi();
        this.limits = limits;
        this.clock = clock;
    }

    @Override
    public String create() throws UploadRefused, IOException {
        database.ready();
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        String id = HexFormat.of().formatHex(bits);
        boolean created = inTransaction(handle -> {
            if (handle.createQuery("SELECT count(*) FROM uploads").mapTo(long.class).one() >= limits.maxUploads()) {
                return false;
            }
            handle.execute("INSERT INTO uploads (id, size, last_chunk, claimed) VALUES (?, 0, ?, false)", id,
                    today());
            return true;
        });
        if (!created) {
            throw new UploadRefused(Reason.SERVER_FULL, -1);
        }
        return id;
    }

    @Override
    public long offset(String id) throws UploadRefused, IOException {
        database.ready();
        Optional<Long> size = inTransaction(handle -> handle.createQuery(
                "SELECT size FROM uploads WHERE id = :id AND NOT claimed").bind("id", id).mapTo(long.class).findOne());
        return size.orElseThrow(() -> new UploadRefused(Reason.UNKNOWN_UPLOAD, -1));
    }

    @Override
    public long append(String id, long offset, InputStream chunk) throws UploadRefused, IOException {
        database.ready();
        try (Handle handle = jdbi.open()) {
            handle.begin();
            try {
                long size = lock(handle, id);
                if (offset < 0 || offset > size) {
                    throw new UploadRefused(Reason.WRONG_OFFSET, size);
                }
                if (!UploadStore.skipped(chunk, size - offset)) {
                    return size; // the upload already has all of this chunk
                }
                long total = handle.createQuery("SELECT coalesce(sum(size), 0) FROM uploads").mapTo(long.class).one();
                int number = handle.createQuery("SELECT coalesce(max(number) + 1, 0) FROM upload_chunks "
                        + "WHERE upload_id = :id").bind("id", id).mapTo(int.class).one();
                byte[] buffer = new byte[PostgresDatabase.CHUNK_SIZE];
                int filled = 0;
                IOException brokeOff = null;
                try {
                    for (int n; (n = chunk.read(buffer, filled, buffer.length - filled)) >= 0; ) {
                        if (size == 0 && filled == 0 && n > 0 && !UploadStore.opensPkesk(buffer[0])) {
                            throw new UploadRefused(Reason.NOT_CIPHERTEXT, 0);
                        }
                        if (size + filled + n > limits.maxUploadBytes()) {
                            throw new UploadRefused(Reason.TOO_LARGE, size);
                        }
                        if (total + filled + n > limits.maxTotalBytes()) {
                            throw new UploadRefused(Reason.SERVER_FULL, size);
                        }
                        filled += n;
                        if (filled == buffer.length) {
                            insertChunk(handle, id, number++, buffer, filled);
                            size += filled;
                            total += filled;
                            filled = 0;
                        }
                    }
                } catch (IOException e) {
                    brokeOff = e; // keep what arrived, as the file engine does
                }
                if (filled > 0) {
                    insertChunk(handle, id, number, buffer, filled);
                    size += filled;
                }
                handle.execute("UPDATE uploads SET size = ?, last_chunk = ? WHERE id = ?", size, today(), id);
                handle.commit();
                if (brokeOff != null) {
                    throw brokeOff;
                }
                return size;
            } finally {
                if (handle.isInTransaction()) {
                    handle.rollback(); // a refusal: nothing of this chunk is kept
                }
            }
        } catch (JdbiException e) {
            throw PostgresSubmissionStore.unavailable(e);
        }
    }

    @Override
    public Claimed claim(String id) throws UploadRefused, IOException {
        database.ready();
        long size;
        try (Handle handle = jdbi.open()) {
            handle.begin();
            size = lock(handle, id);
            handle.execute("UPDATE uploads SET claimed = true WHERE id = ?", id);
            handle.commit();
        } catch (JdbiException e) {
            throw PostgresSubmissionStore.unavailable(e);
        }
        return new Claimed() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() {
                return new PostgresDatabase.ChunkInputStream(number -> jdbi.withHandle(handle -> handle
                        .createQuery("SELECT octets FROM upload_chunks WHERE upload_id = :id AND number = :number")
                        .bind("id", id).bind("number", number).mapTo(byte[].class).findOne().orElse(null)));
            }

            @Override
            public void close() throws IOException {
                try {
                    jdbi.useHandle(handle -> handle.execute("DELETE FROM uploads WHERE id = ?", id));
                } catch (JdbiException e) {
                    throw PostgresSubmissionStore.unavailable(e); // left claimed: deleteAbandoned takes it later
                }
            }
        };
    }

    @Override
    public int deleteAbandoned() throws IOException {
        try {
            return inTransaction(handle -> handle.execute("DELETE FROM uploads WHERE last_chunk < ?",
                    today().minusDays(1)));
        } catch (JdbiException e) {
            throw PostgresSubmissionStore.unavailable(e);
        }
    }

    @Override
    public synchronized void scheduleCleanup() {
        if (cleanup == null) {
            cleanup = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "abandoned-upload-cleanup");
                thread.setDaemon(true);
                return thread;
            });
            cleanup.scheduleAtFixedRate(() -> {
                try {
                    deleteAbandoned();
                } catch (IOException e) {
                    LOG.warn("abandoned uploads could not be deleted now ({})", e.getClass().getSimpleName());
                }
            }, 1, 1, TimeUnit.HOURS);
        }
    }

    /** Stops the cleanup; the database is closed with its submission store. */
    @Override
    public synchronized void close() {
        if (cleanup != null) {
            cleanup.shutdownNow();
        }
    }

    /** Locks the upload's row for this transaction; another server appending to it holds it at most LOCK_WAIT. */
    private static long lock(Handle handle, String id) throws UploadRefused {
        handle.execute("SET LOCAL lock_timeout = '" + LOCK_WAIT + "'");
        try {
            return handle.createQuery("SELECT size FROM uploads WHERE id = :id AND NOT claimed FOR UPDATE")
                    .bind("id", id).mapTo(long.class).findOne()
                    .orElseThrow(() -> new UploadRefused(Reason.UNKNOWN_UPLOAD, -1));
        } catch (JdbiException e) {
            if (e.getCause() instanceof java.sql.SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState())) {
                throw new UploadRefused(Reason.BUSY, -1);
            }
            throw e;
        }
    }

    private static void insertChunk(Handle handle, String id, int number, byte[] buffer, int length) {
        handle.execute("INSERT INTO upload_chunks (upload_id, number, octets) VALUES (?, ?, ?)", id, number,
                length == buffer.length ? buffer : Arrays.copyOf(buffer, length));
    }

    private interface Work<T> {
        T in(Handle handle);
    }

    private <T> T inTransaction(Work<T> work) throws StoreUnavailableException {
        try {
            return jdbi.inTransaction(work::in);
        } catch (JdbiException e) {
            throw PostgresSubmissionStore.unavailable(e);
        }
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
