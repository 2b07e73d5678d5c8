package org.testimonyintake.interop;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testimonyintake.interop.ExternalTool.Outcome;

/** GnuPG 2.2 in a home directory of its own, so nothing of the developer's keyring is read or changed. */
public final class GnuPG implements AutoCloseable {
    private static final Pattern PKESK_KEY_ID = Pattern.compile(":pubkey enc packet: .*keyid ([0-9A-F]{16})");

    private final Path home;
    private final Path passphraseFile;

    private GnuPG(Path home, Path passphraseFile) {
        this.home = home;
        this.passphraseFile = passphraseFile;
    }

    /** A fresh GNUPGHOME under {@code directory}; {@code passphrase} answers every passphrase question gpg asks. */
    public static GnuPG createIn(Path directory, String passphrase) throws IOException {
        ExternalTool.requireInstalled("gpg", "gnupg");
        // gpg refuses homes that others can read, and gpg-agent's socket path must stay short.
        Path home = Files.createTempDirectory(directory, "gnupg-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path passphraseFile = Files.writeString(home.resolve("passphrase"), passphrase);
        return new GnuPG(home, passphraseFile);
    }

    /** Runs gpg non-interactively; a passphrase, when asked for, comes from the file, never from a prompt. */
    public Outcome run(byte[] stdin, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--no-tty", "--pinentry-mode", "loopback",
                "--passphrase-file", passphraseFile.toString()));
        command.addAll(List.of(arguments));
        return ExternalTool.run(Map.of("GNUPGHOME", home.toString()), stdin, command);
    }

    public Outcome run(String... arguments) throws IOException, InterruptedException {
        return run(new byte[0], arguments);
    }

    public Outcome importKey(Path file) throws IOException, InterruptedException {
        return run("--import", file.toString());
    }

    /** Encrypts to an imported certificate; the office key is not signed by anyone, hence trust-model always. */
    public Outcome encrypt(String recipient, Path plaintext, Path ciphertext, String... options)
            throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("--trust-model", "always", "--recipient", recipient,
                "--output", ciphertext.toString()));
        arguments.addAll(List.of(options));
        arguments.addAll(List.of("--encrypt", plaintext.toString()));
        return run(arguments.toArray(String[]::new));
    }

    public Outcome decrypt(Path ciphertext, Path plaintext) throws IOException, InterruptedException {
        return run("--output", plaintext.toString(), "--decrypt", ciphertext.toString());
    }

    /** gpg's own packet dump; with the secret key imported it also shows what is inside the encryption. */
    public String listPackets(Path message) throws IOException, InterruptedException {
        return run("--list-packets", message.toString()).stdoutText();
    }

    /** The key IDs that the message's PKESK packets name, as gpg --list-packets prints them. */
    public List<String> recipientKeyIds(Path message) throws IOException, InterruptedException {
        Matcher keyIds = PKESK_KEY_ID.matcher(listPackets(message));
        List<String> found = new ArrayList<>();
        while (keyIds.find()) {
            found.add(keyIds.group(1));
        }
        return found;
    }

    /** Stops the gpg-agent that gpg started for this home (only this home's agent). */
    @Override
    public void close() throws IOException {
        try {
            ExternalTool.run(Map.of("GNUPGHOME", home.toString()), new byte[0], List.of("gpgconf", "--kill", "all"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping gpg-agent in " + home);
        }
    }
}
