package org.testimonyintake.store;

import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.testimonyintake.format.PartName;

/** The forms of the fields of FORMAT.md section 6; everything the store writes is checked here first. */
final class SubmissionFields {
    static final String TESTIMONY_PART = PartName.TESTIMONY.toString();

    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SUBKEY = Pattern.compile("[0-9A-F]{16}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The testimony document first, then the attachments by number (not "attachment-10" before "attachment-2"). */
    static final Comparator<Part> PART_ORDER = Comparator.comparing(part -> PartName.parse(part.name()).orElseThrow());

    private SubmissionFields() {
    }

    /** 128 random bits as 32 lower-case hex digits. */
    static String newId() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return HexFormat.of().formatHex(bits);
    }

    static boolean isId(String candidate) {
        return ID.matcher(candidate).matches();
    }

    static String requirePartName(String name) {
        if (name == null || PartName.parse(name).isEmpty()) {
            throw new IllegalArgumentException("a part is named testimony.json.pgp, attachment-<n>.pgp or "
                    + "attachment-<n>-<k>.pgp with n from 1 to 100 and k from 1 to 4096");
        }
        return name;
    }

    static String requireEncryptedBy(String encryptedBy) {
        if (!"browser".equals(encryptedBy) && !"server".equals(encryptedBy)) {
            throw new IllegalArgumentException("encryptedBy is browser or server");
        }
        return encryptedBy;
    }

    static String requireSubkey(String subkeyKeyId) {
        if (subkeyKeyId == null || !SUBKEY.matcher(subkeyKeyId).matches()) {
            throw new IllegalArgumentException("the subkey is a key ID of 16 upper-case hex digits");
        }
        return subkeyKeyId;
    }
}
