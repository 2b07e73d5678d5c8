package org.testimonyintake.office.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.format.TestimonyDocument;

/** The office tool as staff use it: exit codes, messages, and what it leaves on disk. */
class OfficeCliTest {
    static final String PASSPHRASE = "test only: marram grass over the dunes";

    @TempDir
    static Path shared;
    static Path passphraseFile;
    static Path secret;
    static Path certificate;

    @TempDir
    Path dir;

    @BeforeAll
    static void createOfficeKey() throws IOException {
        passphraseFile = Files.writeString(shared.resolve("passphrase.txt"), PASSPHRASE + "\n");
        secret = shared.resolve("office.sec.asc");
        certificate = shared.resolve("office.asc");
        Cli keygen = Cli.run("keygen", "--name", "Test office", "--secret", secret.toString(),
                "--public", certificate.toString(), "--passphrase-file", passphraseFile.toString());
        assertEquals(0, keygen.exitCode(), keygen.err());
        assertTrue(keygen.out().matches("(?s).*fingerprint: ([0-9A-F]{4} ){5} ([0-9A-F]{4} ){4}[0-9A-F]{4}\\n.*"), keygen.out());
    }

    @Test
    void secretKeyIsOwnerOnlyAndPublicFileHoldsNoSecret() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertFalse(OfficeCertificate.containsSecretKeyMaterial(Files.readAllBytes(certificate)));
        assertTrue(OfficeCertificate.containsSecretKeyMaterial(Files.readAllBytes(secret)));
    }

    @Test
    void keygenTakesALongNonAsciiOfficeName() throws IOException {
        // Bouncy Castle shortens a long user ID in the armor comment with a non-ASCII ellipsis.
        String name = "북한 해외노동자 증언 접수 사무소 — Приём свидетельств <intake@example.org>";
        Path secretFile = dir.resolve("s.asc");
        Path publicFile = dir.resolve("p.asc");
        Cli keygen = Cli.run("keygen", "--name", name, "--secret", secretFile.toString(), "--public", publicFile.toString(),
                "--passphrase-file", passphraseFile.toString());
        assertEquals(0, keygen.exitCode(), keygen.err());
        assertEquals(0, Cli.run("fingerprint", publicFile.toString()).exitCode());
        assertEquals(0, Cli.run("fingerprint", secretFile.toString()).exitCode());
    }

    @Test
    void keygenNeverOverwrites() throws IOException {
        byte[] before = Files.readAllBytes(secret);
        Path newPublic = dir.resolve("new.asc");
        Cli again = Cli.run("keygen", "--name", "x", "--secret", secret.toString(), "--public", newPublic.toString(),
                "--passphrase-file", passphraseFile.toString());
        assertEquals(5, again.exitCode());
        assertTrue(again.err().startsWith("intake-office: error: " + secret + " already exists\nintake-office: hint: "), again.err());
        assertArrayEquals(before, Files.readAllBytes(secret));
        assertFalse(Files.exists(newPublic), "nothing is written when the command is refused");
    }

    @Test
    void keygenRefusesWeakPassphraseAndOffersOne() throws IOException {
        Path weak = Files.writeString(dir.resolve("weak.txt"), "password123\n");
        Cli refused = Cli.run("keygen", "--name", "x", "--secret", dir.resolve("s.asc").toString(),
                "--public", dir.resolve("p.asc").toString(), "--passphrase-file", weak.toString());
        assertEquals(4, refused.exitCode());
        assertTrue(refused.err().contains("error: passphrase too weak"), refused.err());
        assertTrue(refused.err().matches("(?s).*hint: write down a generated one such as: [a-z2-9]{5}(-[a-z2-9]{5}){5}\\n"), refused.err());
        assertFalse(Files.exists(dir.resolve("s.asc")));
    }

    @Test
    void withoutTerminalOrPassphraseFileSaysHowToGiveOne() {
        Cli refused = Cli.run("rotate", "--secret", secret.toString(), "--public", certificate.toString());
        assertEquals(4, refused.exitCode());
        assertEquals("intake-office: error: no terminal to ask for the passphrase\n"
                + "intake-office: hint: give it with --passphrase-file FILE\n", refused.err());
    }

    @Test
    void refusesPublicCertificateWhereSecretKeyBelongs() {
        Cli refused = Cli.run("decrypt", "--secret", certificate.toString(), "--out", dir.toString(),
                "--passphrase-file", passphraseFile.toString(), "whatever.pgp");
        assertEquals(3, refused.exitCode());
        assertEquals("intake-office: error: " + certificate + " is a public certificate, not the secret office key\n", refused.err());
    }

    @Test
    void refusesToWriteTheCertificateOverASecretKey() throws IOException {
        Path secretCopy = Files.copy(secret, dir.resolve("copy.sec.asc"));
        Path otherSecret = Files.copy(secret, dir.resolve("other.sec.asc"));
        byte[] before = Files.readAllBytes(otherSecret);
        Cli refused = Cli.run("rotate", "--secret", secretCopy.toString(), "--public", otherSecret.toString(),
                "--passphrase-file", passphraseFile.toString());
        assertEquals(3, refused.exitCode());
        assertTrue(refused.err().contains("holds a secret key, not the public certificate"), refused.err());
        assertArrayEquals(before, Files.readAllBytes(otherSecret));
    }

    @Test
    void wrongPassphraseIsRefused() throws IOException {
        Path wrong = Files.writeString(dir.resolve("wrong.txt"), "not the passphrase at all, sorry");
        Cli refused = Cli.run("decrypt", "--secret", secret.toString(), "--out", dir.resolve("out").toString(),
                "--passphrase-file", wrong.toString(), "x.pgp");
        assertEquals(4, refused.exitCode());
        assertEquals("intake-office: error: the passphrase does not unlock this key\n", refused.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void rotateKeepsFingerprintAndRetireRefusesTheCurrentSubkey() throws IOException {
        Path rotatingSecret = Files.copy(secret, dir.resolve("r.sec.asc"));
        Path rotatingPublic = Files.copy(certificate, dir.resolve("r.asc"));
        String before = Cli.run("fingerprint", rotatingPublic.toString()).out().lines().findFirst().orElseThrow();

        Cli rotate = Cli.run("rotate", "--secret", rotatingSecret.toString(), "--public", rotatingPublic.toString(),
                "--passphrase-file", passphraseFile.toString());
        assertEquals(0, rotate.exitCode(), rotate.err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(rotatingSecret)));

        List<String> listing = Cli.run("fingerprint", rotatingSecret.toString()).out().lines().toList();
        assertEquals(before, listing.get(0));
        assertTrue(listing.get(1).matches("subkey [0-9A-F]{16}  current   created \\d{4}-\\d\\d-\\d\\d"), listing.get(1));
        assertTrue(listing.get(2).matches("subkey [0-9A-F]{16}  previous  created \\S+  superseded \\S+"), listing.get(2));

        String currentId = listing.get(1).split(" ")[1];
        String previousId = listing.get(2).split(" ")[1];
        Cli refused = Cli.run("retire", "--secret", rotatingSecret.toString(), "--subkey", currentId,
                "--passphrase-file", passphraseFile.toString());
        assertEquals(3, refused.exitCode());
        assertTrue(refused.err().contains("is the current one; rotate first"), refused.err());

        Cli retire = Cli.run("retire", "--secret", rotatingSecret.toString(), "--subkey", previousId.toLowerCase(),
                "--passphrase-file", passphraseFile.toString());
        assertEquals(0, retire.exitCode(), retire.err());
        assertTrue(Cli.run("fingerprint", rotatingSecret.toString()).out().contains(previousId + "  retired "));
        assertTrue(Cli.run("fingerprint", rotatingPublic.toString()).out().contains(previousId + "  previous "),
                "the public certificate cannot know about retirement");
    }

    @Test
    void decryptWritesTestimonyWithViewIntoPrivateFolder() throws Exception {
        TestimonyDocument document = new TestimonyDocument("ru", "server",
                List.of(new TestimonyDocument.Answer("testimony", "Что случилось?", List.of("Я бежал с лесозаготовок <script>alert(1)</script>"))),
                List.of());
        Path input = Files.write(dir.resolve("testimony.json.pgp"),
                MessageEncryptor.encrypt(OfficeCertificate.parse(Files.readAllBytes(certificate)), document.toJson()));
        Path out = dir.resolve("case");

        Cli decrypt = Cli.run("decrypt", "--secret", secret.toString(), "--out", out.toString(),
                "--passphrase-file", passphraseFile.toString(), input.toString());
        assertEquals(0, decrypt.exitCode(), decrypt.err());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        assertArrayEquals(document.toJson(), Files.readAllBytes(out.resolve("testimony.json")));
        String view = Files.readString(out.resolve("testimony.html"), StandardCharsets.UTF_8);
        assertTrue(view.contains("Я бежал с лесозаготовок"));
        assertFalse(view.contains("<script>alert"));
    }

    @Test
    void tamperedInputGivesAnErrorAndNoFileWhileGoodInputsStillDecrypt() throws Exception {
        OfficeCertificate office = OfficeCertificate.parse(Files.readAllBytes(certificate));
        byte[] good = MessageEncryptor.encrypt(office, "강제노동 벌목장에서 도망쳤다".getBytes(StandardCharsets.UTF_8));
        byte[] tampered = good.clone();
        tampered[tampered.length - 30] ^= 1;
        Path goodFile = Files.write(dir.resolve("good.pgp"), good);
        Path tamperedFile = Files.write(dir.resolve("tampered.pgp"), tampered);
        Path out = dir.resolve("out");

        Cli decrypt = Cli.run("decrypt", "--secret", secret.toString(), "--out", out.toString(),
                "--passphrase-file", passphraseFile.toString(), tamperedFile.toString(), goodFile.toString());
        assertEquals(1, decrypt.exitCode());
        assertEquals("intake-office: error: " + tamperedFile
                + ": cannot decrypt: integrity check failed: the message was modified or is truncated\n", decrypt.err());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("good"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("강제노동 벌목장에서 도망쳤다", Files.readString(out.resolve("good")));
    }

    /**
     * Plain messages decrypt on every core but are committed in input order: of two messages with the same plaintext
     * name the earlier keeps it even when it is the large, slow one, the later is refused, and errors come in input
     * order; the same every run.
     */
    @Test
    void aBatchCommitsInInputOrderAndTheLaterDuplicateIsRefused() throws Exception {
        OfficeCertificate office = OfficeCertificate.parse(Files.readAllBytes(certificate));
        byte[] large = new byte[3 << 20];
        new java.util.Random(3).nextBytes(large);
        Path first = Files.write(Files.createDirectories(dir.resolve("first")).resolve("video.pgp"),
                MessageEncryptor.encrypt(office, large));
        Path second = Files.write(Files.createDirectories(dir.resolve("second")).resolve("video.pgp"),
                MessageEncryptor.encrypt(office, "the later one".getBytes(StandardCharsets.UTF_8)));
        List<String> inputs = new java.util.ArrayList<>(List.of(first.toString(), second.toString()));
        StringBuilder expectedErrors = new StringBuilder("intake-office: error: " + second + ": "
                + dir.resolve("RUN").resolve("video") + " already exists; not overwritten\n");
        for (int i = 0; i < 24; i++) {
            byte[] message = MessageEncryptor.encrypt(office, ("message " + i).getBytes(StandardCharsets.UTF_8));
            if (i % 5 == 2) {
                message[message.length - 3] ^= 1;
                expectedErrors.append("intake-office: error: ").append(dir.resolve("m" + i + ".pgp"))
                        .append(": cannot decrypt: integrity check failed: the message was modified or is truncated\n");
            }
            inputs.add(Files.write(dir.resolve("m" + i + ".pgp"), message).toString());
        }
        for (int run = 0; run < 3; run++) {
            Path out = dir.resolve("batch-" + run);
            List<String> args = new java.util.ArrayList<>(List.of("decrypt", "--secret", secret.toString(), "--out",
                    out.toString(), "--passphrase-file", passphraseFile.toString()));
            args.addAll(inputs);
            Cli decrypt = Cli.run(args.toArray(String[]::new));
            assertEquals(1, decrypt.exitCode());
            assertEquals(expectedErrors.toString().replace(dir.resolve("RUN").toString(), out.toString()), decrypt.err());
            assertTrue(decrypt.out().startsWith("decrypted 20 of 26 into "), decrypt.out());
            assertArrayEquals(large, Files.readAllBytes(out.resolve("video")));
            assertEquals("message 23", Files.readString(out.resolve("m23")));
            try (Stream<Path> files = Files.list(out)) {
                assertEquals(20, files.count(), "no temporary file is left beside the 20 plaintexts");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "keygen", "rotate", "retire", "fingerprint", "decrypt"})
    void everyCommandHasHelp(String command) {
        Cli help = command.isEmpty() ? Cli.run("--help") : Cli.run(command, "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().startsWith("Usage: intake-office"), help.out());
    }

    /** Only the named subcommand is built at start; help and a mistyped name still see all of them. */
    @Test
    void helpListsEveryCommandAndAMistypedOneGetsASuggestion() {
        String help = Cli.run("--help").out();
        for (String command : List.of("keygen", "rotate", "retire", "fingerprint", "decrypt", "export-answers", "reply")) {
            assertTrue(help.contains("\n  " + command + " "), command + " missing from:\n" + help);
        }
        Cli mistyped = Cli.run("--debug", "decrpyt", "--secret", "x");
        assertEquals(2, mistyped.exitCode());
        assertTrue(mistyped.err().contains("hint: did you mean decrypt?"), mistyped.err());
    }

    @Test
    void theInheritedDebugOptionWorksBeforeTheCommand() throws IOException {
        Cli failed = Cli.run("--debug", "fingerprint", dir.resolve("missing.asc").toString());
        assertEquals(5, failed.exitCode(), failed.err());
        assertTrue(failed.err().contains("\tat "), "a stack trace with --debug:\n" + failed.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        Cli wrong = Cli.run("decrypt", "--sekret", "x");
        assertEquals(2, wrong.exitCode());
        assertTrue(wrong.err().contains("hint: see 'intake-office decrypt --help'"), wrong.err());
    }
}
