package org.testimonyintake.fuzz;

import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;

/** Delivers bytes in reads of random sizes up to a maximum, as a network does: a parser must not depend on where reads end. */
public final class RandomReads extends InputStream {
    private final byte[] bytes;
    private final int maxRead;
    private final Random sizes;
    private int at;

    public RandomReads(byte[] bytes, int maxRead, long seed) {
        this.bytes = bytes;
        this.maxRead = maxRead;
        this.sizes = new Random(seed);
    }

    @Override
    public int read() {
        return at < bytes.length ? bytes[at++] & 0xff : -1;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (at >= bytes.length) {
            return -1;
        }
        int n = Math.min(Math.min(length, 1 + sizes.nextInt(maxRead)), bytes.length - at);
        System.arraycopy(bytes, at, into, offset, n);
        at += n;
        return n;
    }

    @Override
    public String toString() {
        return "reads of at most " + maxRead + " of " + Arrays.hashCode(bytes);
    }
}
