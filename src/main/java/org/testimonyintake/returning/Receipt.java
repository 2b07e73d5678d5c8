package org.testimonyintake.returning;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Optional;

/**
 * A source's receipt (FORMAT.md section 10.1): 26 random decimal digits and 2 check digits of ISO 7064 MOD 97-10,
 * written in seven groups of four. It is never stored or logged; {@link #toString} does not show it.
 */
public final class Receipt {
    static final int RANDOM_DIGITS = 26;
    static final int DIGITS = RANDOM_DIGITS + 2;
    private static final int GROUP = 4;
    private static final BigInteger MODULUS = BigInteger.valueOf(97);

    private final String digits;

    private Receipt(String digits) {
        this.digits = digits;
    }

    public static Receipt generate(SecureRandom random) {
        StringBuilder digits = new StringBuilder(DIGITS);
        for (int i = 0; i < RANDOM_DIGITS; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        // MOD 97-10: append two digits so that the whole number is 1 modulo 97.
        int check = 98 - new BigInteger(digits + "00").mod(MODULUS).intValue();
        digits.append(check / 10).append(check % 10);
        return new Receipt(digits.toString());
    }

    /**
     * The receipt a source typed, if it is one: any non-digits between the digits are ignored, full-width digits are
     * read as digits (NFKC), and exactly 28 digits whose check passes must remain.
     */
    public static Optional<Receipt> parse(String typed) {
        if (typed == null || typed.length() > 200) {
            return Optional.empty();
        }
        StringBuilder digits = new StringBuilder(DIGITS);
        Normalizer.normalize(typed, Normalizer.Form.NFKC).codePoints()
                .filter(c -> c >= '0' && c <= '9').forEach(digits::appendCodePoint);
        if (digits.length() != DIGITS || !new BigInteger(digits.toString()).mod(MODULUS).equals(BigInteger.ONE)) {
            return Optional.empty();
        }
        return Optional.of(new Receipt(digits.toString()));
    }

    /** The 28 digits without separators: what Argon2id hashes. */
    String digits() {
        return digits;
    }

    /** As shown to the source: {@code 4821 0937 5526 1184 0473 9952 6017}. */
    public String grouped() {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < DIGITS; i += GROUP) {
            shown.append(i == 0 ? "" : " ").append(digits, i, i + GROUP);
        }
        return shown.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Receipt receipt && receipt.digits.equals(digits);
    }

    @Override
    public int hashCode() {
        return digits.hashCode();
    }

    /** Never the digits: a receipt that slips into a log must not be readable there. */
    @Override
    public String toString() {
        return "Receipt[hidden]";
    }
}
