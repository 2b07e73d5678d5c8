package org.testimonyintake.returning;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a receipt gives (FORMAT.md section 10.2): the case's lookup id, which the server stores, and the wrapping key,
 * which protects the case's reply secret key and is never stored.
 */
public final class CaseKeys {
    private final byte[] lookupId;
    private final byte[] wrappingKey;

    CaseKeys(byte[] lookupId, byte[] wrappingKey) {
        this.lookupId = lookupId.clone();
        this.wrappingKey = wrappingKey.clone();
    }

    /** 64 lower-case hex digits, as stored. */
    public String lookupId() {
        return HexFormat.of().formatHex(lookupId);
    }

    /** The reply secret key's passphrase: the wrapping key's 64 lower-case hex digits (FORMAT.md section 10.3). */
    char[] replyKeyPassphrase() {
        return HexFormat.of().formatHex(wrappingKey).toCharArray();
    }

    /** Overwrites the wrapping key once the request that needed it is done. */
    public void forget() {
        Arrays.fill(wrappingKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "CaseKeys[lookupId=" + lookupId() + "]";
    }
}
