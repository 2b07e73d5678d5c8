package org.testimonyintake.format;

import java.util.HexFormat;
import java.util.Locale;

/** How fingerprints are written for people: upper-case hex in groups of four, as on leaflets and in reports. */
public final class Fingerprints {
    private Fingerprints() {
    }

    public static String hex(byte[] fingerprint) {
        return HexFormat.of().withUpperCase().formatHex(fingerprint);
    }

    public static String grouped(String hex) {
        StringBuilder grouped = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 4) {
            if (i > 0) {
                grouped.append(i == hex.length() / 2 ? "  " : " ");
            }
            grouped.append(hex, i, Math.min(i + 4, hex.length()));
        }
        return grouped.toString().toUpperCase(Locale.ROOT);
    }

    public static String keyId(long keyId) {
        return String.format(Locale.ROOT, "%016X", keyId);
    }
}
