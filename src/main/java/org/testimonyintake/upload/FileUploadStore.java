package org.testimonyintake.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testimonyintake.upload.UploadRefused.Reason;

/**
 * The partial uploads of one server, in one directory, each an owner-only file named by its id that only grows.
 *
 * <p>Time: the only time on disk is a date. Each file's modification time is set to the date of its last chunk at
 * 00:00 UTC, and the directory's to the date of its last change; the exact time of the last chunk is kept in memory
 * only. An upload idle for {@link #ABANDONED_AFTER} is deleted by {@link #deleteAbandoned}. After a restart the memory
 * is gone: a file dated two or more days back was idle for more than a day and is deleted; any other gets a full day
 * again from the restart, and its date at 00:00 if a crash in the middle of a chunk left it the time of that write.
 */
public final class FileUploadStore implements UploadStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileUploadStore.class);
    private static final Duration CLEANUP_INTERVAL = Duration.ofHours(1);
    /** A retry may arrive while the server still waits on the request the sender gave up on; it is told to retry. */
    private static final long LOCK_WAIT_MILLIS = 5_000;
    private static final int BUFFER_SIZE = 64 * 1024;
    /**
     * Java has no exception type for ENOSPC: a write that fails while less than this is left on the file system
     * failed for lack of space.
     */
    private static final long NEARLY_FULL_BYTES = 1 << 20;
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final UploadLimits limits;
    private final Clock clock;
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final AtomicLong totalBytes = new AtomicLong();
    private ScheduledExecutorService cleanup;

    private static final class Upload {
        final Path file;
        final ReentrantLock lock = new ReentrantLock();
        volatile long size;
        volatile Instant lastChunk;

        Upload(Path file, long size, Instant lastChunk) {
            this.file = file;
            this.size = size;
            this.lastChunk = lastChunk;
        }
    }

    private FileUploadStore(Path directory, UploadLimits limits, Clock clock) {
        this.directory = directory;
        this.limits = limits;
        this.clock = clock;
    }

    /** Opens the directory (created owner-only if missing), deleting what was abandoned while the server was down. */
    public static FileUploadStore open(Path directory, UploadLimits limits) throws IOException {
        return open(directory, limits, Clock.systemUTC());
    }

    static FileUploadStore open(Path directory, UploadLimits limits, Clock clock) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        }
        Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
        FileUploadStore store = new FileUploadStore(directory, limits, clock);
        store.adoptExisting();
        return store;
    }

    /** Starts a new, empty upload. */
    @Override
    public String create() throws UploadRefused, IOException {
        if (uploads.size() >= limits.maxUploads()) {
            throw new UploadRefused(Reason.SERVER_FULL, -1);
        }
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        String id = HexFormat.of().formatHex(bits);
        Path file = directory.resolve(id);
        Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)).close();
        stamp(file);
        stamp(directory);
        uploads.put(id, new Upload(file, 0, clock.instant()));
        return id;
    }

    /** The acknowledged offset: every octet before it is on disk, and the sender resumes from it. */
    @Override
    public long offset(String id) throws UploadRefused {
        return find(id).size;
    }

    /**
     * Appends a chunk that starts at {@code offset}. A chunk the upload already has, wholly or in part, is skipped
     * as far as it overlaps, so a sender may repeat a chunk it got no answer for. If the chunk breaks off, what
     * arrived of it is kept: the sender asks for the offset and resumes.
     *
     * @return the acknowledged offset after the chunk
     * @throws IOException when reading the chunk fails (the request broke off) or the disk fails
     */
    @Override
    public long append(String id, long offset, InputStream chunk) throws UploadRefused, IOException {
        Upload upload = lock(id);
        try {
            long size = upload.size;
            if (offset < 0 || offset > size) {
                throw new UploadRefused(Reason.WRONG_OFFSET, size);
            }
            if (!UploadStore.skipped(chunk, size - offset)) {
                return size; // the upload already has all of this chunk
            }
            try (FileChannel channel = FileChannel.open(upload.file, StandardOpenOption.WRITE)) {
                channel.position(size);
                try {
                    byte[] buffer = new byte[BUFFER_SIZE];
                    for (int n; (n = chunk.read(buffer)) >= 0; ) {
                        if (size == 0 && n > 0 && !UploadStore.opensPkesk(buffer[0])) {
                            throw new UploadRefused(Reason.NOT_CIPHERTEXT, 0);
                        }
                        if (size + n > limits.maxUploadBytes()) {
                            throw new UploadRefused(Reason.TOO_LARGE, size);
                        }
                        reserve(n, size);
                        write(channel, ByteBuffer.wrap(buffer, 0, n), size);
                        size += n;
                        upload.size = size;
                    }
                } finally {
                    channel.force(false); // what is acknowledged must survive a crash
                    stamp(upload.file);
                    upload.lastChunk = clock.instant();
                }
            }
            return size;
        } finally {
            upload.lock.unlock();
        }
    }

    /**
     * Writes one buffer at the end of the upload. If the disk fails, what was written of it is cut off again (the file
     * holds exactly the acknowledged octets) and its reservation given back; a full disk refuses the chunk as
     * {@link Reason#SERVER_FULL}, and the sender resumes once space is freed.
     */
    private void write(FileChannel channel, ByteBuffer octets, long size) throws UploadRefused, IOException {
        try {
            while (octets.hasRemaining()) {
                channel.write(octets);
            }
        } catch (IOException e) {
            totalBytes.addAndGet(-octets.limit());
            channel.truncate(size);
            if (Files.getFileStore(directory).getUsableSpace() < NEARLY_FULL_BYTES) {
                throw new UploadRefused(Reason.SERVER_FULL, size);
            }
            throw e;
        }
    }

    /**
     * Takes an upload out of the store to read it whole; no chunk can be added afterwards. Closing the result deletes
     * the file, whatever became of its content.
     */
    @Override
    public Claimed claim(String id) throws UploadRefused {
        Upload upload = lock(id);
        try {
            uploads.remove(id);
            return new ClaimedFile(upload.file, upload.size);
        } finally {
            upload.lock.unlock();
        }
    }

    /** A whole upload, taken out of the directory. */
    private final class ClaimedFile implements Claimed {
        private final Path file;
        private final long size;

        private ClaimedFile(Path file, long size) {
            this.file = file;
            this.size = size;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public void close() throws IOException {
            try {
                Files.deleteIfExists(file);
                stamp(directory);
            } finally {
                totalBytes.addAndGet(-size);
            }
        }
    }

    /** Deletes every upload that received no chunk for {@link #ABANDONED_AFTER}; returns how many. */
    @Override
    public int deleteAbandoned() {
        Instant cutoff = clock.instant().minus(ABANDONED_AFTER);
        int deleted = 0;
        for (Map.Entry<String, Upload> entry : uploads.entrySet()) {
            Upload upload = entry.getValue();
            if (upload.lastChunk.isAfter(cutoff) || !upload.lock.tryLock()) {
                continue;
            }
            try {
                if (uploads.remove(entry.getKey(), upload)) {
                    Files.deleteIfExists(upload.file);
                    totalBytes.addAndGet(-upload.size);
                    deleted++;
                }
            } catch (IOException e) {
                LOG.warn("an abandoned upload could not be deleted ({})", e.getClass().getSimpleName());
            } finally {
                upload.lock.unlock();
            }
        }
        if (deleted > 0) {
            try {
                stamp(directory);
            } catch (IOException e) {
                LOG.warn("the uploads directory could not be dated ({})", e.getClass().getSimpleName());
            }
        }
        return deleted;
    }

    /** Runs {@link #deleteAbandoned} every hour on a daemon thread until {@link #close}. */
    @Override
    public synchronized void scheduleCleanup() {
        if (cleanup == null) {
            cleanup = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "abandoned-upload-cleanup");
                thread.setDaemon(true);
                return thread;
            });
            long every = CLEANUP_INTERVAL.toMillis();
            cleanup.scheduleAtFixedRate(this::deleteAbandoned, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the cleanup; partial uploads stay on disk for the next start. */
    @Override
    public synchronized void close() {
        if (cleanup != null) {
            cleanup.shutdownNow();
        }
    }

    private Upload find(String id) throws UploadRefused {
        Upload upload = id == null ? null : uploads.get(id);
        if (upload == null) {
            throw new UploadRefused(Reason.UNKNOWN_UPLOAD, -1);
        }
        return upload;
    }

    private Upload lock(String id) throws UploadRefused {
        Upload upload = find(id);
        try {
            if (!upload.lock.tryLock(LOCK_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new UploadRefused(Reason.BUSY, upload.size);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UploadRefused(Reason.BUSY, upload.size);
        }
        if (uploads.get(id) != upload) { // claimed or deleted while we waited
            upload.lock.unlock();
            throw new UploadRefused(Reason.UNKNOWN_UPLOAD, -1);
        }
        return upload;
    }

    private void reserve(long bytes, long offset) throws UploadRefused {
        if (totalBytes.addAndGet(bytes) > limits.maxTotalBytes()) {
            totalBytes.addAndGet(-bytes);
            throw new UploadRefused(Reason.SERVER_FULL, offset);
        }
    }

    private void adoptExisting() throws IOException {
        LocalDate stillFresh = today().minusDays(1);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!ID.matcher(name).matches() || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue; // not ours
                }
                LocalDate lastChunk = LocalDate.ofInstant(Files.getLastModifiedTime(file).toInstant(), ZoneOffset.UTC);
                if (lastChunk.isBefore(stillFresh)) {
                    delete(file);
                } else {
                    // A process killed while it wrote a chunk never stamped the file: it holds the time of that write.
                    stamp(file, lastChunk);
                    long size = Files.size(file);
                    totalBytes.addAndGet(size);
                    uploads.put(name, new Upload(file, size, clock.instant()));
                }
            }
        }
        stamp(directory);
    }

    private static void delete(Path file) throws IOException {
        try {
            Files.delete(file);
        } catch (NoSuchFileException alreadyGone) {
            // nothing to do
        }
    }

    /** The modification time becomes today's date at 00:00 UTC: no time finer than a date is stored. */
    private void stamp(Path file) throws IOException {
        stamp(file, today());
    }

    private static void stamp(Path file, LocalDate date) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(date.atStartOfDay(ZoneOffset.UTC).toInstant()));
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
