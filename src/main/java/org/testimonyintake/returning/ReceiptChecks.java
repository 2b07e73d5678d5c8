package org.testimonyintake.returning;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Derives a case's keys from a receipt with Argon2id (FORMAT.md section 10.2), with a global bound on how many
 * derivations run at once and how many may wait: over Tor there is no address to limit by, so the bound is what keeps
 * guessing expensive and memory within the server's 1 GiB.
 */
public final class ReceiptChecks {
    /** Argon2id cost, FORMAT.md section 10.2: 64 MiB, 8 passes, one lane; about 0.36 s on one core. */
    public record Cost(int memoryKiB, int passes, int lanes) {
        public static final Cost STANDARD = new Cost(65536, 8, 1);
    }

    /** Bounds of FORMAT.md section 10.2. */
    public record Bounds(int running, int waiting, Duration maxWait) {
        public static final Bounds STANDARD = new Bounds(2, 16, Duration.ofSeconds(30));
    }

    /** Too many checks are running or waiting: the source should try again in a minute. */
    public static final class Busy extends Exception {
        private static final long serialVersionUID = 1L;

        Busy() {
            super("too many receipt checks at once", null, false, false);
        }
    }

    private static final int TAG_BYTES = 64;
    private static final int LOOKUP_ID_BYTES = 32;

    private final Argon2Advanced argon2 = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id);
    private final byte[] salt;
    private final Cost cost;
    private final Bounds bounds;
    private final Semaphore running;
    private final AtomicInteger admitted = new AtomicInteger();

    public ReceiptChecks(byte[] salt, Cost cost, Bounds bounds) {
        this.salt = salt.clone();
        this.cost = cost;
        this.bounds = bounds;
        this.running = new Semaphore(bounds.running(), true);
    }

    /** The case keys of {@code receipt}, once a place among the running checks is free. */
    public CaseKeys derive(Receipt receipt) throws Busy, InterruptedException {
        if (admitted.incrementAndGet() > bounds.running() + bounds.waiting()) {
            admitted.decrementAndGet();
            throw new Busy();
        }
        try {
            if (!running.tryAcquire(bounds.maxWait().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new Busy();
            }
            try {
                return deriveNow(receipt);
            } finally {
                running.release();
            }
        } finally {
            admitted.decrementAndGet();
        }
    }

    private CaseKeys deriveNow(Receipt receipt) {
        byte[] password = receipt.digits().getBytes(StandardCharsets.US_ASCII);
        byte[] tag = argon2.pbkdf(cost.passes(), cost.memoryKiB(), cost.lanes(), password, salt, TAG_BYTES);
        try {
            return new CaseKeys(Arrays.copyOfRange(tag, 0, LOOKUP_ID_BYTES), Arrays.copyOfRange(tag, LOOKUP_ID_BYTES, TAG_BYTES));
        } finally {
            Arrays.fill(tag, (byte) 0);
            Arrays.fill(password, (byte) 0);
        }
    }
}
