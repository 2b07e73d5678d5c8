package org.testimonyintake.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/torrc as Debian's tor reads it. Only {@code --verify-config} and {@code --dump-config}: tor is never started
 * with this file here, since it would publish onion services on the real Tor network.
 */
class TorrcTest {
    private static final String DEBIAN_DEFAULTS = "/usr/share/tor/tor-service-defaults-torrc";

    @TempDir
    Path dir;

    @BeforeAll
    static void torInstalled() {
        assumeTrue(Command.installed("tor"), "tor is not installed (Debian package tor)");
    }

    private Path filled() throws IOException {
        // Its own data folder: verify-config creates nothing, but nothing should even name /var/lib/tor here.
        return Files.writeString(dir.resolve("torrc"),
                DeployFiles.fill(DeployFiles.TORRC, Map.of("DATA", dir.resolve("tor").toString(), "PORT", "8080")));
    }

    @Test
    void verifiesWithoutDefaults() throws Exception {
        Command.Outcome outcome = Command.run(List.of("tor", "--verify-config", "--defaults-torrc", "/dev/null",
                "-f", filled().toString())).requireSuccess();
        assertTrue(outcome.output().contains("Configuration was valid"), outcome.describe());
        assertFalse(Files.exists(dir.resolve("tor")), "verify-config created the data folder");
    }

    /** What Debian's tor@default service would run: its defaults open SOCKS port 9050, which this torrc closes. */
    @Test
    void effectiveConfigUnderDebiansDefaults() throws Exception {
        assumeTrue(Files.exists(Path.of(DEBIAN_DEFAULTS)), "not Debian's tor package");
        assumeTrue(Command.runningAsRoot(), "Debian's defaults say User debian-tor, which only root may become");
        // As root, tor checks that debian-tor could reach the data folder.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path torrc = filled();
        Command.run(List.of("tor", "--verify-config", "--defaults-torrc", DEBIAN_DEFAULTS, "-f", torrc.toString()))
                .requireSuccess();
        List<String> options = Command.run(List.of("tor", "--defaults-torrc", DEBIAN_DEFAULTS, "-f", torrc.toString(),
                "--dump-config", "full")).requireSuccess().output().lines().toList();
        assertEquals(List.of("SocksPort 0"), startingWith(options, "SocksPort "));
        assertEquals(List.of("Log notice syslog"), startingWith(options, "Log "));
        assertEquals(List.of("SafeLogging 1"), startingWith(options, "SafeLogging "));
        assertEquals(List.of("HiddenServicePoWDefensesEnabled 1"), startingWith(options, "HiddenServicePoW"));
        assertEquals(List.of("HiddenServicePort 80 127.0.0.1:8080", "HiddenServicePort 22 127.0.0.1:22"),
                startingWith(options, "HiddenServicePort "));
        assertEquals(List.of("HiddenServiceDir " + dir.resolve("tor/testimony-intake/"),
                "HiddenServiceDir " + dir.resolve("tor/admin-ssh/")), startingWith(options, "HiddenServiceDir ").stream()
                .map(line -> line.replaceAll("/$", "")).toList());
        assertEquals(List.of("HiddenServiceNonAnonymousMode 0"), startingWith(options, "HiddenServiceNonAnonymousMode"));
    }

    private static List<String> startingWith(List<String> lines, String prefix) {
        return lines.stream().filter(line -> line.startsWith(prefix)).toList();
    }
}
