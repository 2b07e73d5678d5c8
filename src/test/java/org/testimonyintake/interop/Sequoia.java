package org.testimonyintake.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.testimonyintake.interop.ExternalTool.Outcome;

/** Sequoia sq 0.27 with HOME pointed at a temporary directory, so it reads and writes no user state. */
public final class Sequoia {
    private final Path home;

    private Sequoia(Path home) {
        this.home = home;
    }

    public static Sequoia createIn(Path directory) throws IOException {
        ExternalTool.requireInstalled("sq", "sq");
        ExternalTool.requireInstalled("script", "bsdutils");
        return new Sequoia(Files.createTempDirectory(directory, "sq-home-"));
    }

    public Outcome run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sq"));
        command.addAll(List.of(arguments));
        return ExternalTool.run(Map.of("HOME", home.toString()), new byte[0], command);
    }

    /** Encrypts to a certificate file (sq 0.27 calls the option --recipient-cert); armored unless told otherwise. */
    public Outcome encrypt(Path certificate, Path plaintext, Path ciphertext, String... options)
            throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("encrypt", "--recipient-cert", certificate.toString(),
                "--output", ciphertext.toString()));
        arguments.addAll(List.of(options));
        arguments.add(plaintext.toString());
        return run(arguments.toArray(String[]::new));
    }

    /**
     * Decrypts with the passphrase-protected office secret key file itself. sq 0.27 has no passphrase-file option: it
     * reads the passphrase from /dev/tty only, and without a terminal it fails with "No such device or address (os
     * error 6)". An unprotected copy of the key would dodge that but would no longer test that sq reads the key as
     * the office stores it, so sq runs on a pseudo-terminal made by util-linux script(1) and the passphrase is typed
     * into it. script echoes what it is fed, so the passphrase appears on script's stdout: only a test passphrase
     * ever goes through here.
     */
    public Outcome decrypt(Path secretKey, String passphrase, Path ciphertext, Path plaintext)
            throws IOException, InterruptedException {
        String sq = String.join(" ", quoted("sq"), "decrypt", "--recipient-key", quoted(secretKey.toString()),
                "--output", quoted(plaintext.toString()), quoted(ciphertext.toString()));
        return ExternalTool.run(Map.of("HOME", home.toString()), (passphrase + "\n").getBytes(StandardCharsets.UTF_8),
                List.of("script", "--quiet", "--return", "--command", sq, "/dev/null"));
    }

    /** sq's packet dump, which names the recipient of each PKESK without needing any key. */
    public String packetDump(Path message) throws IOException, InterruptedException {
        return run("packet", "dump", message.toString()).requireSuccess().stdoutText();
    }

    private static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
