package org.testimonyintake.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The part names of FORMAT.md sections 5 to 8, and the order parts come in. */
class PartNameTest {
    @ParameterizedTest
    @ValueSource(strings = {"testimony.json.pgp", "attachment-1.pgp", "attachment-100.pgp", "attachment-1-1.pgp",
            "attachment-7-12.pgp", "attachment-100-4096.pgp"})
    void namesOfTheFormatParseAndPrintTheSame(String name) {
        assertEquals(name, PartName.parse(name).orElseThrow().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "testimony", "testimony.json", "attachment-0.pgp", "attachment-01.pgp",
            "attachment-101.pgp", "attachment-1-0.pgp", "attachment-1-01.pgp", "attachment-1-4097.pgp",
            "attachment-1-1-1.pgp", "attachment-1-.pgp", "attachment--1.pgp", "attachment-1.PGP", "attachment-\u0661.pgp",
            "../attachment-1.pgp", "attachment-1.pgp\n"})
    void anythingElseIsNoPart(String name) {
        assertEquals(Optional.empty(), PartName.parse(name));
    }

    @Test
    void formFieldsAreTheNamesWithoutTheirExtension() {
        assertEquals(Optional.of(PartName.TESTIMONY), PartName.ofField("testimony"));
        assertEquals(Optional.of(PartName.wholeAttachment(2)), PartName.ofField("attachment-2"));
        assertEquals(Optional.of(PartName.segment(2, 3)), PartName.ofField("attachment-2-3"));
        assertEquals(Optional.empty(), PartName.ofField("testimony.json"));
        assertEquals(Optional.empty(), PartName.ofField("attachment-2.pgp"));
    }

    @Test
    void partsSortAsTheyAreSent() {
        List<PartName> sent = List.of(PartName.TESTIMONY, PartName.wholeAttachment(1), PartName.segment(2, 1),
                PartName.segment(2, 2), PartName.segment(2, 10), PartName.wholeAttachment(10));
        List<PartName> shuffled = new ArrayList<>(sent);
        Collections.reverse(shuffled);
        Collections.sort(shuffled);
        assertEquals(sent, shuffled);
    }

    @Test
    void eachPartMayFollowOnlyItsPredecessor() {
        List<PartName> sent = List.of(PartName.TESTIMONY, PartName.wholeAttachment(1), PartName.segment(2, 1),
                PartName.segment(2, 2), PartName.wholeAttachment(3));
        for (int i = 0; i < sent.size(); i++) {
            assertTrue(sent.get(i).canFollow(i == 0 ? null : sent.get(i - 1)), sent.get(i).toString());
        }
        assertFalse(PartName.wholeAttachment(1).canFollow(null), "the testimony comes first");
        assertFalse(PartName.wholeAttachment(2).canFollow(PartName.TESTIMONY), "no attachment is skipped");
        assertFalse(PartName.segment(1, 2).canFollow(PartName.TESTIMONY), "segments start at 1");
        assertFalse(PartName.segment(2, 3).canFollow(PartName.segment(2, 1)), "no segment is skipped");
        assertFalse(PartName.segment(1, 2).canFollow(PartName.wholeAttachment(1)), "a whole attachment has no segments");
        assertFalse(PartName.wholeAttachment(1).canFollow(PartName.wholeAttachment(1)), "nothing repeats");
        assertFalse(PartName.TESTIMONY.canFollow(PartName.TESTIMONY), "one testimony");
    }
}
