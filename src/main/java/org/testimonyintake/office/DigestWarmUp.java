package org.testimonyintake.office;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Readies the JDK's SHA-256 (the key unlock's 65 MB S2K) and SHA-1 (the MDC of every message) on a thread of its own
 * while the tool starts, so the JIT has compiled them with the CPU's SHA instructions before they are needed.
 *
 * <p>Both run through one compiled method (DigestBase.engineUpdate), and the JIT throws compiled code away the first
 * time a branch it never saw is taken: trained by the unlock's long SHA-256 updates alone, it was discarded at the
 * unlock's final digest, and the next 200 MB of SHA-1 ran interpreted and then in code compiled without the SHA
 * instructions. So both digests are exercised here in every way the tool calls them: short and long updates, whole
 * blocks and not, each message finished.
 */
public final class DigestWarmUp {
    private static final int ROUNDS = 20_000;
    private static final int LONGEST_UPDATE = 300;
    private static final int UPDATES_PER_DIGEST = 7;

    private DigestWarmUp() {
    }

    public static void startInBackground() {
        Thread warmUp = new Thread(DigestWarmUp::run, "digest-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    private static void run() {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] data = new byte[LONGEST_UPDATE];
            for (int i = 0; i < ROUNDS; i++) {
                int length = i * 37 % LONGEST_UPDATE;
                sha256.update(data, 0, length);
                sha1.update(data, 0, length);
                if (i % UPDATES_PER_DIGEST == 0) {
                    sha256.digest();
                    sha1.digest();
                }
            }
        } catch (NoSuchAlgorithmException e) {
            // only a warm-up: the unlock and the decryption report a missing digest
        }
    }
}
