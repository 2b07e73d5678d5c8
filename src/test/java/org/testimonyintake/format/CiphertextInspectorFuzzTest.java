package org.testimonyintake.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.testimonyintake.fuzz.RandomReads;
import org.testimonyintake.fuzz.TestOnlyKey;

/**
 * The upload check on any bytes, delivered in reads of any sizes: it accepts or refuses with a declared reason, the
 * same whatever the reads, and an accepted message reached the sink byte for byte. Inputs end with the read sizes
 * (Jazzer's FuzzedDataProvider takes numbers from the end); the message is what precedes them.
 */
class CiphertextInspectorFuzzTest {
    private static List<Subkey> accepted;

    @BeforeAll
    static void testOnlyKey() throws Exception {
        accepted = TestOnlyKey.certificate().encryptionSubkeys();
    }

    @FuzzTest(maxDuration = "30s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void inspectInRandomReads(FuzzedDataProvider data) throws IOException {
        int maxRead = data.consumeInt(1, 1 << 17);
        long readSeed = data.consumeLong();
        long maxBytes = data.consumeBoolean() ? data.consumeLong(0, 1 << 16) : Long.MAX_VALUE;
        byte[] message = data.consumeRemainingAsBytes();

        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        String outcome = outcome(new RandomReads(message, maxRead, readSeed), sink, maxBytes);
        String whole = outcome(new ByteArrayInputStream(message), new ByteArrayOutputStream(), maxBytes);

        assertEquals(whole, outcome, "the outcome does not depend on where reads end");
        if (outcome.startsWith("accepted")) {
            assertArrayEquals(message, sink.toByteArray());
            assertEquals("accepted " + message.length, outcome);
        }
    }

    /** "accepted SIZE" or the refusal's reason; anything else thrown is a finding. */
    private static String outcome(InputStream message, ByteArrayOutputStream sink, long maxBytes) throws IOException {
        try {
            return "accepted " + CiphertextInspector.copyChecked(message, sink, accepted, maxBytes).size();
        } catch (RefusedCiphertextException e) {
            return e.reason().name();
        }
    }
}
