package org.testimonyintake.render;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A link from one case-folder page to a file or page in the same folder: path segments of letters, digits, '.', '_'
 * and '-', none starting with '.', separated by '/'. Other letters and spaces (a Korean file name) are written as
 * percent-escapes of their UTF-8 octets, which the pattern admits only for octets of 0x80 and more and for the space:
 * never a '/', '.', '%' or control character in disguise. Anything absolute, with a scheme, a parent directory or a
 * hidden file is refused.
 */
public record RelativeLink(String href) {
    private static final int MAX_LENGTH = 1024;
    private static final String PLAIN = "[A-Za-z0-9_-]|%[89A-F][0-9A-F]|%20";
    private static final String SEGMENT = "(?:" + PLAIN + ")(?:" + PLAIN + "|\\.)*";
    static final Pattern PATTERN = Pattern.compile(SEGMENT + "(?:/" + SEGMENT + ")*/?");

    public RelativeLink {
        if (href.length() > MAX_LENGTH || !PATTERN.matcher(href).matches()) {
            throw new IllegalArgumentException("a case-folder link must be a relative path within the case folder");
        }
    }

    /** The link to a file reached through these folder and file names, each escaped as needed. */
    public static RelativeLink of(List<String> names) {
        StringBuilder href = new StringBuilder();
        for (String name : names) {
            if (href.length() > 0) {
                href.append('/');
            }
            for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
                int octet = b & 0xff;
                boolean plain = octet < 0x80 && (Character.isLetterOrDigit(octet) || octet == '.' || octet == '_' || octet == '-');
                href.append(plain ? String.valueOf((char) octet) : String.format(Locale.ROOT, "%%%02X", octet));
            }
        }
        return new RelativeLink(href.toString());
    }
}
