package org.testimonyintake.intake.submission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FormTokenTest {
    private static final Instant LATE_MONDAY = Instant.parse("2026-03-02T23:59:00Z");

    private static FormToken at(Path data, Instant instant) throws IOException {
        return FormToken.openOrCreate(data, Clock.fixed(instant, ZoneOffset.UTC));
    }

    @Test
    void validTheDayItIsIssuedAndTheNextDay(@TempDir Path data) throws IOException {
        String token = at(data, LATE_MONDAY).issue();
        assertTrue(at(data, LATE_MONDAY.plusSeconds(60)).isValid(token));
        assertTrue(at(data, Instant.parse("2026-03-03T23:59:59Z")).isValid(token));
        assertFalse(at(data, Instant.parse("2026-03-04T00:00:00Z")).isValid(token));
        assertFalse(at(data, Instant.parse("2026-03-01T12:00:00Z")).isValid(token), "not before it was issued");
    }

    @Test
    void oneTokenPerDayBindingNothingElse(@TempDir Path data) throws IOException {
        assertEquals(at(data, LATE_MONDAY).issue(), at(data, Instant.parse("2026-03-02T00:00:00Z")).issue());
        assertNotEquals(at(data, LATE_MONDAY).issue(), at(data, LATE_MONDAY.plusSeconds(120)).issue());
    }

    @Test
    void oneRunningServerFollowsTheDate(@TempDir Path data) throws IOException {
        MovingClock clock = new MovingClock(LATE_MONDAY);
        FormToken tokens = FormToken.openOrCreate(data, clock);
        String monday = tokens.issue();
        clock.now = Instant.parse("2026-03-03T00:00:01Z");
        String tuesday = tokens.issue();
        assertNotEquals(monday, tuesday);
        assertEquals(at(data, clock.now).issue(), tuesday);
        assertTrue(tokens.isValid(monday));
        assertTrue(tokens.isValid(tuesday));
        clock.now = Instant.parse("2026-03-04T00:00:01Z");
        assertFalse(tokens.isValid(monday));
        assertTrue(tokens.isValid(tuesday));
    }

    /** A clock whose time the test sets, as days pass for a running server. */
    private static final class MovingClock extends Clock {
        Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return zone.equals(ZoneOffset.UTC) ? this : Clock.fixed(now, zone);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void refusesGarbageAndOtherServersTokens(@TempDir Path data, @TempDir Path otherData) throws IOException {
        FormToken tokens = at(data, LATE_MONDAY);
        assertFalse(tokens.isValid(null));
        assertFalse(tokens.isValid(""));
        assertFalse(tokens.isValid("x".repeat(43)));
        assertFalse(tokens.isValid(at(otherData, LATE_MONDAY).issue()));
    }

    @Test
    void keyIsKeptOwnerOnlyAndSurvivesRestarts(@TempDir Path data) throws IOException {
        String token = at(data, LATE_MONDAY).issue();
        Path key = data.resolve(FormToken.KEY_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals(Instant.parse("2026-03-02T00:00:00Z"), Files.getLastModifiedTime(key).toInstant());
        assertTrue(at(data, LATE_MONDAY).isValid(token));
    }

    @Test
    void refusesADamagedKey(@TempDir Path data) throws IOException {
        Files.write(data.resolve(FormToken.KEY_FILE), new byte[5]);
        assertThrows(IOException.class, () -> at(data, LATE_MONDAY));
    }
}
