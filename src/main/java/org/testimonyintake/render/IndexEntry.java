package org.testimonyintake.render;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One row of a case-folder index page.
 *
 * @param link where the row leads, relative to the index page: path segments of letters, digits, '.', '_' and '-'
 *     separated by '/', none starting with '.', such as {@code 2025-06-01-k7p2/} or {@code 2025-06-01-k7p2/view.html};
 *     anything else (absolute, scheme, parent directory, hidden file) is refused
 * @param date when the testimony arrived, as the caller formats it
 * @param language the form language tag
 * @param testimony the testimony answer; the index shows its first 200 characters on one line
 */
public record IndexEntry(String link, String date, String language, String testimony) {
    private static final int MAX_LINK_LENGTH = 1024;
    static final Pattern RELATIVE_LINK = RelativeLink.PATTERN;

    public IndexEntry {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(testimony, "testimony");
        if (link.length() > MAX_LINK_LENGTH || !RELATIVE_LINK.matcher(link).matches()) {
            throw new IllegalArgumentException("an index link must be a relative path within the case folder");
        }
    }
}
