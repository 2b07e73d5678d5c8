package org.testimonyintake.store;

import java.time.LocalDate;
import java.util.List;

/**
 * A committed submission as FORMAT.md section 6 allows the server to know it: nothing more. Parts are in bundle
 * order: the testimony document first, then the attachments by number.
 */
public record StoredSubmission(String id, LocalDate received, String encryptedBy, String subkey, List<Part> parts) {
    public StoredSubmission {
        parts = List.copyOf(parts);
    }
}
