package org.testimonyintake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock that tests set and move; the stores read it from other threads too. */
public final class SettableClock extends Clock {
    private volatile Instant now;

    public SettableClock(Instant now) {
        this.now = now;
    }

    /** At 13:00 UTC of the day: the stores keep only the date. */
    public SettableClock(LocalDate day) {
        set(day);
    }

    public void set(Instant instant) {
        now = instant;
    }

    /** 13:00 UTC of the day. */
    public void set(LocalDate day) {
        now = day.atTime(13, 0).toInstant(ZoneOffset.UTC);
    }

    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    public LocalDate today() {
        return LocalDate.ofInstant(now, ZoneOffset.UTC);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
