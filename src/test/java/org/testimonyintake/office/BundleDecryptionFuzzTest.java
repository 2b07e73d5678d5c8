package org.testimonyintake.office;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.testimonyintake.format.InvalidDocumentException;
import org.testimonyintake.fuzz.TestOnlyKey;

/**
 * The office decryptor on any export bundle, ZIP structure and messages alike, with the committed TEST-ONLY key: a
 * bundle is refused ({@link ZipException}, {@link InvalidDocumentException}) or each of its submissions decrypts or
 * fails on its own; after a refusal the case folder is empty, and afterwards it holds only the folders of submissions
 * that decrypted and verified, and the index pages: nothing half-written, no temporary file.
 */
class BundleDecryptionFuzzTest {
    private static MessageDecryptor decryptor;

    @BeforeAll
    static void testOnlyKey() throws Exception {
        decryptor = TestOnlyKey.decryptor();
    }

    @FuzzTest(maxDuration = "30s")
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void decryptBundle(byte[] bundleBytes) throws IOException {
        Path work = Files.createTempDirectory("bundle-fuzz-");
        try {
            Path bundle = Files.write(work.resolve("bundle.zip"), bundleBytes);
            Path folder = Files.createDirectory(work.resolve("case"));
            List<CaseFolder.Outcome> outcomes;
            try {
                outcomes = new CaseFolder(folder, decryptor).addBundle(bundle);
            } catch (ZipException | InvalidDocumentException refused) {
                assertEquals(List.of(), everything(folder), "a refused bundle leaves nothing: " + refused);
                return;
            }
            assertOnlyVerifiedSubmissions(folder, outcomes);
        } finally {
            deleteRecursively(work);
        }
    }

    private static void assertOnlyVerifiedSubmissions(Path folder, List<CaseFolder.Outcome> outcomes) throws IOException {
        List<String> decrypted = outcomes.stream().filter(CaseFolder.Outcome::decrypted)
                .map(CaseFolder.Outcome::submissionId).distinct().sorted().toList();
        List<String> present = new ArrayList<>();
        try (Stream<Path> children = Files.list(folder)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                if (Files.isRegularFile(child) && name.matches("index(-[^/]+)?\\.html")) {
                    continue; // the index pages (CaseIndex)
                }
                assertTrue(Files.isDirectory(child) && name.matches("\\d{4}-\\d{2}-\\d{2}-[0-9a-f]{32}"),
                        "only submission folders and the index: " + name);
                assertTrue(Files.isRegularFile(child.resolve("testimony.json"))
                        && Files.isRegularFile(child.resolve("testimony.html")), "complete: " + name);
                present.add(name.substring(11));
            }
        }
        assertEquals(decrypted, present.stream().sorted().toList(), "folders of exactly the verified submissions");
        for (Path path : everything(folder)) {
            assertTrue(!path.getFileName().toString().startsWith("."), "no hidden or temporary file: " + path);
        }
    }

    private static List<Path> everything(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(path -> !path.equals(folder)).toList();
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
