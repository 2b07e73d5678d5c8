package org.testimonyintake.office;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.BiFunction;

/**
 * Decrypts independent messages into one folder on every core, and commits them in input order: each plaintext is
 * decrypted to a hidden temporary file and gets its name only when its turn comes, so the outcome is the same as one
 * after the other. Two messages with the same plaintext name: the earlier one in the input keeps it, the later one is
 * refused as already there, every time. At most a few messages per core wait decrypted for their turn.
 */
public final class MessageBatch {
    /** One message's outcome: its plaintext file, or why there is none. */
    public record Result(Path input, Path plaintext, Exception failure) {
    }

    private static final int WAITING_PER_CORE = 4;

    private final MessageDecryptor decryptor;
    private final Path folder;
    private final BiFunction<Path, InputStream, InputStream> reading;

    /**
     * @param reading wraps each message's input stream as it is opened (a progress bar counts it); called on the
     *        decrypting threads
     */
    public MessageBatch(MessageDecryptor decryptor, Path folder, BiFunction<Path, InputStream, InputStream> reading) {
        this.decryptor = decryptor;
        this.folder = folder;
        this.reading = reading;
    }

    /** Decrypts every input and hands each result to {@code results} on this thread, in input order. */
    public void decrypt(List<Path> inputs, Consumer<Result> results) throws InterruptedIOException {
        int cores = Runtime.getRuntime().availableProcessors();
        ExecutorService threads = Executors.newFixedThreadPool(Math.min(cores, Math.max(1, inputs.size())), task -> {
            Thread thread = new Thread(task, "decrypt-batch");
            thread.setDaemon(true);
            return thread;
        });
        Deque<Future<Path>> decrypting = new ArrayDeque<>();
        try {
            int submitted = 0;
            for (Path input : inputs) {
                while (submitted < inputs.size() && decrypting.size() < cores * WAITING_PER_CORE) {
                    Path next = inputs.get(submitted++);
                    decrypting.add(threads.submit(() -> decryptToTemporary(next)));
                }
                results.accept(commit(input, decrypting.remove()));
            }
        } finally {
            threads.shutdownNow();
            // A failure of the caller leaves temporary files of messages not yet committed: remove them.
            for (Future<Path> left : decrypting) {
                try {
                    Files.deleteIfExists(left.get());
                } catch (InterruptedException | ExecutionException | IOException e) {
                    // nothing was left, or it went already
                }
            }
        }
    }

    /** The plaintext name of an input file: its name without the encryption suffix. */
    public Path target(Path input) {
        return folder.resolve(TestimonyFiles.plaintextName(input.getFileName().toString()));
    }

    private Path decryptToTemporary(Path input) throws IOException, DecryptionException {
        Path target = target(input);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString()); // no need to decrypt what cannot be kept
        }
        try (InputStream message = reading.apply(input, Files.newInputStream(input))) {
            return decryptor.decryptToTemporary(message, folder, Long.MAX_VALUE);
        }
    }

    private Result commit(Path input, Future<Path> decrypted) throws InterruptedIOException {
        Path temporary;
        try {
            temporary = decrypted.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while decrypting");
        } catch (ExecutionException e) {
            return new Result(input, null, e.getCause() instanceof Exception failure ? failure : e);
        }
        Path target = target(input);
        try {
            // The atomic move is rename(2), which would silently replace an earlier message of the same name.
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(target.toString());
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            TestimonyFiles.addViewIfTestimony(target, target.getFileName().toString());
            return new Result(input, target, null);
        } catch (IOException e) {
            return new Result(input, null, e);
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                // the next run of the tool would find it hidden and partial, never under the target's name
            }
        }
    }
}
