package org.testimonyintake.intake.cli;

import org.testimonyintake.cli.CliException;
import org.testimonyintake.cli.ExitCode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.testimonyintake.format.BundleManifest;
import org.testimonyintake.store.CaseStore;
import org.testimonyintake.store.StoreUnavailableException;
import org.testimonyintake.store.SubmissionStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the pending submissions into one bundle for the office (FORMAT.md section 8); "
                + "decrypt it offline with intake-office decrypt. Runs beside a running server.")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "The server's data directory (its SQLite store).")
    Path data;

    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "The bundle to write; never overwritten.")
    Path out;

    @Option(names = "--delete-exported",
            description = "Delete the exported submissions from the server once the bundle is safely written.")
    boolean deleteExported;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((data == null) == (storeOptions.location == null)) {
            throw new CliException(ExitCode.USAGE, "name the store: --data DIR or --store LOCATION");
        }
        int exported;
        List<BundleManifest.ForgottenCase> forgotten;
        // Like the submissions: a bundle that deletes takes the forgotten cases; any other is a copy.
        try (SubmissionStore store = storeOptions.open(data, true); CaseStore cases = storeOptions.cases(store, data);
             CaseStore.ForgottenListing listing = cases.listForgotten(deleteExported)) {
            forgotten = listing.cases();
            exported = store.exportBundle(out, deleteExported, forgotten);
            listing.taken();
        } catch (StoreUnavailableException e) {
            throw new CliException(ExitCode.FILE, "the database cannot be reached now; nothing was exported",
                    "try again once it is back");
        }
        PrintWriter printer = spec.commandLine().getOut();
        printer.println(exported + (exported == 1 ? " submission" : " submissions") + " written to " + out
                + (deleteExported ? " and deleted from the server" : ""));
        if (!forgotten.isEmpty()) {
            printer.println(forgotten.size() + (forgotten.size() == 1 ? " forgotten case" : " forgotten cases")
                    + " listed in it");
        }
        printer.println("carry it to the office machine and run: intake-office decrypt --secret FILE --out DIR " + out);
        return ExitCode.OK.code;
    }
}
