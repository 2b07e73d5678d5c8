package org.testimonyintake.intake.cli;

import org.testimonyintake.cli.CliException;
import org.testimonyintake.cli.ExitCode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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
        try (SubmissionStore store = storeOptions.open(data, true)) {
            exported = store.exportBundle(out, deleteExported);
        } catch (StoreUnavailableException e) {
            throw new CliException(ExitCode.FILE, "the database cannot be reached now; nothing was exported",
                    "try again once it is back");
        }
        PrintWriter printer = spec.commandLine().getOut();
        printer.println(exported + (exported == 1 ? " submission" : " submissions") + " written to " + out
                + (deleteExported ? " and deleted from the server" : ""));
        printer.println("carry it to the office machine and run: intake-office decrypt --secret FILE --out DIR " + out);
        return ExitCode.OK.code;
    }
}
