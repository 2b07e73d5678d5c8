package org.testimonyintake.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileVisitResult;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
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

    /**
     * For a shared directory such as the temporary one: only files changed since {@code since}, outside
     * {@code skipped}; files of other users, or gone meanwhile, are passed over.
     */
    public static List<Path> filesContaining(Path root, String marker, Instant since, List<Path> skipped)
            throws IOException {
        String needle = new String(marker.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        FileTime changedSince = FileTime.from(since.minusSeconds(1));
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                return skipped.contains(directory) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                try {
                    if (attributes.isRegularFile() && attributes.lastModifiedTime().compareTo(changedSince) >= 0
                            && attributes.size() < (64 << 20)
                            && new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(needle)) {
                        found.add(file);
                    }
                } catch (IOException notOurs) {
                    // another user's file, or one that vanished meanwhile
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException notOurs) {
                return FileVisitResult.CONTINUE;
            }
        });
        return found;
    }
}
