package org.testimonyintake.office.cli;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.testimonyintake.cli.ExitCode;
import org.testimonyintake.office.AnswersExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "export-answers", mixinStandardHelpOptions = true,
        description = "Write the answers of every submission in a case folder (made by decrypt) as CSV for "
                + "researchers: UTF-8 with a byte order mark, one row per submission, one column per question id. "
                + "FILE is created new, readable by its owner only: it holds testimony.")
final class ExportAnswersCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The CSV file to create.")
    Path csv;

    @Parameters(paramLabel = "DIR", description = "The case folder.")
    Path caseFolder;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(caseFolder)) {
            throw new NoSuchFileException(caseFolder.toString());
        }
        int rows = AnswersExport.write(caseFolder, csv);
        spec.commandLine().getOut().println("wrote " + rows + (rows == 1 ? " submission" : " submissions") + " to " + csv);
        return ExitCode.OK.code;
    }
}
