package org.testimonyintake.intake.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.testimonyintake.cli.CliException;
import org.testimonyintake.cli.ExitCode;
import org.testimonyintake.format.InvalidDocumentException;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.returning.ReplyImporter;
import org.testimonyintake.store.CaseStore;
import org.testimonyintake.store.SubmissionStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "import-replies", mixinStandardHelpOptions = true,
        description = "Store the replies of a reply bundle made by 'intake-office reply' (FORMAT.md section 10.5), after "
                + "checking the office key's signature and that each reply is encrypted to its case's reply key. "
                + "A bundle that fails any check stores nothing. Runs beside a running server.")
final class ImportRepliesCommand implements Callable<Integer> {
    @Option(names = "--key", paramLabel = "FILE", defaultValue = "keys/office.asc",
            description = "The office certificate whose primary key signed the bundle (default: ${DEFAULT-VALUE}).")
    Path key;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
            description = "The server's data directory (default: ${DEFAULT-VALUE}); its SQLite store unless --store "
                    + "names another.")
    Path data;

    @Mixin
    StoreOptions storeOptions;

    @Parameters(paramLabel = "FILE", description = "The reply bundle.")
    Path bundle;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path sqlite = storeOptions.sqliteDirectory(data);
        if (sqlite != null && !Files.isRegularFile(sqlite.resolve("intake.db"))) {
            throw new CliException(ExitCode.FILE, "the data directory " + sqlite + " holds no intake database");
        }
        OfficeCertificate office = OfficeCertificate.parse(Files.readAllBytes(key));
        ReplyImporter.Imported imported;
        // On SQLite the cases alone, beside a running server (an export beside it keeps the submission store).
        try (SubmissionStore shared = sqlite == null ? storeOptions.open(data, true) : null;
             CaseStore cases = storeOptions.cases(shared, data)) {
            imported = new ReplyImporter(cases).importReplies(bundle, office);
        } catch (InvalidDocumentException e) {
            throw new CliException(ExitCode.BAD_KEY, bundle + ": " + e.getMessage() + "; nothing was stored",
                    "make the bundle again with intake-office reply and carry it unchanged");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("stored " + imported.stored() + (imported.stored() == 1 ? " reply" : " replies")
                + (imported.alreadyThere() > 0 ? ", " + imported.alreadyThere() + " already here" : ""));
        for (String forgotten : imported.forgottenCases()) {
            out.println("case " + forgotten + " is forgotten on this server; its reply was not stored");
        }
        return ExitCode.OK.code;
    }
}
