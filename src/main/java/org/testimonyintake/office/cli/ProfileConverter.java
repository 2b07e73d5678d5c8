package org.testimonyintake.office.cli;

import java.util.Locale;
import org.testimonyintake.format.KeyProfile;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

final class ProfileConverter implements ITypeConverter<KeyProfile> {
    @Override
    public KeyProfile convert(String value) {
        try {
            return KeyProfile.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("unknown profile '" + value + "': use compat or modern");
        }
    }
}
