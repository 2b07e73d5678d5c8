package org.testimonyintake.intake.cli;

import org.testimonyintake.cli.CliException;
import org.testimonyintake.cli.ExitCode;
import org.testimonyintake.cli.GeneratedPassphrase;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.testimonyintake.format.Fingerprints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import org.testimonyintake.intake.web.IntakeApp;

/**
 * Tries the whole system on one machine: a throwaway DEMO office key made by {@code intake-office keygen} (this jar
 * holds no code that can write a secret key), the site on 127.0.0.1, and the commands that read what was submitted.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the site with a throwaway DEMO office key under --dir (never under keys/), and print "
                + "the commands that export and decrypt what is submitted.")
final class DemoCommand implements Callable<Integer> {
    static final String KEY_NAME = "DEMO intake (throwaway key)";
    private static final int GRACE_DAYS = 30;
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "demo/intake-demo",
            description = "Where the DEMO key, its passphrase and the submissions go (default: ${DEFAULT-VALUE}).")
    Path directory;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--office-jar", paramLabel = "JAR",
            description = "The office tool that makes the DEMO key (default: intake-office.jar beside this jar).")
    Path officeJar;

    @Mixin
    LimitOptions limitOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path keys = Path.of("keys").toAbsolutePath().normalize();
        if (directory.toAbsolutePath().normalize().startsWith(keys)) {
            throw new CliException(ExitCode.USAGE, "a DEMO key never goes under keys/",
                    "keys/ holds the real public office certificate; choose another --dir");
        }
        Path secret = directory.resolve("DEMO-office.sec.asc");
        Path certificate = directory.resolve("DEMO-office.asc");
        Path passphrase = directory.resolve("DEMO-passphrase.txt");
        Path data = directory.resolve("data");
        Path office = officeJar != null ? officeJar : besideThisJar("intake-office.jar");
        createDemoKeyUnlessPresent(office, secret, certificate, passphrase);

        IntakeApp.Settings settings = new IntakeApp.Settings(limitOptions.limits(), GRACE_DAYS, Optional.empty());
        RunningServer server = RunningServer.start(certificate, null, data, "127.0.0.1", port, settings);
        Path bundle = directory.resolve("bundle.zip");
        PrintWriter out = spec.commandLine().getOut();
        out.println("DEMO: a throwaway office key, only for trying the site; never use it for real testimony");
        out.println();
        out.println("  site:        " + server.url());
        out.println("  fingerprint: " + Fingerprints.grouped(server.certificate().primaryFingerprint()));
        out.println("  data:        " + data);
        out.println();
        out.println("After submitting something, export what arrived (in another terminal; the site keeps running)");
        out.println("and decrypt it; stop the site with Ctrl-C:");
        out.println();
        out.println("  java -jar " + shown(besideThisJar("intake-server.jar")) + " export --data " + data
                + " --out " + bundle);
        out.println("  java -jar " + shown(office) + " decrypt --secret " + secret + " --passphrase-file " + passphrase
                + " --out " + directory.resolve("case") + " " + bundle);
        out.flush();
        server.serveUntilStopped();
        return ExitCode.OK.code;
    }

    private void createDemoKeyUnlessPresent(Path officeJar, Path secret, Path certificate, Path passphrase)
            throws IOException, InterruptedException, CliException {
        List<Path> files = List.of(secret, certificate, passphrase);
        long present = files.stream().filter(Files::exists).count();
        if (present == files.size()) {
            return; // the DEMO key of an earlier run: what was submitted then still decrypts
        }
        if (present > 0) {
            throw new CliException(ExitCode.FILE, "an earlier DEMO key in " + directory + " is incomplete",
                    "delete " + directory + " and run the demo again");
        }
        if (!Files.isRegularFile(officeJar)) {
            throw new CliException(ExitCode.FILE, "the office tool " + officeJar + " does not exist",
                    "build both jars first: mvn -B package -DskipTests");
        }
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        Files.writeString(Files.createFile(passphrase, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)),
                GeneratedPassphrase.next() + "\n", StandardCharsets.US_ASCII);
        Process keygen = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", officeJar.toString(), "keygen", "--name", KEY_NAME, "--secret", secret.toString(),
                "--public", certificate.toString(), "--passphrase-file", passphrase.toString())
                .redirectErrorStream(true).start();
        String output = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keygen.waitFor() != 0) {
            throw new CliException(ExitCode.INTERNAL,
                    "intake-office could not create the DEMO key:\n" + output.strip(),
                    "delete " + directory + " and run the demo again");
        }
    }

    /** Six groups of five letters and digits that cannot be mistaken for each other: about 148 bits. */

    /** A jar in the directory this code runs from: {@code target/} both for the packaged jar and for target/classes. */
    private static Path besideThisJar(String name) throws URISyntaxException {
        Path self = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return self.getParent().resolve(name);
    }

    /** Relative to the working directory when below it, so the printed commands stay short. */
    private static Path shown(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath();
        return absolute.startsWith(here) ? here.relativize(absolute) : absolute;
    }
}
