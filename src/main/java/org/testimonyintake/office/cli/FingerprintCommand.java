package org.testimonyintake.office.cli;

import org.testimonyintake.cli.CliException;
import org.testimonyintake.cli.ExitCode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.testimonyintake.format.Fingerprints;
import org.testimonyintake.format.KeyMaterialException;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.format.Subkey;
import org.testimonyintake.office.OfficeKey;
import org.testimonyintake.office.SecretKeyFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "fingerprint", mixinStandardHelpOptions = true,
        description = "Print the office fingerprint to publish and each encryption subkey with its state "
                + "(current, previous, retired) and dates. Reads a public certificate or the secret key; "
                + "only the secret key knows which subkeys are retired.")
final class FingerprintCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "Public certificate or secret key file.")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OfficeCertificate certificate;
        List<Subkey> subkeys;
        if (OfficeCertificate.containsSecretKeyMaterial(Files.readAllBytes(file))) {
            OfficeKey key = SecretKeyFile.read(file);
            certificate = key.certificate();
            subkeys = key.encryptionSubkeys();
        } else {
            certificate = parseCertificate();
            subkeys = certificate.encryptionSubkeys();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("fingerprint: " + Fingerprints.grouped(certificate.primaryFingerprint()));
        for (Subkey subkey : subkeys) {
            out.printf("subkey %s  %-8s  created %s%s%n", subkey.keyId(), subkey.state().label(), subkey.created(),
                    subkey.superseded().map(date -> "  superseded " + date).orElse(""));
        }
        return ExitCode.OK.code;
    }

    private OfficeCertificate parseCertificate() throws Exception {
        try {
            return OfficeCertificate.parse(Files.readAllBytes(file));
        } catch (KeyMaterialException e) {
            throw new CliException(ExitCode.BAD_KEY, file + ": " + e.getMessage());
        }
    }
}
