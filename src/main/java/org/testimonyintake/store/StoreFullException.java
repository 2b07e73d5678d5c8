package org.testimonyintake.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;

/**
 * The file system of the data directory is full: nothing of the submission was stored, nothing of it is left behind,
 * and the store takes submissions again by itself once space is freed.
 */
public final class StoreFullException extends IOException {
    private static final long serialVersionUID = 1L;
    /**
     * Java has no exception type for ENOSPC (and its message follows the system's language): a write that fails while
     * less than this is left on its file system failed for lack of space.
     */
    private static final long NEARLY_FULL_BYTES = 1 << 20;

    StoreFullException(Throwable cause) {
        super("the file system of the data directory is full", cause);
    }

    /** The failure of a write under {@code where}, as a StoreFullException if that file system is (nearly) full. */
    static IOException ifFull(IOException failure, Path where) {
        if (failure instanceof StoreFullException) {
            return failure;
        }
        try {
            return Files.getFileStore(where).getUsableSpace() < NEARLY_FULL_BYTES ? new StoreFullException(failure)
                    : failure;
        } catch (IOException e) {
            failure.addSuppressed(e);
            return failure;
        }
    }

    /** True if SQLite gave up for lack of space (SQLITE_FULL): the statement or transaction wrote nothing. */
    static boolean isSqliteFull(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql
                    && (sql.getErrorCode() & 0xFF) == SQLiteErrorCode.SQLITE_FULL.code) {
                return true;
            }
        }
        return false;
    }

    /** True if the failure, or one of its causes, is a full store. */
    public static boolean isCauseOf(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof StoreFullException) {
                return true;
            }
        }
        return false;
    }
}
