package org.testimonyintake.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/onionbalance/config.yaml.in, filled with a throwaway frontend key and backend addresses, is accepted by
 * Onionbalance's own parser, and the same file with a broken backend address is refused (test-config.sh does both,
 * offline: no tor, no onionbalance daemon, no connection); and the frontend's torrc is one tor accepts.
 */
class OnionbalanceConfigTest {
    @TempDir
    Path dir;

    /** Only {@code --verify-config}: tor is never started. */
    @Test
    void theFrontendTorrcVerifies() throws Exception {
        assumeTrue(Command.installed("tor"), "tor is not installed (Debian package tor)");
        Path torrc = Files.writeString(dir.resolve("torrc"),
                DeployFiles.fill(DeployFiles.ONIONBALANCE_TORRC, Map.of("DATA", dir.resolve("tor").toString())));
        Command.Outcome outcome = Command.run(List.of("tor", "--verify-config", "--defaults-torrc", "/dev/null",
                "-f", torrc.toString())).requireSuccess();
        assertTrue(outcome.output().contains("Configuration was valid"), outcome.describe());
        assertFalse(Files.exists(dir.resolve("tor")), "verify-config created the data folder");
    }

    @Test
    void onionbalanceAcceptsTheFilledTemplateAndRefusesABrokenOne() throws Exception {
        assumeTrue(Command.installed("onionbalance-config"), "onionbalance is not installed (Debian package onionbalance)");
        Command.Outcome outcome = Command.run(List.of("sh",
                DeployFiles.ONIONBALANCE.resolve("test-config.sh").toString())).requireSuccess();
        assertTrue(outcome.output().contains("onionbalance accepts config.yaml.in"), outcome.describe());
    }
}
