package org.testimonyintake.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.testimonyintake.format.BundleManifest;
import org.slf4j.LoggerFactory;

/**
 * The default store: ciphertext files and an SQLite database of the fields of FORMAT.md section 6, in one data
 * directory that one server process has open at a time; an export ({@link #openForExport}) may run beside it, so
 * that exporting never takes the site offline and never cuts a source's upload.
 *
 * <p>Durability: a part is written to a temporary name, synced and renamed. A commit syncs the submission's directory
 * and incoming/, inserts the rows in one transaction (the commit point; concurrent commits share it), then renames
 * incoming/&lt;id&gt; to submissions/&lt;id&gt; and syncs both. {@link #open} finishes or removes whatever a crash
 * interrupted, deciding by the rows alone.
 */
public final class SqliteSubmissionStore implements SubmissionStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteSubmissionStore.class);

    private final DataDirectory dataDirectory;
    private final Clock clock;
    private final FileChannel lockFile;
    private final Database database;
    private final DatabaseWorker worker;
    private final boolean exportOnly;
    private volatile boolean closed;

    /** Byte ranges of the lock file: one server at a time, and one export at a time beside it. */
    private static final long SERVER_LOCK = 0;
    private static final long EXPORT_LOCK = 1;

    private SqliteSubmissionStore(DataDirectory dataDirectory, Clock clock, FileChannel lockFile,
            Database database, boolean exportOnly) {
        this.exportOnly = exportOnly;
        this.dataDirectory = dataDirectory;
        this.clock = clock;
        this.lockFile = lockFile;
        this.database = database;
        this.worker = new DatabaseWorker(database, dataDirectory, clock);
    }

    /**
     * Opens the store, creating the data directory (mode 0700) if missing, and cleans up after a crash: a submission
     * without its row is deleted, a committed one still in incoming/ is moved into place.
     *
     * @throws IOException also if another process has the store open
     */
    public static SqliteSubmissionStore open(Path dataDirectory) throws IOException {
        return open(dataDirectory, Clock.systemUTC());
    }

    static SqliteSubmissionStore open(Path dataDirectory, Clock clock) throws IOException {
        return open(dataDirectory, clock, false);
    }

    /**
     * Opens the store only to export, beside a running server or without one. It changes nothing a server relies
     * on: no clean-up (the server's next start does that), and a submission whose commit is still under way, its row
     * written but its files not yet in place, is left for the next export.
     *
     * @throws IOException also if another export has the store open
     */
    public static SqliteSubmissionStore openForExport(Path dataDirectory) throws IOException {
        return open(dataDirectory, Clock.systemUTC(), true);
    }

    private static SqliteSubmissionStore open(Path dataDirectory, Clock clock, boolean exportOnly) throws IOException {
        DataDirectory layout = DataDirectory.prepare(dataDirectory);
        FileChannel lockFile = layout.openLockFile();
        try {
            lock(lockFile, exportOnly ? EXPORT_LOCK : SERVER_LOCK);
            Database database = openDatabase(layout);
            try {
                SqliteSubmissionStore store = new SqliteSubmissionStore(layout, clock, lockFile, database, exportOnly);
                if (!exportOnly) {
                    store.reconcile();
                }
                return store;
            } catch (IOException | RuntimeException e) {
                database.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            lockFile.close();
            throw e;
        }
    }

    @Override
    public NewSubmission begin() throws IOException {
        requireOpen();
        if (exportOnly) {
            throw new IllegalStateException("a store opened for export takes no submissions");
        }
        String id = SubmissionFields.newId();
        Path directory;
        try {
            directory = dataDirectory.createIncoming(id);
        } catch (IOException e) {
            throw StoreFullException.ifFull(e, dataDirectory.incoming(id).getParent());
        }
        return new IncomingSubmission(this, id, today(), directory);
    }

    @Override
    public List<StoredSubmission> pending() {
        return worker.call(Database::submissions);
    }

    @Override
    public synchronized int exportBundle(Path bundleFile, boolean deleteExported,
                                         List<BundleManifest.ForgottenCase> forgotten) throws IOException {
        requireOpen();
        List<StoredSubmission> exported = new java.util.ArrayList<>();
        for (StoredSubmission submission : pending()) {
            // Not in place yet: a running server is between its commit and the rename. A damaged one fails below.
            if (Files.isDirectory(dataDirectory.submission(submission.id()), LinkOption.NOFOLLOW_LINKS)) {
                exported.add(submission);
            }
        }
        BundleWriter.write(bundleFile, today(), exported, forgotten,
                (id, part) -> Files.newInputStream(dataDirectory.submission(id).resolve(part.name())));
        if (deleteExported && !exported.isEmpty()) {
            List<String> ids = exported.stream().map(StoredSubmission::id).toList();
            // Rows first: a directory that a crash leaves without its row is deleted by the next open().
            worker.call(database -> database.delete(ids));
            for (String id : ids) {
                DataDirectory.deleteTree(dataDirectory.submission(id));
            }
            stampLayout();
        }
        return exported.size();
    }

    /** Waits for commits under way, then closes. Submissions never committed are deleted by the next open(). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        worker.close();
        database.close();
        try {
            stampLayout();
            lockFile.close();
        } catch (IOException e) {
            LOG.warn("the store did not close cleanly ({})", e.getClass().getSimpleName());
        }
    }

    void commit(StoredSubmission submission) throws IOException {
        worker.commit(submission);
    }

    void stampLayout() throws IOException {
        dataDirectory.stampLayout(today());
    }

    /** The database connection of this store, for checks of its settings. */
    Database database() {
        return database;
    }

    private static void lock(FileChannel lockFile, long range) throws IOException {
        FileLock lock;
        try {
            lock = lockFile.tryLock(range, 1, false);
        } catch (OverlappingFileLockException heldInThisProcess) {
            lock = null;
        }
        if (lock == null) {
            throw new IOException(range == SERVER_LOCK ? "another process has the submission store open"
                    : "another export is under way");
        }
    }

    private static Database openDatabase(DataDirectory layout) throws IOException {
        try {
            return Database.open(layout.database());
        } catch (JdbiException e) {
            throw new IOException("the database cannot be opened", e);
        }
    }

    /** Runs before any submission arrives; the rows decide. */
    private void reconcile() throws IOException {
        List<StoredSubmission> stored = database.submissions();
        Set<String> committed = stored.stream().map(StoredSubmission::id).collect(Collectors.toSet());
        for (String id : dataDirectory.incomingIds()) {
            if (committed.contains(id)) {
                dataDirectory.moveIntoPlace(id); // the crash came between its row and the rename
            } else {
                DataDirectory.deleteTree(dataDirectory.incoming(id)); // never acknowledged
            }
        }
        for (String id : dataDirectory.submissionIds()) {
            if (!committed.contains(id)) {
                DataDirectory.deleteTree(dataDirectory.submission(id)); // exported, row already deleted
            }
        }
        dataDirectory.syncMoves();
        for (StoredSubmission submission : stored) {
            if (hasAllFiles(submission)) {
                stampFiles(submission); // a crash may have kept a modification time from reaching the disk
            } else {
                // A bug or tampering, never a crash: keep the row so that someone looks.
                LOG.warn("submission {} is missing ciphertext files; its row is kept", submission.id());
            }
        }
        stampLayout();
    }

    private boolean hasAllFiles(StoredSubmission submission) throws IOException {
        Path directory = dataDirectory.submission(submission.id());
        for (Part part : submission.parts()) {
            Path file = directory.resolve(part.name());
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != part.size()) {
                return false;
            }
        }
        return true;
    }

    private void stampFiles(StoredSubmission submission) throws IOException {
        Path directory = dataDirectory.submission(submission.id());
        for (Part part : submission.parts()) {
            DataDirectory.stamp(directory.resolve(part.name()), submission.received());
        }
        DataDirectory.stamp(directory, submission.received());
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
    }
}
