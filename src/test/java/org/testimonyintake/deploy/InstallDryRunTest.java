package org.testimonyintake.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.format.Fingerprints;
import org.testimonyintake.format.OfficeCertificate;

/**
 * install.sh --dry-run as an ordinary process: it prints the plan and changes nothing. As root it runs as nobody, who
 * could not change the system even if the script tried; the system's files are compared before and after as well.
 */
class InstallDryRunTest {
    private static final Path VECTORS = Path.of("src/test/resources/vectors");
    /** A well-formed x25519 public key in base32, as client-auth-keygen.sh prints one. */
    private static final String AUTH_KEY = "BNCFAE3O2JNGHYHBWNJM54HPKY7RU54TSNTB55TAOUPUTDGYXQWA";
    private static final List<String> SYSTEM_PATHS = List.of("/etc/tor/torrc", "/etc/tor/torrc.before-testimony-intake",
            "/etc/systemd/system/intake-server.service", "/opt/testimony-intake/intake-server.jar",
            "/opt/testimony-intake/intake-server.jsa",
            "/etc/testimony-intake/office.asc", "/var/lib/tor/admin-ssh/authorized_clients/admin.auth",
            "/etc/onionbalance/config.yaml", "/etc/onionbalance/private_keys/frontend.key");

    @TempDir
    Path dir;
    Path jar;
    Path publicCert;

