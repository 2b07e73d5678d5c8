package org.testimonyintake.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.testimonyintake.format.OfficeCertificate;

/** keys/ is published with the repository: it must never hold secret key material. */
class KeysFolderTest {
    @Test
    void noFileUnderKeysHoldsSecretKeyMaterial() throws IOException {
        Path keys = Path.of("keys");
        assertTrue(Files.isDirectory(keys), "run from the project root");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(keys)) {
            offenders = files.filter(Files::isRegularFile).filter(KeysFolderTest::holdsSecret).map(Path::toString).toList();
        }
        assertEquals(List.of(), offenders);
    }

    private static boolean holdsSecret(Path file) {
        try {
            byte[] content = Files.readAllBytes(file);
            return OfficeCertificate.containsSecretKeyMaterial(content)
                    || new String(content, java.nio.charset.StandardCharsets.ISO_8859_1).contains("PRIVATE KEY");
        } catch (IOException e) {
            return true;
        }
    }
}
