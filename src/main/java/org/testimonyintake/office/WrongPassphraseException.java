package org.testimonyintake.office;

/** The passphrase does not unlock the office key. */
public class WrongPassphraseException extends Exception {
    private static final long serialVersionUID = 1L;

    public WrongPassphraseException() {
        super("the passphrase does not unlock this key");
    }
}
