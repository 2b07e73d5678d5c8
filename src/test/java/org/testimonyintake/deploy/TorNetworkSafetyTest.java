package org.testimonyintake.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The guard of deploy/test-tor-network.sh: before any tor starts, every config must keep to 127.0.0.1 and to the
 * private network's own authorities. {@code --check-config} applies exactly those checks and starts nothing.
 */
class TorNetworkSafetyTest {
    private static final String HEX40 = "A".repeat(40);

    @TempDir
    Path dir;
    Path resolv;

    @BeforeAll
    static void torInstalled() {
        assumeTrue(Command.installed("tor"), "tor is not installed (Debian package tor)");
    }

    @BeforeEach
    void resolvConf() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        resolv = Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.1\n");
    }

    /** A client config of the shape the script writes. */
    private String safeConfig() {
        return String.join("\n", "TestingTorNetwork 1", "DataDirectory " + dir.resolve("client"), "SafeLogging 1",
                "UseDefaultFallbackDirs 0", "ClientUseIPv6 0", "OutboundBindAddress 127.0.0.1",
                "ServerDNSDetectHijacking 0", "ServerDNSResolvConfFile " + resolv,
                "DirAuthority auth1 orport=20000 no-v2 v3ident=" + HEX40 + " 127.0.0.1:20001 " + HEX40,
                "SocksPort 127.0.0.1:20010 ExtendedErrors", "UseMicrodescriptors 0",
                "ReachableAddresses accept 127.0.0.0/8:*, reject *:*", "");
    }

    private Command.Outcome check(String config) throws Exception {
        Path file = Files.writeString(dir.resolve("client.torrc"), config);
        return Command.run(Command.unprivileged(List.of("bash", Path.of("deploy/test-tor-network.sh").toAbsolutePath()
                .toString(), "--check-config", file.toString())));
    }

    @Test
    void passesTheScriptsOwnShape() throws Exception {
        Command.Outcome outcome = check(safeConfig()).requireSuccess();
        assertTrue(outcome.output().contains("1 config(s) pass the safety checks"), outcome.describe());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a public authority            | 127.0.0.1:20001 | 198.51.100.7:20001  | is not on 127.0.0.1",
        "a private-range SOCKS address | SocksPort 127.0.0.1:20010 | SocksPort 10.0.0.2:20010 | is not on 127.0.0.1",
        "a host name                   | OutboundBindAddress 127.0.0.1 | OutboundBindAddress localhost | is not on 127.0.0.1",
        "IPv6                          | SocksPort 127.0.0.1:20010 | SocksPort [::1]:20010 | is not on 127.0.0.1",
        "an open exit policy           | ReachableAddresses accept 127.0.0.0/8:*, reject *:* | ExitPolicy accept *:* | open policy",
        "the public fallback dirs      | UseDefaultFallbackDirs 0 | UseDefaultFallbackDirs 1 | lacks UseDefaultFallbackDirs 0",
        "no testing network            | TestingTorNetwork 1 | TestingTorNetwork 0 | lacks TestingTorNetwork 1",
        "the DNS hijack check          | ServerDNSDetectHijacking 0 | ServerDNSDetectHijacking 1 | lacks ServerDNSDetectHijacking 0",
        "an option off the list        | SafeLogging 1 | FallbackDir 192.0.2.1:80 orport=9001 id=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA | option FallbackDir is not allowed",
    })
    void refuses(String what, String safe, String unsafe, String message) throws Exception {
        String config = safeConfig();
        assertTrue(config.contains(safe), safe);
        Command.Outcome outcome = check(config.replace(safe, unsafe));
        assertEquals(1, outcome.exitCode(), outcome.describe());
        assertTrue(outcome.output().contains(message), outcome.describe());
    }

    @Test
    void refusesAResolverOtherThanLoopback() throws Exception {
        Files.writeString(resolv, "nameserver 192.168.1.1\n");
        Command.Outcome outcome = check(safeConfig());
        assertEquals(1, outcome.exitCode(), outcome.describe());
        assertTrue(outcome.output().contains("must name only the nameserver 127.0.0.1"), outcome.describe());
    }
}
