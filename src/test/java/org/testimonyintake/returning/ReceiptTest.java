package org.testimonyintake.returning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** FORMAT.md section 10.1: the receipt's form, its check digits, and how typed receipts are read. */
class ReceiptTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void aReceiptIsSevenGroupsOfFourDigitsAndReadsBack() {
        Receipt receipt = Receipt.generate(RANDOM);
        assertTrue(receipt.grouped().matches("[0-9]{4}( [0-9]{4}){6}"), receipt.grouped());
        assertEquals(Optional.of(receipt), Receipt.parse(receipt.grouped()));
        assertEquals("Receipt[hidden]", receipt.toString());
    }

    @Test
    void checkDigitsAreIso7064Mod97Of10() {
        // the whole number is 1 modulo 97, as for IBANs; fixed here so that any other implementation can compare
        assertTrue(Receipt.parse("1234 5678 9012 3456 7890 1234 5627").isPresent());
        assertTrue(Receipt.parse("0000 0000 0000 0000 0000 0000 0098").isPresent());
        assertFalse(Receipt.parse("0000 0000 0000 0000 0000 0000 0000").isPresent());
    }

    @Test
    void separatorsAndFullWidthDigitsAreReadAsTheSameReceipt() {
        Receipt receipt = Receipt.generate(RANDOM);
        String digits = receipt.digits();
        String dashed = String.join("-", digits.split("(?<=\\G.{4})"));
        StringBuilder fullWidth = new StringBuilder();
        digits.chars().forEach(c -> fullWidth.appendCodePoint('０' + (c - '0')));
        for (String typed : List.of(dashed, digits, " " + receipt.grouped() + "\n", fullWidth.toString(),
                receipt.grouped().replace(" ", ". "))) {
            assertEquals(Optional.of(receipt), Receipt.parse(typed), typed);
        }
    }

    @Test
    void everySingleWrongDigitAndEveryNeighbourSwapIsCaught() {
        Receipt receipt = Receipt.generate(RANDOM);
        String digits = receipt.digits();
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < digits.length(); i++) {
            for (char d = '0'; d <= '9'; d++) {
                if (d != digits.charAt(i)) {
                    String typo = digits.substring(0, i) + d + digits.substring(i + 1);
                    Receipt.parse(typo).ifPresent(r -> accepted.add(typo));
                }
            }
            if (i + 1 < digits.length() && digits.charAt(i) != digits.charAt(i + 1)) {
                String swapped = digits.substring(0, i) + digits.charAt(i + 1) + digits.charAt(i) + digits.substring(i + 2);
                Receipt.parse(swapped).ifPresent(r -> accepted.add(swapped));
            }
        }
        assertEquals(List.of(), accepted);
    }

    @Test
    void wrongLengthsAndEmptyInputAreNotReceipts() {
        String digits = Receipt.generate(RANDOM).digits();
        assertFalse(Receipt.parse(digits.substring(4)).isPresent(), "a missing group");
        assertFalse(Receipt.parse(digits + "0000").isPresent(), "an extra group");
        assertFalse(Receipt.parse("").isPresent());
        assertFalse(Receipt.parse(null).isPresent());
        assertFalse(Receipt.parse("1".repeat(500)).isPresent());
    }

    @Test
    void receiptsDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.add(Receipt.generate(RANDOM).digits()));
        }
        assertNotEquals(1, seen.stream().map(d -> d.charAt(0)).distinct().count(), "first digits vary");
    }
}
