package org.testimonyintake.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The partial uploads of browser ciphertext (FORMAT.md section 7.1): each grows chunk by chunk under a random id
 * until the submission claims it. {@link FileUploadStore} keeps them in one server's directory; with several servers,
 * the PostgreSQL store keeps them in the database, so that the chunks of one upload may reach different servers.
 * Only dates are kept, never a finer time.
 */
public interface UploadStore extends AutoCloseable {
    Duration ABANDONED_AFTER = Duration.ofDays(1);

    /** The default: the uploads of one server in a directory; see {@link FileUploadStore#open}. */
    static UploadStore open(Path directory, UploadLimits limits) throws IOException {
        return FileUploadStore.open(directory, limits);
    }

    /** Starts a new, empty upload; returns its id, 32 lower-case hex digits. */
    String create() throws UploadRefused, IOException;

    /** The acknowledged offset: every octet before it is durable, and the sender resumes from it. */
    long offset(String id) throws UploadRefused, IOException;

    /**
     * Appends a chunk that starts at {@code offset}. A chunk the upload already has, wholly or in part, is skipped
     * as far as it overlaps, so a sender may repeat a chunk it got no answer for. If the chunk breaks off, what
     * arrived of it is kept: the sender asks for the offset and resumes.
     *
     * @return the acknowledged offset after the chunk
     * @throws IOException when reading the chunk fails (the request broke off) or the storage fails
     */
    long append(String id, long offset, InputStream chunk) throws UploadRefused, IOException;

    /**
     * Takes an upload out of the store to read it whole; no chunk can be added afterwards. Closing the result deletes
     * it, whatever became of its content.
     */
    Claimed claim(String id) throws UploadRefused, IOException;

    /** Deletes the uploads that received no chunk for {@link #ABANDONED_AFTER} or longer; returns how many. */
    int deleteAbandoned() throws IOException;

    /** Runs {@link #deleteAbandoned} every hour on a daemon thread until {@link #close}. */
    void scheduleCleanup();

    /** Stops the cleanup; partial uploads stay for the next start. */
    @Override
    void close();

    /** A whole upload, taken out of the store. */
    interface Claimed extends AutoCloseable {
        long size();

        InputStream open() throws IOException;

        /** Deletes the upload. */
        @Override
        void close() throws IOException;
    }

    /** RFC 9580 section 4.2: a PKESK (tag 1) header is 0xC1 in the OpenPGP format, 0x84 to 0x87 in the legacy one. */
    static boolean opensPkesk(byte first) {
        int octet = first & 0xff;
        return octet == 0xC1 || (octet & 0xFC) == 0x84;
    }

    /** Skips what an upload already has of a repeated chunk; false if the chunk ends within it. */
    static boolean skipped(InputStream chunk, long overlap) throws IOException {
        for (long left = overlap; left > 0; ) {
            long n = chunk.skip(left);
            if (n <= 0) {
                if (chunk.read() < 0) {
                    return false;
                }
                n = 1;
            }
            left -= n;
        }
        return true;
    }
}
