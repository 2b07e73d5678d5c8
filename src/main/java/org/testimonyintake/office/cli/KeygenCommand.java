package org.testimonyintake.office.cli;

import org.testimonyintake.cli.CliException;
import org.testimonyintake.cli.ExitCode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.testimonyintake.format.Fingerprints;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.office.OfficeKey;
import org.testimonyintake.office.SecretKeyFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Create the office key: a secret key file (mode 0600, kept offline) and the public certificate "
                + "to publish. Never overwrites a file.")
final class KeygenCommand implements Callable<Integer> {
    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "Name of the office, as the user ID of the key, e.g. \"Example NGO intake <intake@example.org>\".")
    String name;

    @Option(names = "--secret", required = true, paramLabel = "FILE", description = "Where to write the secret key.")
    Path secretFile;

    @Option(names = "--public", required = true, paramLabel = "FILE",
            description = "Where to write the public certificate (e.g. keys/office.asc).")
    Path publicFile;

    @Option(names = "--profile", paramLabel = "PROFILE", defaultValue = "compat",
            converter = ProfileConverter.class,
            description = "compat (default: readable by GnuPG 2.2, Sequoia sq 0.27, openpgp.js, Bouncy Castle) or "
                    + "modern (OpenPGP v6; GnuPG 2.2 and sq 0.27 cannot read it).")
    KeyProfile profile;

    @Mixin
    Passphrases passphrases;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (secretFile.toAbsolutePath().normalize().equals(publicFile.toAbsolutePath().normalize())) {
            throw new CliException(ExitCode.USAGE, "--secret and --public name the same file");
        }
        SecretKeyFile.requireAbsent(secretFile);
        SecretKeyFile.requireAbsent(publicFile);
        OfficeKey key = OfficeKey.generate(profile, name, passphrases.forNewKey());
        SecretKeyFile.createNew(secretFile, key);
        Files.writeString(Files.createFile(publicFile), key.certificate().armored(), StandardCharsets.UTF_8); // BC puts the user ID, maybe non-ASCII, in an armor comment
        PrintWriter out = spec.commandLine().getOut();
        out.println("office key created (profile " + profile.name().toLowerCase(java.util.Locale.ROOT) + ")");
        out.println("fingerprint: " + Fingerprints.grouped(key.certificate().primaryFingerprint()));
        out.println("secret key:  " + secretFile + " (keep it offline; back it up to two encrypted drives)");
        out.println("public key:  " + publicFile + " (publish it and the fingerprint)");
        return ExitCode.OK.code;
    }
}
