package org.testimonyintake.intake.web;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.intake.TestSite;

/** Tests that share one running site per class, with a real key and SQLite store in a temporary directory. */
abstract class SiteTest {
    @TempDir
    static Path directory;
    static TestSite site;

    @BeforeAll
    static void startSite() throws Exception {
        site = TestSite.start(directory);
    }

    @AfterAll
    static void stopSite() {
        site.close();
    }
}
