package org.testimonyintake.render;

import java.util.List;
import java.util.Objects;

/**
 * One line of links above an index page to the other index pages of the case folder: the ways to sort it, or the
 * values of one thing to filter by. Each is a static page, so sorting and filtering work with JavaScript off, as
 * everything must under the pages' policy.
 *
 * @param label what the line is about, such as "Language" or a question id
 * @param choices its links, in order; the one of the page shown is marked current
 */
public record IndexNavigation(String label, List<Choice> choices) {
    public IndexNavigation {
        Objects.requireNonNull(label, "label");
        choices = List.copyOf(choices);
    }

    /** One link; {@code current} means it leads to the page it is shown on. */
    public record Choice(String text, RelativeLink link, boolean current) {
        public Choice {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(link, "link");
        }
    }
}
