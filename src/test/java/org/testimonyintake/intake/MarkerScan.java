package org.testimonyintake.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds plaintext on disk: the files under a directory that hold a marker's UTF-8 octets anywhere. */
public final class MarkerScan {
    private MarkerScan() {
    }

    public static List<Path> filesContaining(Path root, String marker) throws IOException {
        // ISO-8859-1 maps every octet to one character, so this is a search for the marker's UTF-8 octets.
        String needle = new String(marker.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(needle)) {
                    found.add(file);
                }
            }
        }
        return found;
    }
}
