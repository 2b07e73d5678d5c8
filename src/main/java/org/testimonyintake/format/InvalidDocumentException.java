package org.testimonyintake.format;

/**
 * A testimony document that cannot be read. The message says why in a few words for the person at the keyboard; it
 * never quotes the document, so it is safe to show and to log.
 */
public class InvalidDocumentException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidDocumentException(String message) {
        super(message);
    }

    static void require(boolean condition, String message) throws InvalidDocumentException {
        if (!condition) {
            throw new InvalidDocumentException(message);
        }
    }
}
