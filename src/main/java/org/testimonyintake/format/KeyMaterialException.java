package org.testimonyintake.format;

/** Key material that cannot be used for what it was given for; the message is written for the person at the keyboard. */
public class KeyMaterialException extends Exception {
    private static final long serialVersionUID = 1L;

    public KeyMaterialException(String message) {
        super(message);
    }
}
