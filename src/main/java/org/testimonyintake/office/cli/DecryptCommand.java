package org.testimonyintake.office.cli;

import org.testimonyintake.cli.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import org.testimonyintake.format.InvalidDocumentException;
import org.testimonyintake.office.CaseFolder;
import org.testimonyintake.office.DecryptionException;
import org.testimonyintake.office.MessageDecryptor;
import org.testimonyintake.office.OfficeKey;
import org.testimonyintake.office.SecretKeyFile;
import org.testimonyintake.office.TestimonyFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "decrypt", mixinStandardHelpOptions = true,
        description = "Decrypt OpenPGP messages (binary or armored) addressed to any office subkey, and export "
                + "bundles of the intake server, into DIR (created with mode 0700). A file appears only after its "
                + "integrity check passed. A testimony document gets a sanitized view NAME.html beside it; a bundle "
                + "becomes a case folder: one folder per submission and an index.html.")
final class DecryptCommand implements Callable<Integer> {
    @Option(names = "--secret", required = true, paramLabel = "FILE", description = "The secret office key.")
    Path secretFile;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the plaintext.")
    Path outDirectory;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Encrypted messages.")
    List<Path> inputs;

    @Mixin
    Passphrases passphrases;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        OfficeKey key = SecretKeyFile.read(secretFile);
        if (SecretKeyFile.readableByOthers(secretFile)) {
            err.println(OfficeCli.NAME + ": warning: " + secretFile + " is readable by other users; chmod 600 it");
        }
        MessageDecryptor decryptor = new MessageDecryptor(key.unlock(passphrases.existing()));
        createPrivateDirectory(outDirectory);
        CaseFolder caseFolder = new CaseFolder(outDirectory, decryptor);
        Progress progress = new Progress(err, inputs.size());
        int decrypted = 0;
        for (Path input : inputs) {
            try {
                if (CaseFolder.isBundle(input)) {
                    if (addBundle(caseFolder, input, progress)) {
                        decrypted++;
                    }
                } else {
                    decryptOne(decryptor, input);
                    decrypted++;
                }
            } catch (InvalidDocumentException e) {
                progress.interrupt();
                err.println(OfficeCli.NAME + ": error: " + input + ": " + e.getMessage());
            } catch (DecryptionException e) {
                progress.interrupt();
                err.println(OfficeCli.NAME + ": error: " + input + ": " + e.getMessage());
            } catch (FileAlreadyExistsException e) {
                progress.interrupt();
                err.println(OfficeCli.NAME + ": error: " + input + ": " + e.getFile() + " already exists; not overwritten");
            } catch (NoSuchFileException e) {
                progress.interrupt();
                err.println(OfficeCli.NAME + ": error: " + input + " does not exist");
            }
            progress.advance();
        }
        progress.finish();
        spec.commandLine().getOut().println("decrypted " + decrypted + " of " + inputs.size() + " into " + outDirectory);
        return decrypted == inputs.size() ? ExitCode.OK.code : ExitCode.CANNOT_DECRYPT.code;
    }

    /** Returns true if every submission of the bundle is now in the case folder. */
    private boolean addBundle(CaseFolder caseFolder, Path bundle, Progress progress)
            throws IOException, InvalidDocumentException {
        boolean complete = true;
        for (CaseFolder.Outcome outcome : caseFolder.addBundle(bundle)) {
            if (!outcome.decrypted()) {
                progress.interrupt();
                spec.commandLine().getErr().println(OfficeCli.NAME + ": error: " + bundle + ": submission "
                        + outcome.submissionId() + ": " + outcome.problem());
                complete = false;
            }
        }
        return complete;
    }

    private void decryptOne(MessageDecryptor decryptor, Path input) throws IOException, DecryptionException {
        String name = TestimonyFiles.plaintextName(input.getFileName().toString());
        Path target = outDirectory.resolve(name);
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        try (InputStream message = Files.newInputStream(input)) {
            decryptor.decrypt(message, target);
        }
        TestimonyFiles.addViewIfTestimony(target, name);
    }

    private static void createPrivateDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    /** A counter on stderr, only when a person watches a terminal and there is more than one file. */
    private static final class Progress {
        private final PrintWriter err;
        private final int total;
        private final boolean shown;
        private int done;

        Progress(PrintWriter err, int total) {
            this.err = err;
            this.total = total;
            this.shown = System.console() != null && total > 1;
        }

        void advance() {
            done++;
            if (shown) {
                err.print("\rdecrypted " + done + "/" + total);
                err.flush();
            }
        }

        /** Ends the counter line so that an error message starts on its own line. */
        void interrupt() {
            if (shown && done > 0) {
                err.println();
            }
        }

        void finish() {
            if (shown) {
                err.println();
            }
        }
    }
}
