package org.testimonyintake.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.testimonyintake.format.BundleManifest;

/**
 * Where the intake server keeps submissions: ciphertext parts and the fields of FORMAT.md section 6, nothing more.
 * Every engine keeps the same promises: a submission is stored whole when {@link NewSubmission#commit} returns and
 * not at all otherwise (also across a crash), nothing of it is plaintext, no time finer than its date is kept, and
 * {@link #exportBundle} writes the same bundle of FORMAT.md section 8.
 */
public interface SubmissionStore extends AutoCloseable {
    /** The default engine, {@link SqliteSubmissionStore}, in a data directory; see there for what opening does. */
    static SubmissionStore open(Path dataDirectory) throws IOException {
        return SqliteSubmissionStore.open(dataDirectory);
    }

    /** The default engine opened only to export, beside a running server or without one. */
    static SubmissionStore openForExport(Path dataDirectory) throws IOException {
        return SqliteSubmissionStore.openForExport(dataDirectory);
    }

    /** Starts receiving a submission under a new random id, dated today (UTC). */
    NewSubmission begin() throws IOException;

    /** The committed submissions not yet exported with deletion: oldest date first, in id order within a date. */
    List<StoredSubmission> pending() throws IOException;

    /**
     * Writes every pending submission into a new bundle file (FORMAT.md section 8), which appears only complete and
     * durable. With {@code deleteExported}, the exported submissions are then deleted; otherwise they stay pending and
     * the next export has them again. Submissions committed meanwhile are neither exported nor deleted.
     *
     * @return how many submissions the bundle holds
     * @throws java.nio.file.FileAlreadyExistsException if the bundle file exists
     */
    default int exportBundle(Path bundleFile, boolean deleteExported) throws IOException {
        return exportBundle(bundleFile, deleteExported, List.of());
    }

    /** The same, the bundle also listing returning sources' cases the server forgot (FORMAT.md section 8). */
    int exportBundle(Path bundleFile, boolean deleteExported, List<BundleManifest.ForgottenCase> forgotten)
            throws IOException;

    /** Waits for commits under way, then closes. Submissions never committed are not kept. */
    @Override
    void close();
}
