package org.testimonyintake.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The layout of the data directory and the file operations the store's durability rests on.
 *
 * <pre>
 * intake.db, intake.db-wal, intake.db-shm   the database (SQLite names the last two)
 * intake.lock                               held while one process has the store open
 * incoming/&lt;id&gt;/&lt;part&gt;                      a submission being received, or committed and not yet moved
 * submissions/&lt;id&gt;/&lt;part&gt;                   a committed submission
 * </pre>
 *
 * Everything is owner-only. Modification times are set to a date at 00:00 UTC. Timestamps this cannot control: every
 * file's change time (ctime), which the kernel sets on any change, setting the modification time included; access
 * times unless the file system is mounted noatime; and, while the store is open, the modification times of the
 * database and its -wal and -shm files, which SQLite changes with every write. Deploy on an encrypted volume.
 */
final class DataDirectory {
    static final String DATABASE = "intake.db";
    static final String LOCK = "intake.lock";
    static final String INCOMING = "incoming";
    static final String SUBMISSIONS = "submissions";
    /** Suffix of a part while it is written; a crash can leave one only in an incoming directory without a row. */
    static final String PARTIAL_SUFFIX = ".partial";

    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path root;
    private final Path incoming;
    private final Path submissions;

    private DataDirectory(Path root) {
        this.root = root;
        this.incoming = root.resolve(INCOMING);
        this.submissions = root.resolve(SUBMISSIONS);
    }

    /** Creates the directories that are missing and makes all of them owner-only, should someone have loosened them. */
    static DataDirectory prepare(Path root) throws IOException {
        DataDirectory layout = new DataDirectory(root.toAbsolutePath());
        for (Path directory : List.of(layout.root, layout.incoming, layout.submissions)) {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            }
            Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
        }
        return layout;
    }

    Path root() {
        return root;
    }

    /** The database file, created empty and owner-only if missing: SQLite gives its -wal and -shm files its mode. */
    Path database() throws IOException {
        Path database = root.resolve(DATABASE);
        if (Files.notExists(database, LinkOption.NOFOLLOW_LINKS)) {
            createOwnerOnlyFile(database).close();
        }
        Files.setPosixFilePermissions(database, OWNER_ONLY_FILE);
        return database;
    }

    /** Opens the lock file; the caller locks it. */
    FileChannel openLockFile() throws IOException {
        Path lock = root.resolve(LOCK);
        if (Files.notExists(lock, LinkOption.NOFOLLOW_LINKS)) {
            createOwnerOnlyFile(lock).close();
        }
        return FileChannel.open(lock, StandardOpenOption.WRITE);
    }

    Path incoming(String id) {
        return incoming.resolve(id);
    }

    Path submission(String id) {
        return submissions.resolve(id);
    }

    Path createIncoming(String id) throws IOException {
        return Files.createDirectory(incoming(id), PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
    }

    /** Ids of the directories in incoming/; other names are not the store's and are left alone. */
    List<String> incomingIds() throws IOException {
        return ids(incoming);
    }

    List<String> submissionIds() throws IOException {
        return ids(submissions);
    }

    /** Makes the incoming/&lt;id&gt; entries durable, so that a committed row always finds its directory. */
    void syncIncoming() throws IOException {
        syncDirectory(incoming);
    }

    /** Renames incoming/&lt;id&gt; to submissions/&lt;id&gt;; {@link #syncMoves} makes it durable. */
    void moveIntoPlace(String id) throws IOException {
        Files.move(incoming(id), submission(id), StandardCopyOption.ATOMIC_MOVE);
    }

    void syncMoves() throws IOException {
        syncDirectory(submissions);
        syncDirectory(incoming);
    }

    /** Sets the directories' and the root files' modification times to the date; see the class comment for why. */
    void stampLayout(LocalDate date) throws IOException {
        for (Path path : List.of(root.resolve(DATABASE), root.resolve(LOCK), incoming, submissions, root)) {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                stamp(path, date);
            }
        }
    }

    static FileChannel createOwnerOnlyFile(Path file) throws IOException {
        return Files.getFileStore(file.getParent()).supportsFileAttributeView(PosixFileAttributeView.class)
                ? FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                // A bundle may go straight to a FAT-formatted drive, which has no permissions to set.
                : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** fsync of a directory: makes the creation, renaming and removal of its entries durable (Linux). */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Sets the modification time to the date at 00:00 UTC: the server keeps no time finer than a date. */
    static void stamp(Path path, LocalDate date) throws IOException {
        Files.setLastModifiedTime(path, FileTime.from(date.atStartOfDay(ZoneOffset.UTC).toInstant()));
    }

    /** Deletes a directory and everything in it; a tree that is already gone is fine. */
    static void deleteTree(Path directory) throws IOException {
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path visited, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    Files.delete(visited);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException alreadyGone) {
            // nothing left to delete
        }
    }

    private static List<String> ids(Path directory) throws IOException {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(directory)) {
            entries.map(entry -> entry.getFileName().toString()).filter(SubmissionFields::isId).forEach(ids::add);
        }
        return ids;
    }
}
