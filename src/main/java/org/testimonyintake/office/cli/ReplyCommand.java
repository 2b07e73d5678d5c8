package org.testimonyintake.office.cli;

import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.testimonyintake.cli.CliException;
import org.testimonyintake.cli.ExitCode;
import org.testimonyintake.format.ReplyBundle;
import org.testimonyintake.format.ReplyCertificate;
import org.testimonyintake.office.CaseFolder;
import org.testimonyintake.office.CaseReplyKeys;
import org.testimonyintake.office.ReplyWriter;
import org.testimonyintake.office.SecretKeyFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "reply", mixinStandardHelpOptions = true,
        description = "Write a reply to a returning source's case as a reply bundle, for 'intake-server import-replies': "
                + "encrypted to the case's reply key (found in the case folder) and to the office, signed by the office key.")
final class ReplyCommand implements Callable<Integer> {
    private static final String UNKNOWN_MEDIA_TYPE = "application/octet-stream";
    private static final long MAX_MESSAGE_BYTES = 256 * 1024;

    @Option(names = "--secret", required = true, paramLabel = "FILE", description = "The secret office key.")
    Path secretFile;

    @Option(names = "--folder", required = true, paramLabel = "DIR", description = "The case folder 'decrypt' made.")
    Path caseFolder;

    @Option(names = "--case", required = true, paramLabel = "ID", description = "The case, as the case folder names it.")
    String caseId;

    @Option(names = "--message", required = true, paramLabel = "FILE", description = "The reply, UTF-8 text.")
    Path messageFile;

    @Option(names = "--attach", paramLabel = "FILE", description = "A file to send with the reply (repeatable).")
    List<Path> attachments = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The reply bundle to write (new file).")
    Path out;

    @Mixin
    Passphrases passphrases;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!ReplyBundle.isId(caseId)) {
            throw new CliException(ExitCode.USAGE, "--case must be a case id of 32 lower-case hex digits",
                    "the case folder's index.html lists each submission's case");
        }
        ReplyCertificate replyKey = CaseReplyKeys.find(caseFolder, caseId);
        if (Files.size(messageFile) > MAX_MESSAGE_BYTES) {
            throw new CliException(ExitCode.USAGE, messageFile + " is longer than a reply may be (256 KiB)", null);
        }
        String message;
        try {
            message = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(messageFile))).toString();
        } catch (CharacterCodingException e) {
            throw new CliException(ExitCode.FILE, messageFile + " is not UTF-8 text", "save the message as UTF-8");
        }
        List<ReplyWriter.Attachment> files = new ArrayList<>();
        for (Path file : attachments) {
            String mediaType = Optional.ofNullable(Files.probeContentType(file)).orElse(UNKNOWN_MEDIA_TYPE);
            files.add(new ReplyWriter.Attachment(file.getFileName().toString(), mediaType, Files.readAllBytes(file)));
        }
        ReplyWriter writer = new ReplyWriter(SecretKeyFile.read(secretFile), passphrases.existing());
        LocalDate today = LocalDate.now(Clock.systemUTC());
        ReplyWriter.Written reply = writer.write(caseId, replyKey, message, files, today, out);
        Path casePage = CaseFolder.recordReply(caseFolder, caseId, today, reply);
        spec.commandLine().getOut().println("wrote reply " + reply.id() + " to case " + caseId + " into " + out);
        spec.commandLine().getOut().println("the case's conversation: " + casePage);
        spec.commandLine().getOut().println("carry it to the server and run: intake-server import-replies " + out.getFileName());
        return ExitCode.OK.code;
    }
}
