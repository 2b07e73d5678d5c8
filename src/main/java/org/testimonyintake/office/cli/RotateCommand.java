package org.testimonyintake.office.cli;

import org.testimonyintake.cli.CliException;
import org.testimonyintake.cli.ExitCode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import org.testimonyintake.format.Fingerprints;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.office.OfficeKey;
import org.testimonyintake.office.SecretKeyFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "rotate", mixinStandardHelpOptions = true,
        description = "Add a new encryption subkey that becomes current; the previous one is revoked as superseded "
                + "but keeps its secret, so old submissions still decrypt. The published fingerprint does not change.")
final class RotateCommand implements Callable<Integer> {
    @Option(names = "--secret", required = true, paramLabel = "FILE", description = "The secret office key (rewritten).")
    Path secretFile;

    @Option(names = "--public", required = true, paramLabel = "FILE", description = "The public certificate (rewritten).")
    Path publicFile;

    @Mixin
    Passphrases passphrases;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(publicFile) && OfficeCertificate.containsSecretKeyMaterial(Files.readAllBytes(publicFile))) {
            throw new CliException(ExitCode.BAD_KEY, publicFile + " holds a secret key, not the public certificate",
                    "check the order of --secret and --public");
        }
        OfficeKey rotated = SecretKeyFile.read(secretFile).rotate(passphrases.existing());
        SecretKeyFile.replace(secretFile, rotated);
        writePublic(publicFile, rotated.certificate().armored());
        PrintWriter out = spec.commandLine().getOut();
        out.println("rotated: new current subkey " + rotated.certificate().currentSubkey().keyId());
        out.println("fingerprint (unchanged): " + Fingerprints.grouped(rotated.certificate().primaryFingerprint()));
        out.println("install " + publicFile + " on the intake server");
        return ExitCode.OK.code;
    }

    /** Atomic, so the server never reads half a certificate. */
    private static void writePublic(Path file, String armored) throws java.io.IOException {
        Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".office-cert-", ".tmp");
        try {
            Files.writeString(temporary, armored, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(temporary, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
