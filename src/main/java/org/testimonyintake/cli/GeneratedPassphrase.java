package org.testimonyintake.cli;

import java.security.SecureRandom;

/** A passphrase to write down: six groups of five characters from a 31-letter alphabet, about 148 bits. */
public final class GeneratedPassphrase {
    /** Letters and digits that cannot be mistaken for each other when copied from paper. */
    private static final char[] ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private GeneratedPassphrase() {
    }

    public static String next() {
        StringBuilder passphrase = new StringBuilder();
        for (int group = 0; group < 6; group++) {
            if (group > 0) {
                passphrase.append('-');
            }
            for (int i = 0; i < 5; i++) {
                passphrase.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
            }
        }
        return passphrase.toString();
    }
}
