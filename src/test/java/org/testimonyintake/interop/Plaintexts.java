package org.testimonyintake.interop;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** What the tools must carry unchanged: UTF-8 testimony in Korean and Russian, and binary data such as a photo. */
public final class Plaintexts {
    /** "I escaped from the forced-labour logging camp", with CRLF and LF so a text-mode conversion would show. */
    public static final byte[] KOREAN = "강제노동 벌목장에서 도망쳤다.\r\n그곳에서 3년을 일했다.\n"
            .getBytes(StandardCharsets.UTF_8);
    /** "I ran away from the logging camp", without a final newline. */
    public static final byte[] RUSSIAN = "Я бежал с лесозаготовок. Нас было двенадцать.".getBytes(StandardCharsets.UTF_8);
    /** Every byte value, then 200 KiB of fixed pseudo-random bytes (more than one partial-length packet). */
    public static final byte[] BINARY = binary();

    private Plaintexts() {
    }

    public static Map<String, byte[]> all() {
        return Map.of("korean", KOREAN, "russian", RUSSIAN, "binary", BINARY);
    }

    /** Names of {@link #all()}, for {@code @MethodSource("org.testimonyintake.interop.Plaintexts#names")}. */
    static Stream<String> names() {
        return all().keySet().stream().sorted();
    }

    /** Each name twice, as binary and as ASCII-armored messages. */
    static Stream<Arguments> namesArmoredAndBinary() {
        return names().flatMap(name -> Stream.of(Arguments.of(name, false), Arguments.of(name, true)));
    }

    private static byte[] binary() {
        byte[] data = new byte[256 + 200 * 1024];
        for (int i = 0; i < 256; i++) {
            data[i] = (byte) i;
        }
        byte[] random = new byte[data.length - 256];
        new Random(20240901L).nextBytes(random); // fixed seed: a failure reproduces
        System.arraycopy(random, 0, data, 256, random.length);
        return data;
    }
}
