package org.testimonyintake.office.cli;

import org.testimonyintake.cli.CliException;
import org.testimonyintake.cli.ExitCode;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.testimonyintake.cli.GeneratedPassphrase;
import picocli.CommandLine.Option;

/** Where a passphrase comes from: {@code --passphrase-file}, else the terminal without echo. */
final class Passphrases {
    /** Long enough to resist offline guessing at the S2K cost we use; see README "Key ceremony". */
    static final int MINIMUM_LENGTH = 16;
    private static final int MINIMUM_DISTINCT_CHARACTERS = 6;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Read the passphrase from the first line of FILE instead of asking on the terminal.")
    Path file;

    /** The passphrase of an existing key. */
    char[] existing() throws CliException {
        return file != null ? fromFile() : ask("passphrase for the office key: ");
    }

    /** A passphrase for a new key: asked twice on the terminal, and refused if weak. */
    char[] forNewKey() throws CliException {
        char[] passphrase;
        if (file != null) {
            passphrase = fromFile();
        } else {
            passphrase = ask("passphrase for the new office key: ");
            char[] again = ask("the same passphrase again: ");
            if (!Arrays.equals(passphrase, again)) {
                throw new CliException(ExitCode.BAD_PASSPHRASE, "the two passphrases differ");
            }
        }
        if (isWeak(passphrase)) {
            throw new CliException(ExitCode.BAD_PASSPHRASE,
                    "passphrase too weak: use at least " + MINIMUM_LENGTH + " characters, not a repeated pattern",
                    "write down a generated one such as: " + GeneratedPassphrase.next());
        }
        return passphrase;
    }

    static boolean isWeak(char[] passphrase) {
        long distinct = new String(passphrase).chars().distinct().count();
        return passphrase.length < MINIMUM_LENGTH || distinct < MINIMUM_DISTINCT_CHARACTERS;
    }


    private char[] fromFile() throws CliException {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            int end = content.indexOf('\n');
            String line = end < 0 ? content : content.substring(0, end);
            return (line.endsWith("\r") ? line.substring(0, line.length() - 1) : line).toCharArray();
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.FILE, "passphrase file " + file + " does not exist");
        } catch (IOException e) {
            throw new CliException(ExitCode.FILE, "cannot read passphrase file " + file);
        }
    }

    private static char[] ask(String prompt) throws CliException {
        Console console = System.console();
        if (console == null) {
            throw new CliException(ExitCode.BAD_PASSPHRASE, "no terminal to ask for the passphrase",
                    "give it with --passphrase-file FILE");
        }
        char[] passphrase = console.readPassword("%s", prompt);
        if (passphrase == null) {
            throw new CliException(ExitCode.BAD_PASSPHRASE, "no passphrase given");
        }
        return passphrase;
    }
}
