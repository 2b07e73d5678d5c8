package org.testimonyintake.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.testimonyintake.office.DecryptionException;
import org.testimonyintake.office.DecryptionException.Reason;
import org.testimonyintake.office.MessageDecryptor;
import org.testimonyintake.office.SecretKeyFile;

/**
 * Every file in src/test/resources/vectors decrypts, or fails for exactly the reason it states, with the committed
 * TEST-ONLY office key; a failure leaves nothing behind in the output directory, not even a temporary file.
 */
class DecryptionVectorsTest {
    @TempDir
    static Path outputs;

    private static Path vectorDirectory;
    private static MessageDecryptor decryptor;

    @BeforeAll
    static void unlockTheTestOnlyOfficeKey() throws Exception {
        vectorDirectory = vectorDirectory();
        String passphrase = Files.readString(vectorDirectory.resolve(VectorGenerator.PASSPHRASE_FILE)).strip();
        decryptor = new MessageDecryptor(SecretKeyFile.read(vectorDirectory.resolve(VectorGenerator.SECRET_KEY_FILE))
                .unlock(passphrase.toCharArray()));
    }

    @TestFactory
    Stream<DynamicTest> eachVector() throws IOException {
        return vectors().map(vector -> DynamicTest.dynamicTest(vector.name() + ": " + vector.headers().get("expect"),
                () -> problem(vector).ifPresent(problem -> {
                    throw new AssertionError(problem);
                })));
    }

    /** All problems at once, as Tink's vector tests report them, so one run shows the whole picture. */
    @Test
    void noVectorHasAProblem() throws IOException {
        List<String> problems = new ArrayList<>();
        for (DecryptionVector vector : vectors().toList()) {
            problem(vector).ifPresent(problems::add);
        }
        assertTrue(problems.isEmpty(), problems.size() + " of the vectors fail:\n" + String.join("\n", problems));
    }

    /** A vector set that lost its failure cases, or its successes, would pass while testing little. */
    @Test
    void vectorsCoverSuccessAndEveryFailureReason() throws IOException {
        List<String> expected = vectors().map(v -> v.headers().get("expect")).distinct().sorted().toList();
        List<String> all = new ArrayList<>(Stream.of(Reason.values()).map(DecryptionVector::words).toList());
        all.add(DecryptionVector.SUCCESS);
        assertEquals(all.stream().sorted().toList(), expected);
    }

    /** An earlier decryption in the output folder must survive a second run that names the same file. */
    @Test
    void decryptionDoesNotReplaceAnExistingFile() throws Exception {
        Path target = Files.writeString(Files.createTempDirectory(outputs, "existing-").resolve("testimony"),
                "an earlier testimony");
        byte[] message = DecryptionVector.read(vectorDirectory.resolve("encryptor-text.vector")).message();

        assertThrows(FileAlreadyExistsException.class, () -> decryptor.decrypt(new ByteArrayInputStream(message), target));
        assertEquals("an earlier testimony", Files.readString(target));
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(List.of(target), files.toList());
        }
    }

    /** A full disk is the office's problem, not the message's: reporting it as tampering would discredit a testimony. */
    @Test
    void aFailingOutputIsNotReportedAsTampering() throws Exception {
        byte[] message = DecryptionVector.read(vectorDirectory.resolve("encryptor-binary.vector")).message();
        IOException diskFull = new IOException("No space left on device");
        OutputStream fullDisk = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw diskFull;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw diskFull;
            }
        };

        IOException thrown = assertThrows(IOException.class,
                () -> decryptor.decrypt(new ByteArrayInputStream(message), fullDisk));
        assertSame(diskFull, thrown);
    }

    /** Decrypts into a directory of its own and says what is wrong, if anything. */
    private static Optional<String> problem(DecryptionVector vector) {
        try {
            Path directory = Files.createTempDirectory(outputs, vector.name() + "-");
            Path target = directory.resolve("testimony");
            Optional<Reason> expectedFailure = vector.expectedFailure();
            try {
                decryptor.decrypt(new ByteArrayInputStream(vector.message()), target, vector.maxPlaintextBytes());
            } catch (DecryptionException e) {
                if (expectedFailure.isEmpty()) {
                    return Optional.of(vector.name() + ": expected success, failed with " + e.reason());
                }
                if (e.reason() != expectedFailure.get()) {
                    return Optional.of(vector.name() + ": expected " + expectedFailure.get() + ", got " + e.reason());
                }
                return leftBehind(vector, directory, List.of());
            }
            if (expectedFailure.isPresent()) {
                return Optional.of(vector.name() + ": expected " + expectedFailure.get() + ", but it decrypted");
            }
            String sha256 = DecryptionVector.sha256(Files.readAllBytes(target));
            if (!sha256.equals(vector.plaintextSha256())) {
                return Optional.of(vector.name() + ": plaintext SHA-256 " + sha256 + ", expected " + vector.plaintextSha256());
            }
            return leftBehind(vector, directory, List.of(target.getFileName().toString()));
        } catch (IOException | RuntimeException e) {
            return Optional.of(vector.name() + ": " + e);
        }
    }

    private static Optional<String> leftBehind(DecryptionVector vector, Path directory, List<String> expected)
            throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            List<String> found = files.map(f -> f.getFileName().toString()).sorted().toList();
            return found.equals(expected) ? Optional.empty()
                    : Optional.of(vector.name() + ": output directory holds " + found + ", expected " + expected);
        }
    }

    private static Stream<DecryptionVector> vectors() throws IOException {
        try (Stream<Path> files = Files.list(vectorDirectory)) {
            List<DecryptionVector> vectors = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(DecryptionVector.FILE_SUFFIX)).sorted().toList()) {
                vectors.add(DecryptionVector.read(file));
            }
            assertTrue(vectors.size() > 20, "vector files missing from " + vectorDirectory);
            return vectors.stream();
        }
    }

    private static Path vectorDirectory() throws URISyntaxException {
        return Path.of(DecryptionVectorsTest.class.getResource("/vectors/" + VectorGenerator.PASSPHRASE_FILE).toURI())
                .getParent();
    }
}
