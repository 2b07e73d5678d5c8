package org.testimonyintake.office.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import org.testimonyintake.cli.CliException;
import org.testimonyintake.cli.CommandRunner;
import org.testimonyintake.cli.RootCommand;
import org.testimonyintake.cli.ExitCode;
import org.testimonyintake.office.DigestWarmUp;
import org.testimonyintake.office.WrongPassphraseException;
import picocli.CommandLine.Command;

/** {@code intake-office}: the offline office tool. Tests call {@link #execute}; only {@link #main} exits. */
@Command(name = "intake-office", mixinStandardHelpOptions = true, version = "intake-office 0.1.0",
        description = "Offline office tool of Testimony Intake: office keys, decryption of submissions, replies to returning sources.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:some input could not be decrypted", "2:wrong command line",
                "3:wrong kind of key, or the key does not allow it", "4:passphrase wrong, weak or unavailable",
                "5:file missing, already there, or not writable", "70:internal error (run again with --debug)"})
public final class OfficeCli extends RootCommand {
    static final String NAME = "intake-office";

    @Override
    protected List<Class<?>> subcommands() {
        return List.of(KeygenCommand.class, RotateCommand.class, RetireCommand.class, FingerprintCommand.class,
                DecryptCommand.class, ExportAnswersCommand.class, ReplyCommand.class);
    }

    public static void main(String[] args) {
        DigestWarmUp.startInBackground();
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return CommandRunner.execute(NAME, new OfficeCli(), OfficeCli::officeFailure, out, err, args);
    }

    private static Optional<CliException> officeFailure(Exception e) {
        return e instanceof WrongPassphraseException
                ? Optional.of(new CliException(ExitCode.BAD_PASSPHRASE, e.getMessage())) : Optional.empty();
    }
}
