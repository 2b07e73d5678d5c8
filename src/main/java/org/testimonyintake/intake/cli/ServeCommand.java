package org.testimonyintake.intake.cli;

import org.testimonyintake.cli.CliException;
import org.testimonyintake.cli.ExitCode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.testimonyintake.format.Fingerprints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import org.testimonyintake.intake.web.IntakeApp;
import org.testimonyintake.store.CaseStore;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the intake site. Refuses to start unless --key is a usable public office certificate.")
final class ServeCommand implements Callable<Integer> {
    private static final Pattern ONION_ADDRESS = Pattern.compile("http://[a-z2-7]{56}\\.onion/?");

    @Option(names = "--key", paramLabel = "FILE", defaultValue = "keys/office.asc",
            description = "The public office certificate (default: ${DEFAULT-VALUE}). Reloaded when the file changes.")
    Path key;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
            description = "Where the server keeps its state, and submissions, encrypted, unless --store names "
                    + "another place (default: ${DEFAULT-VALUE}).")
    Path data;

    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on; the onion service forwards to it (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--questionnaire", paramLabel = "FILE",
            description = "The questions to ask, as JSON (default: the built-in questionnaire).")
    Path questionnaire;

    @Option(names = "--grace-days", paramLabel = "DAYS", defaultValue = "30",
            description = "Days after a key rotation during which uploads to the previous subkey are still accepted "
                    + "(default: ${DEFAULT-VALUE}).")
    int graceDays;

    @Option(names = "--onion-location", paramLabel = "URL",
            description = "The site's onion address, e.g. http://<56 letters>.onion/: sent as Onion-Location, so that "
                    + "Tor Browser offers it when the pages are also served on a clearnet mirror.")
    String onionLocation;

    @Option(names = "--keep-read-reply-days", paramLabel = "DAYS", defaultValue = "7",
            description = "Days a reply is kept after the source first read it (default: ${DEFAULT-VALUE}).")
    int keepReadReplyDays;

    @Option(names = "--keep-unread-reply-days", paramLabel = "DAYS", defaultValue = "90",
            description = "Days a reply the source never read is kept (default: ${DEFAULT-VALUE}).")
    int keepUnreadReplyDays;

    @Option(names = "--forget-idle-case-days", paramLabel = "DAYS", defaultValue = "180",
            description = "Days without a follow-up, reply or read after which a returning source's case is "
                    + "forgotten (default: ${DEFAULT-VALUE}).")
    int forgetIdleCaseDays;

    @Mixin
    LimitOptions limitOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (onionLocation != null && !ONION_ADDRESS.matcher(onionLocation).matches()) {
            throw new CliException(ExitCode.USAGE, "--onion-location must be http://<56 letters>.onion/",
                    "the address is in the hostname file of the onion service directory");
        }
        if (keepReadReplyDays < 1 || keepUnreadReplyDays < 1 || forgetIdleCaseDays < 1) {
            throw new CliException(ExitCode.USAGE, "replies and cases are kept at least 1 day");
        }
        IntakeApp.Settings settings = new IntakeApp.Settings(limitOptions.limits(), graceDays,
                Optional.ofNullable(onionLocation).map(url -> url.endsWith("/") ? url : url + "/"),
                new CaseStore.Retention(keepReadReplyDays, keepUnreadReplyDays, forgetIdleCaseDays));
        RunningServer server = RunningServer.start(key, questionnaire, data,
                () -> storeOptions.open(data, false), bind, port, settings);
        PrintWriter out = spec.commandLine().getOut();
        out.println("intake-server: listening on " + server.url());
        out.println("intake-server: office key " + Fingerprints.grouped(server.certificate().primaryFingerprint()));
        out.flush();
        server.serveUntilStopped();
        return ExitCode.OK.code;
    }
}
