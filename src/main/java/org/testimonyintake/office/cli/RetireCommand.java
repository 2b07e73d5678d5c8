package org.testimonyintake.office.cli;

import org.testimonyintake.cli.ExitCode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.testimonyintake.office.OfficeKey;
import org.testimonyintake.office.SecretKeyFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "retire", mixinStandardHelpOptions = true,
        description = "Destroy the secret part of a previous encryption subkey (crypto-shredding): what was encrypted "
                + "to it can no longer be read by anyone holding this file. Refuses the current subkey.")
final class RetireCommand implements Callable<Integer> {
    @Option(names = "--secret", required = true, paramLabel = "FILE", description = "The secret office key (rewritten).")
    Path secretFile;

    @Option(names = "--subkey", required = true, paramLabel = "ID",
            description = "Key ID or fingerprint of the subkey, as 'intake-office fingerprint' prints it.")
    String subkeyId;

    @Mixin
    Passphrases passphrases;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OfficeKey retired = SecretKeyFile.read(secretFile).retire(subkeyId, passphrases.existing());
        SecretKeyFile.replace(secretFile, retired);
        spec.commandLine().getOut().println("retired subkey " + subkeyId + ": its secret is gone from " + secretFile);
        spec.commandLine().getOut().println("backups of the key still hold it: retire it there too, or destroy them");
        return ExitCode.OK.code;
    }
}
