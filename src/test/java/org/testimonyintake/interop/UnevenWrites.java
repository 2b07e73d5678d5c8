package org.testimonyintake.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.OfficeCertificate;

/**
 * A message streamed through {@link MessageEncryptor#open} in writes of uneven sizes, from one octet to a few partial
 * packets' worth, as a large attachment reaches it on the JavaScript-off path.
 */
final class UnevenWrites {
    /** 3 MiB and 7 octets of fixed pseudo-random bytes: many partial-length packets, a last block cut short. */
    static final byte[] LARGE = large();

    private UnevenWrites() {
    }

    static byte[] encrypt(OfficeCertificate office, byte[] plaintext) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        Random sizes = new Random(7);
        try (OutputStream out = MessageEncryptor.open(office, message)) {
            for (int at = 0; at < plaintext.length; ) {
                int next = sizes.nextBoolean() ? 1 + sizes.nextInt(33) : 1 + sizes.nextInt(300_000);
                int n = Math.min(plaintext.length - at, next);
                out.write(plaintext, at, n);
                at += n;
            }
        }
        return message.toByteArray();
    }

    private static byte[] large() {
        byte[] data = new byte[(3 << 20) + 7];
        new Random(20261207L).nextBytes(data);
        return data;
    }
}
