package org.testimonyintake.store;

import java.io.IOException;

/**
 * The store cannot be reached now (its database is down, failing over, or refusing): nothing was stored, or the
 * outcome of a commit is unknown and the submission is not acknowledged. The site answers 503 and recovers by itself.
 */
public final class StoreUnavailableException extends IOException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
