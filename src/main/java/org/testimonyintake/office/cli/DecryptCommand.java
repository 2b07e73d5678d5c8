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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import org.testimonyintake.format.InvalidDocumentException;
import org.testimonyintake.office.CaseFolder;
import org.testimonyintake.office.DecryptionException;
import org.testimonyintake.office.DecryptionSubkeys;
import org.testimonyintake.office.MessageBatch;
import org.testimonyintake.office.MessageDecryptor;
import org.testimonyintake.office.SecretKeyFile;
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
        DecryptionSubkeys key = SecretKeyFile.readDecryptionSubkeys(secretFile);
        if (SecretKeyFile.readableByOthers(secretFile)) {
            err.println(OfficeCli.NAME + ": warning: " + secretFile + " is readable by other users; chmod 600 it");
        }
        MessageDecryptor decryptor = new MessageDecryptor(key.unlock(passphrases.existing()));
        createPrivateDirectory(outDirectory);
        CaseFolder caseFolder = new CaseFolder(outDirectory, decryptor);
        Progress progress = new Progress(err, inputs);
        MessageBatch messages = new MessageBatch(decryptor, outDirectory, progress::reading);
        int decrypted;
        try {
            decrypted = decryptAll(caseFolder, messages, progress);
        } catch (UncheckedFailure e) {
            throw (Exception) e.getCause();
        }
        progress.close();
        spec.commandLine().getOut().println("decrypted " + decrypted + " of " + inputs.size() + " into " + outDirectory);
        return decrypted == inputs.size() ? ExitCode.OK.code : ExitCode.CANNOT_DECRYPT.code;
    }

    /** Returns how many inputs are now decrypted in full. */
    private int decryptAll(CaseFolder caseFolder, MessageBatch messages, Progress progress)
            throws IOException, InvalidDocumentException {
        int decrypted = 0;
        // Bundles one by one (each merges into the case folder); the plain messages between them on every core.
        for (int next = 0; next < inputs.size(); ) {
            Path input = inputs.get(next);
            if (CaseFolder.isBundle(input)) {
                try {
                    if (addBundle(caseFolder, input, progress)) {
                        decrypted++;
                    }
                } catch (InvalidDocumentException | FileAlreadyExistsException | NoSuchFileException e) {
                    report(progress, input, e);
                }
                progress.finished(input);
                next++;
            } else {
                int bundle = next;
                while (bundle < inputs.size() && !CaseFolder.isBundle(inputs.get(bundle))) {
                    bundle++;
                }
                int[] committed = {0};
                messages.decrypt(inputs.subList(next, bundle), result -> {
                    if (result.failure() == null) {
                        committed[0]++;
                    } else {
                        report(progress, result.input(), result.failure());
                    }
                    progress.finished(result.input());
                });
                decrypted += committed[0];
                next = bundle;
            }
        }
        return decrypted;
    }

    /** One input that could not be decrypted: said on stderr, and the run goes on; anything else ends the run. */
    private void report(Progress progress, Path input, Exception failure) {
        progress.interrupt();
        PrintWriter err = spec.commandLine().getErr();
        if (failure instanceof InvalidDocumentException || failure instanceof DecryptionException) {
            err.println(OfficeCli.NAME + ": error: " + input + ": " + failure.getMessage());
        } else if (failure instanceof FileAlreadyExistsException exists) {
            err.println(OfficeCli.NAME + ": error: " + input + ": " + exists.getFile() + " already exists; not overwritten");
        } else if (failure instanceof NoSuchFileException) {
            err.println(OfficeCli.NAME + ": error: " + input + " does not exist");
        } else {
            throw new UncheckedFailure(failure);
        }
    }

    /** Carries a failure that ends the run out of the batch's callback, to picocli's handler. */
    private static final class UncheckedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedFailure(Exception cause) {
            super(cause);
        }
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
        /** Octets read so far of each message being decrypted (several at once in a batch). */
        private final Map<Path, Long> counted = new ConcurrentHashMap<>();

        Progress(PrintWriter err, List<Path> inputs) {
            this.err = err;
            long total = inputs.stream().mapToLong(Progress::size).sum();
            boolean shown = System.console() != null && (inputs.size() > 1 || total >= LARGE_INPUT_BYTES);
            this.bar = shown ? new ProgressBarBuilder().setTaskName("decrypting").setInitialMax(total)
                    .setUnit(" MB", 1_000_000).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
        }

        /** The input stream of one message, counted as it is read; on any thread. */
        InputStream reading(Path input, InputStream message) {
            return bar == null ? message : new FilterInputStream(message) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        bar.stepBy(n);
                        counted.merge(input, (long) n, Long::sum);
                    }
                    return n;
                }
            };
        }

        /** The whole of an input counts as done, read or not (a bundle, a missing file, a refused message). */
        void finished(Path input) {
            long read = counted.getOrDefault(input, 0L);
            counted.remove(input);
            if (bar != null) {
                bar.stepBy(Math.max(0, size(input) - read));
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
