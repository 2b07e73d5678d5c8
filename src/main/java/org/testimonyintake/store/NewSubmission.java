package org.testimonyintake.store;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A submission being received: its parts become stored only on {@link #commit}. Closing it without a commit deletes
 * everything of it. One request uses it, from one thread.
 */
public interface NewSubmission extends AutoCloseable {
    /** 128 random bits (SecureRandom) as 32 lower-case hex digits: the submission's only name. */
    String id();

    /**
     * Opens a part for its ciphertext. The part is complete once the caller closed the stream.
     *
     * @param name a part name of FORMAT.md section 6 ({@link org.testimonyintake.format.PartName})
     * @throws IllegalArgumentException for any other name
     * @throws IllegalStateException if the part was already created, or the submission is committed or closed
     */
    OutputStream createPart(String name) throws IOException;

    /**
     * Stores the submission. When this returns, it is durable and listed by {@link SubmissionStore#pending}. When it
     * throws an IOException, the store decides when it next opens whether it was stored.
     *
     * @param encryptedBy {@code browser} or {@code server} (FORMAT.md section 4)
     * @param subkeyKeyId key ID of the office subkey the testimony document was encrypted to, 16 upper-case hex digits
     * @throws IllegalStateException without a complete testimony part, with a part still open, or not receiving
     */
    void commit(String encryptedBy, String subkeyKeyId) throws IOException;

    /**
     * Without a commit: deletes everything of the submission. After a commit, or one whose outcome is unknown (the
     * store decides that when it next opens), it does nothing.
     */
    @Override
    void close();
}
