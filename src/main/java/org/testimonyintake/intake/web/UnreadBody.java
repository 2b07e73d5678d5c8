package org.testimonyintake.intake.web;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * The rest of a request body the app did not read, because it refused the request before the end (a file over the
 * limit, a Content-Length over the limit). Browsers send the whole body before they read the answer; a server that
 * answers and closes with part of the body unread makes the kernel reset the connection, and with JavaScript off the
 * source then sees "connection reset" instead of the page that says why. So the rest is read and thrown away before
 * the answer goes out, within bounds: a body much larger than any submission, or one that takes too long, is cut off
 * as before (it costs more than the answer is worth; the idle timeout and the minimum data rate apply to each read).
 */
final class UnreadBody {
    private static final int READ_BYTES = 1 << 16;
    /** Longer than a refused file of a few hundred MiB takes over Tor, short enough to free the thread. */
    static final Duration MAX_TIME = Duration.ofMinutes(10);

    private UnreadBody() {
    }

    /**
     * Reads and discards what is left of {@code request}'s body if it declares at most {@code maxBytes} in all (a body
     * without a Content-Length is read up to that much), for at most {@link #MAX_TIME}. Nothing read is kept.
     */
    static void discard(HttpServletRequest request, long maxBytes) {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            return;
        }
        long deadline = System.nanoTime() + MAX_TIME.toNanos();
        byte[] buffer = new byte[READ_BYTES];
        try {
            InputStream body = request.getInputStream();
            long read = 0;
            for (int n; read <= maxBytes && System.nanoTime() < deadline && (n = body.read(buffer)) >= 0; ) {
                read += n;
            }
        } catch (IOException | IllegalStateException e) {
            // the sender broke off, or the body was read as a reader: nothing is left to take
        }
    }
}
