package org.testimonyintake.format;

import java.time.LocalDate;
import java.util.Optional;

/**
 * One office encryption subkey as the certificate describes it.
 *
 * @param fingerprint upper-case hex fingerprint of the subkey
 * @param keyId upper-case hex 64-bit key ID (what a PKESKv3 packet names)
 * @param created UTC creation date
 * @param superseded UTC date of the rotation that revoked it, if any
 */
public record Subkey(String fingerprint, String keyId, LocalDate created, Optional<LocalDate> superseded, SubkeyState state) {

    public Subkey withState(SubkeyState newState) {
        return new Subkey(fingerprint, keyId, created, superseded, newState);
    }
}
