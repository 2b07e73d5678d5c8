package org.testimonyintake.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The two documents that come from outside the office machine, parsed from any bytes: a document is accepted or
 * refused with {@link InvalidDocumentException}, and what is accepted writes back to a document that reads the same.
 */
class DocumentParsersFuzzTest {
    @FuzzTest(maxDuration = "30s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void testimonyDocument(byte[] json) {
        TestimonyDocument document;
        try {
            document = TestimonyDocument.parse(json);
        } catch (InvalidDocumentException e) {
            return;
        }
        assertEquals(document, reparsed(document.toJson()));
    }

    @FuzzTest(maxDuration = "30s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void bundleManifest(byte[] json) {
        BundleManifest manifest;
        try {
            manifest = BundleManifest.parse(json);
        } catch (InvalidDocumentException e) {
            return;
        }
        assertEquals(manifest, reparsedManifest(manifest.toJson()));
    }

    private static TestimonyDocument reparsed(byte[] json) {
        try {
            return TestimonyDocument.parse(json);
        } catch (InvalidDocumentException e) {
            throw new AssertionError("a document this program wrote is refused: " + e.getMessage(), e);
        }
    }

    private static BundleManifest reparsedManifest(byte[] json) {
        try {
            return BundleManifest.parse(json);
        } catch (InvalidDocumentException e) {
            throw new AssertionError("a manifest this program wrote is refused: " + e.getMessage(), e);
        }
    }
}
