package org.testimonyintake.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/intake-server.service as install.sh writes it, checked by systemd's own analyzer. systemd is not running on
 * the build machine, so these are offline checks: the unit's syntax, directives and executables ({@code verify}) and
 * its sandboxing score ({@code security --offline}); whether the JVM starts under this sandbox needs a systemd host.
 */
class SystemdUnitTest {
    @TempDir
    Path dir;

    private String unit() throws Exception {
        return DeployFiles.fill(DeployFiles.UNIT, Map.of("PORT", "8080", "SERVER_ARGS", ""));
    }

    /**
     * verify also checks that ExecStart's program exists. /usr/bin/java is where Debian's openjdk-17-jre-headless puts
     * it; on a machine with Java elsewhere the copy names this test's own JVM, which changes nothing else.
     */
    @Test
    void systemdAnalyzeVerifyPasses() throws Exception {
        assumeTrue(Command.installed("systemd-analyze"), "systemd-analyze is not installed (Debian package systemd)");
        String unit = unit();
        if (!Files.isExecutable(Path.of("/usr/bin/java"))) {
            unit = unit.replace("ExecStart=/usr/bin/java ", "ExecStart=" + ProcessHandle.current().info().command().orElseThrow() + " ");
        }
        Path file = Files.writeString(dir.resolve("intake-server.service"), unit);
        Command.Outcome outcome = Command.run(List.of("systemd-analyze", "verify", file.toString())).requireSuccess();
        // verify reports unknown directives and typos as warnings with exit code 0.
        assertEquals("", outcome.output().strip(), outcome.describe());
    }

    @Test
    void sandboxScoresSafe() throws Exception {
        assumeTrue(Command.installed("systemd-analyze"), "systemd-analyze is not installed (Debian package systemd)");
        Path file = Files.writeString(dir.resolve("intake-server.service"), unit());
        String output = Command.run(List.of("systemd-analyze", "security", "--offline=true", file.toString()))
                .requireSuccess().output();
        Matcher score = Pattern.compile("Overall exposure level for intake-server.service: ([0-9.]+)").matcher(output);
        assertTrue(score.find(), output);
        assertTrue(Double.parseDouble(score.group(1)) <= 1.5, "exposure " + score.group(1) + ":\n" + output);
    }

    @Test
    void hardeningAndCommandLine() throws Exception {
        List<String> lines = unit().lines().toList();
        for (String required : List.of("User=intake", "Restart=on-failure", "ExecReload=/bin/kill -HUP $MAINPID",
                "ProtectSystem=strict", "ReadWritePaths=/var/lib/testimony-intake", "PrivateTmp=yes", "NoNewPrivileges=yes",
                "CapabilityBoundingSet=", "AmbientCapabilities=", "ProtectHome=yes", "ProtectKernelTunables=yes",
                "ProtectKernelModules=yes", "ProtectKernelLogs=yes", "ProtectControlGroups=yes", "LockPersonality=yes",
                "SystemCallFilter=@system-service", "UMask=0077", "LimitCORE=0", "StandardOutput=journal",
                "RestrictAddressFamilies=AF_INET AF_UNIX", "IPAddressDeny=any", "IPAddressAllow=localhost")) {
            assertTrue(lines.contains(required), "missing " + required);
        }
        assertEquals(1, lines.stream().filter(line -> line.startsWith("ReadWritePaths=")).count());
        assertFalse(lines.stream().anyMatch(line -> line.startsWith("MemoryDenyWriteExecute=")), "the JIT needs W+X memory");
        assertTrue(lines.stream().anyMatch(line -> line.matches("MemoryMax=\\d+[MG]")));
        String execStart = lines.stream().filter(line -> line.startsWith("ExecStart=")).findFirst().orElseThrow();
        assertTrue(execStart.endsWith(" -jar /opt/testimony-intake/intake-server.jar serve --key /etc/testimony-intake/office.asc"
                + " --data /var/lib/testimony-intake --bind 127.0.0.1 --port 8080"), execStart);
        // The archive install.sh makes (InstallDryRunTest); without it the JVM starts all the same (ClassDataArchiveIT).
        assertTrue(execStart.contains(" -XX:SharedArchiveFile=/opt/testimony-intake/intake-server.jsa "), execStart);
        assertFalse(execStart.contains("-Xshare:on"), "a missing or stale archive must not stop the server: " + execStart);
    }
}
