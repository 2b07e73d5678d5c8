package org.testimonyintake.store;

import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The forms of the fields of FORMAT.md section 6; everything the store writes is checked here first. */
final class SubmissionFields {
    static final String TESTIMONY_PART = "testimony.json.pgp";
    /** FORMAT.md section 4 allows at most 100 attachments, numbered from 1. */
    static final int MAX_ATTACHMENT_NUMBER = 100;

    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern ATTACHMENT_PART = Pattern.compile("attachment-([1-9][0-9]{0,2})\\.pgp");
    private static final Pattern SUBKEY = Pattern.compile("[0-9A-F]{16}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The testimony document first, then the attachments by number (not "attachment-10" before "attachment-2"). */
    static final Comparator<Part> PART_ORDER = Comparator.comparingInt(part -> partNumber(part.name()));

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
        if (name == null || partNumber(name) < 0) {
            throw new IllegalArgumentException(
                    "a part is named testimony.json.pgp or attachment-<n>.pgp with n from 1 to 100");
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

    /** 0 for the testimony document, n for attachment n, -1 for anything that is not a part name. */
    private static int partNumber(String name) {
        if (TESTIMONY_PART.equals(name)) {
            return 0;
        }
        Matcher attachment = ATTACHMENT_PART.matcher(name);
        if (!attachment.matches()) {
            return -1;
        }
        int number = Integer.parseInt(attachment.group(1));
        return number <= MAX_ATTACHMENT_NUMBER ? number : -1;
    }
}
