package org.testimonyintake.intake.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A size on the command line: bytes, or a whole number with K, M or G (powers of 1024), e.g. {@code 600M}. */
record ByteSize(long bytes) {
    private static final String UNITS = "KMG";

    static ByteSize parse(String text) {
        String trimmed = text.trim().toUpperCase(Locale.ROOT);
        int unit = trimmed.isEmpty() ? -1 : UNITS.indexOf(trimmed.charAt(trimmed.length() - 1));
        String digits = unit < 0 ? trimmed : trimmed.substring(0, trimmed.length() - 1);
        if (!digits.matches("[0-9]{1,12}")) {
            throw new TypeConversionException("'" + text + "' is not a size such as 600M, 2G or 1048576");
        }
        try {
            long bytes = Math.multiplyExact(Long.parseLong(digits), 1L << (10 * (unit + 1)));
            if (bytes == 0) {
                throw new TypeConversionException("'" + text + "' must be larger than 0");
            }
            return new ByteSize(bytes);
        } catch (ArithmeticException e) {
            throw new TypeConversionException("'" + text + "' is too large");
        }
    }

    @Override
    public String toString() {
        int unit = -1;
        long value = bytes;
        while (unit < UNITS.length() - 1 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return unit < 0 ? Long.toString(value) : value + String.valueOf(UNITS.charAt(unit));
    }

    static final class Converter implements ITypeConverter<ByteSize> {
        @Override
        public ByteSize convert(String text) {
            return parse(text);
        }
    }
}
