package org.testimonyintake.intake.metadata;

/**
 * A file starts as a photo or video of a type whose metadata is removed, but cannot be read as one: sending it as it
 * is could send the very metadata the source wanted gone. The message names what is wrong, never what the file holds.
 */
public final class UnreadableMedia extends Exception {
    private static final long serialVersionUID = 1L;

    UnreadableMedia(String problem) {
        super(problem);
    }
}