    /** Copies of the script, templates and inputs that nobody may read. */
    @BeforeEach
    void inputs() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path deploy = Files.createDirectory(dir.resolve("deploy"));
        for (Path file : List.of(DeployFiles.INSTALL, DeployFiles.CLASS_DATA_ARCHIVE, DeployFiles.TORRC, DeployFiles.UNIT)) {
            Files.copy(file, deploy.resolve(file.getFileName()));
        }
        Path onionbalance = Files.createDirectory(deploy.resolve("onionbalance"));
        for (Path file : List.of(DeployFiles.ONIONBALANCE_TORRC, DeployFiles.ONIONBALANCE_CONFIG)) {
            Files.copy(file, onionbalance.resolve(file.getFileName()));
        }
        jar = Files.writeString(dir.resolve("intake-server.jar"), "stands in for the jar: a dry run only compares it");
        publicCert = Files.copy(VECTORS.resolve("TEST-ONLY-office-key.pub.asc"), dir.resolve("office.asc"));
    }

    private Command.Outcome install(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", dir.resolve("deploy/install.sh").toString()));
        command.addAll(List.of(arguments));
        return Command.run(Command.unprivileged(command));
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() throws Exception {
        assumeTrue(Command.installed("gpg"), "gpg is not installed (Debian package gnupg)");
        List<String> before = systemState();
        Command.Outcome outcome = install("--dry-run", "--jar", jar.toString(), "--cert", publicCert.toString(),
                "--admin-auth-key", AUTH_KEY, "--port", "8123").requireSuccess();
        assertEquals(before, systemState(), "the dry run changed the system");

        String plan = outcome.output();
        assertTrue(plan.contains("would write /etc/tor/torrc (mode 0644, owner root:root):"), plan);
        assertTrue(plan.contains("    | HiddenServicePort 80 127.0.0.1:8123\n"), plan);
        assertTrue(plan.contains("    | HiddenServicePort 22 127.0.0.1:22\n"), plan);
        assertTrue(plan.contains("would write /var/lib/tor/admin-ssh/authorized_clients/admin.auth (mode 0600, owner"
                + " debian-tor:debian-tor):\n    | descriptor:x25519:" + AUTH_KEY + "\n"), plan);
        assertTrue(plan.contains(" --bind 127.0.0.1 --port 8123\n"), plan);
        assertTrue(plan.contains("install -m 0640 -o root -g intake " + publicCert + " /etc/testimony-intake/office.asc"),
                plan);
        assertTrue(plan.contains("would make /opt/testimony-intake/intake-server.jsa: a training run"), plan);
        String fingerprint = Fingerprints.grouped(
                OfficeCertificate.parse(Files.readAllBytes(publicCert)).primaryFingerprint());
        assertTrue(plan.contains("Office key fingerprint (compare with the printed one from the key ceremony): "
                + fingerprint + "\n"), plan);
        // Every change is a printed intention: nothing ran.
        assertFalse(plan.contains("install: wrote "), plan);
    }

    @Test
    void onionLocationAddsTheServerFlag() throws Exception {
        String plan = install("--dry-run", "--jar", jar.toString(), "--cert", publicCert.toString(),
                "--admin-auth-key", "descriptor:x25519:" + AUTH_KEY, "--onion-location").requireSuccess().output();
        assertTrue(plan.contains(" --port 8080 --onion-location http://"), plan);
    }

    @Test
    void aBackendStoresIntoPostgresqlAndServesAsAnOnionbalanceInstance() throws Exception {
        Path password = Files.writeString(dir.resolve("store-password"), "TEST-ONLY database password\n");
        String frontend = "a".repeat(56) + ".onion";
        String url = "postgresql://10.0.0.5:5432,10.0.0.6:5432/intake?user=intake&targetServerType=primary";
        String plan = install("--dry-run", "--jar", jar.toString(), "--cert", publicCert.toString(),
                "--admin-auth-key", AUTH_KEY, "--backend", url, "--store-password-file", password.toString(),
                "--frontend-address", frontend).requireSuccess().output();
        assertTrue(plan.contains(" --port 8080 --store " + url
                + " --store-password-file /etc/testimony-intake/store-password\n"), plan);
        assertTrue(plan.contains("install -m 0640 -o root -g intake " + password
                + " /etc/testimony-intake/store-password"), plan);
        assertTrue(plan.contains("    | IPAddressAllow=localhost 10.0.0.5 10.0.0.6\n"), plan);
        assertTrue(plan.contains("    | HiddenServicePort 80 127.0.0.1:8080\n    | HiddenServiceOnionbalanceInstance 1\n"),
                plan);
        assertTrue(plan.contains("    | MasterOnionAddress " + frontend + "\n"), plan);

        Command.Outcome withPassword = install("--dry-run", "--jar", jar.toString(), "--cert", publicCert.toString(),
                "--admin-auth-key", AUTH_KEY, "--backend", url + "&password=secret", "--store-password-file",
                password.toString(), "--frontend-address", frontend);
        assertTrue(withPassword.output().contains("must not carry the password"), withPassword.output());
        Command.Outcome byName = install("--dry-run", "--jar", jar.toString(), "--cert", publicCert.toString(),
                "--admin-auth-key", AUTH_KEY, "--backend", "postgresql://db.example:5432/intake?user=intake",
                "--store-password-file", password.toString(), "--frontend-address", frontend);
        assertTrue(byName.output().contains("IP addresses"), byName.output());
    }

    @Test
    void theFrontendRunsOnionbalanceForTheBackendsGiven() throws Exception {
        List<String> before = systemState();
        String first = "b".repeat(56) + ".onion";
        String second = "c".repeat(56) + ".onion";
        String plan = install("--dry-run", "--frontend", "--instance", first, "--instance", second,
                "--admin-auth-key", AUTH_KEY).requireSuccess().output();
        assertEquals(before, systemState(), "the dry run changed the system");
        assertTrue(plan.contains("    | ControlSocket /run/tor/control GroupWritable RelaxDirModeCheck\n"), plan);
        assertTrue(plan.contains("    | HiddenServicePort 22 127.0.0.1:22\n"), plan);
        assertFalse(plan.contains("HiddenServicePort 80"), "the frontend serves no site of its own: " + plan);
        assertTrue(plan.contains("would make /etc/onionbalance/private_keys/frontend.key with onionbalance-config"), plan);
        assertTrue(plan.contains("""
                would write /etc/onionbalance/config.yaml (mode 0640, owner root:onionbalance):
                """), plan);
        assertTrue(plan.contains("""
                    | - key: /etc/onionbalance/private_keys/frontend.key
                    |   instances:
                    |   - address: %s
                    |     name: backend1
                    |   - address: %s
                    |     name: backend2
                """.formatted(first, second)), plan);
        assertTrue(plan.contains("would run: systemctl restart onionbalance\n"), plan);
        assertFalse(plan.contains("intake-server"), "no intake server on the frontend: " + plan);

        String keyOnly = install("--dry-run", "--frontend", "--admin-auth-key", AUTH_KEY).requireSuccess().output();
        assertTrue(keyOnly.contains("would make /etc/onionbalance/private_keys/frontend.key"), keyOnly);
        assertTrue(keyOnly.contains("give it to each backend as --frontend-address"), keyOnly);
        assertFalse(keyOnly.contains("config.yaml"), "no instances yet, no configuration: " + keyOnly);
        Command.Outcome badInstance = install("--dry-run", "--frontend", "--instance", "backend.example",
                "--admin-auth-key", AUTH_KEY);
        assertTrue(badInstance.output().contains("--instance must be a backend's v3 onion address"),
                badInstance.describe());
        Command.Outcome withJar = install("--dry-run", "--frontend", "--instance", first, "--admin-auth-key", AUTH_KEY,
                "--jar", jar.toString());
        assertTrue(withJar.output().contains("--frontend runs no intake server"), withJar.describe());
    }

    @Test
    void refusesAnArmoredSecretKey() throws Exception {
        Path secret = Files.copy(VECTORS.resolve("TEST-ONLY-office-key.sec.asc"), dir.resolve("office.sec.asc"));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        assertRefusedAsSecret(install("--dry-run", "--jar", jar.toString(), "--cert", secret.toString(),
                "--admin-auth-key", AUTH_KEY));
    }

    /** No armor header to grep for: only reading the packets (gpg) finds the secret key. */
    @Test
    void refusesABinarySecretKey() throws Exception {
        assumeTrue(Command.installed("gpg"), "gpg is not installed (Debian package gnupg)");
        byte[] binary;
        try (ArmoredInputStream armor = new ArmoredInputStream(new ByteArrayInputStream(
                Files.readAllBytes(VECTORS.resolve("TEST-ONLY-office-key.sec.asc"))))) {
            binary = armor.readAllBytes();
        }
        Path secret = Files.write(dir.resolve("office.gpg"), binary);
        assertRefusedAsSecret(install("--dry-run", "--jar", jar.toString(), "--cert", secret.toString(),
                "--admin-auth-key", AUTH_KEY));
    }

    @Test
    void refusesAMalformedClientKey() throws Exception {
        Command.Outcome outcome = install("--dry-run", "--jar", jar.toString(), "--cert", publicCert.toString(),
                "--admin-auth-key", AUTH_KEY.substring(1));
        assertNotEquals(0, outcome.exitCode(), outcome.describe());
        assertTrue(outcome.output().contains("--admin-auth-key must be"), outcome.describe());
    }

    @Test
    void refusesToInstallWithoutRoot() throws Exception {
        assumeTrue(Command.runningAsRoot(), "only as root can this test drop to an unprivileged user");
        Command.Outcome outcome = install("--jar", jar.toString(), "--cert", publicCert.toString(),
                "--admin-auth-key", AUTH_KEY);
        assertNotEquals(0, outcome.exitCode(), outcome.describe());
        assertTrue(outcome.output().contains("run as root"), outcome.describe());
    }

    private static void assertRefusedAsSecret(Command.Outcome outcome) {
        assertEquals(1, outcome.exitCode(), outcome.describe());
        assertTrue(outcome.output().contains("holds a SECRET key"), outcome.describe());
        assertFalse(outcome.output().contains("would write"), outcome.describe());
    }

    /** Each path the installer writes: absent, or its SHA-256; and whether the intake user exists. */
    private static List<String> systemState() throws Exception {
        List<String> state = new ArrayList<>();
        for (String path : SYSTEM_PATHS) {
            Path file = Path.of(path);
            state.add(path + " " + (Files.isReadable(file) ? HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))) : Files.exists(file)));
        }
        state.add("user intake: " + Command.run(List.of("getent", "passwd", "intake")).output());
        return state;
    }
}
