package org.testimonyintake.office.cli;

import org.testimonyintake.cli.ExitCode;
import java.io.FilterInputStream;
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
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
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
    /** A file this large (a phone's video) gets a progress bar and an early start of the bulk decryption code. */
    private static final long LARGE_INPUT_BYTES = 32L << 20;

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
        if (inputs.stream().anyMatch(input -> Progress.size(input) >= LARGE_INPUT_BYTES)) {
            MessageDecryptor.warmUpInBackground(); // pays off only on large files; a small run would wait for it
        }
        OfficeKey key = SecretKeyFile.read(secretFile);
        if (SecretKeyFile.readableByOthers(secretFile)) {
            err.println(OfficeCli.NAME + ": warning: " + secretFile + " is readable by other users; chmod 600 it");
        }
        MessageDecryptor decryptor = new MessageDecryptor(key.unlock(passphrases.existing()));
        createPrivateDirectory(outDirectory);
        CaseFolder caseFolder = new CaseFolder(outDirectory, decryptor);
        Progress progress = new Progress(err, inputs);
        int decrypted = 0;
        for (Path input : inputs) {
            try {
                if (CaseFolder.isBundle(input)) {
                    if (addBundle(caseFolder, input, progress)) {
                        decrypted++;
                    }
                } else {
                    decryptOne(decryptor, input, progress);
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
            progress.finished(input);
        }
        progress.close();
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

    private void decryptOne(MessageDecryptor decryptor, Path input, Progress progress)
            throws IOException, DecryptionException {
        String name = TestimonyFiles.plaintextName(input.getFileName().toString());
        Path target = outDirectory.resolve(name);
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        try (InputStream message = progress.reading(Files.newInputStream(input))) {
            decryptor.decrypt(message, target);
        }
        TestimonyFiles.addViewIfTestimony(target, name);
    }

    private static void createPrivateDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    /**
     * A progress bar on stderr, in megabytes of input, only when a person watches a terminal and there is more than
     * one file or a large one (a phone's video); drawn by the progressbar library.
     */
    private static final class Progress implements AutoCloseable {
        private final PrintWriter err;
        private final ProgressBar bar;
        private long before;

        Progress(PrintWriter err, List<Path> inputs) {
            this.err = err;
            long total = inputs.stream().mapToLong(Progress::size).sum();
            boolean shown = System.console() != null && (inputs.size() > 1 || total >= LARGE_INPUT_BYTES);
            this.bar = shown ? new ProgressBarBuilder().setTaskName("decrypting").setInitialMax(total)
                    .setUnit(" MB", 1_000_000).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
        }

        /** The input stream of one message, counted as it is read. */
        InputStream reading(InputStream message) {
            return bar == null ? message : new FilterInputStream(message) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        bar.stepBy(n);
                    }
                    return n;
                }
            };
        }

        /** The whole of an input counts as done, read or not (a bundle, a missing file). */
        void finished(Path input) {
            before += size(input);
            if (bar != null) {
                bar.stepTo(before);
            }
        }

        /** Ends the bar's line so that an error message starts on its own line. */
        void interrupt() {
            if (bar != null) {
                err.println();
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }

        static long size(Path input) {
            try {
                return Files.size(input);
            } catch (IOException e) {
                return 0; // reported as missing when its turn comes
            }
        }
    }
}
