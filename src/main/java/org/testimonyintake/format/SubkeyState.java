package org.testimonyintake.format;

/** Where an office encryption subkey stands in its life (FORMAT.md, "Rotation"). */
public enum SubkeyState {
    /** The one subkey that senders encrypt to. */
    CURRENT,
    /** Superseded by a rotation: revoked in the certificate, its secret still decrypts old submissions. */
    PREVIOUS,
    /** Its secret part was destroyed; what was encrypted to it alone can no longer be read. */
    RETIRED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
