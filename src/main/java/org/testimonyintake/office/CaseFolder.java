package org.testimonyintake.office;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.testimonyintake.format.BundleManifest;
import org.testimonyintake.format.InvalidDocumentException;
import org.testimonyintake.format.PartName;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.render.AttachmentFile;
import org.testimonyintake.render.IndexEntry;
import org.testimonyintake.render.RelativeLink;
import org.testimonyintake.render.Thumbnail;
import org.testimonyintake.render.TestimonyView;

/**
 * Turns an export bundle (FORMAT.md section 8) into a case folder: one folder per submission with the testimony
 * document, its view and its attachments, and an index of every submission in the folder. A submission's folder is
 * assembled under a hidden name and renamed into place only when every part decrypted and verified, so a tampered
 * part leaves no plaintext of that submission behind, not even of its good parts.
 */
public final class CaseFolder {
    public static final String INDEX = "index.html";
    private static final String TESTIMONY_FILE = "testimony.json";
    private static final String VIEW_FILE = "testimony.html";
    private static final String ATTACHMENTS = "attachments";
    /** Where each segment of an attachment is decrypted before it is checked and appended. */
    private static final String SEGMENT_FILE = ".segment";
    private static final long MIN_PADDED_SIZE = 16384;
    private static final int MAX_ATTACHMENT_NAME_CODE_POINTS = 100;

    private final Path folder;
    private final MessageDecryptor decryptor;

    public CaseFolder(Path folder, MessageDecryptor decryptor) {
        this.folder = folder;
        this.decryptor = decryptor;
    }

    /** What became of one submission of a bundle. */
    public record Outcome(String submissionId, String problem) {
        public boolean decrypted() {
            return problem == null;
        }
    }

    /** True if the file starts like a ZIP archive, as bundles do. */
    public static boolean isBundle(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        }
    }

    /** Decrypts every submission of the bundle that is not in the folder yet, then rewrites the index. */
    public List<Outcome> addBundle(Path bundle) throws IOException, InvalidDocumentException {
        List<Outcome> outcomes = new ArrayList<>();
        try (ZipFile zip = openBundle(bundle)) {
            ZipEntry manifestEntry = zip.getEntry(BundleManifest.ENTRY_NAME);
            if (manifestEntry == null) {
                throw new InvalidDocumentException("this ZIP file is not an export bundle (no bundle.json)");
            }
            BundleManifest manifest;
            try (InputStream in = zip.getInputStream(manifestEntry)) {
                manifest = BundleManifest.parse(in.readNBytes(16 << 20));
            } catch (ZipException | EOFException e) {
                throw damaged(e);
            }
            for (BundleManifest.Submission submission : manifest.submissions()) {
                outcomes.add(addSubmission(zip, submission));
            }
            ForgottenCases.add(folder, manifest.forgotten());
        }
        writeIndex();
        return outcomes;
    }

    private static ZipFile openBundle(Path bundle) throws IOException, InvalidDocumentException {
        try {
            return new ZipFile(bundle.toFile());
        } catch (ZipException | EOFException e) {
            throw damaged(e);
        }
    }

    /** A ZIP structure or compressed entry that ends early: the bundle was altered or cut on its way here. */
    private static InvalidDocumentException damaged(IOException e) {
        return new InvalidDocumentException("the bundle is damaged (" + e.getMessage() + ")");
    }

    private Outcome addSubmission(ZipFile zip, BundleManifest.Submission submission) throws IOException {
        Path target = folder.resolve(submissionFolderName(submission));
        if (Files.exists(target)) {
            return new Outcome(submission.id(), "already in the case folder; not overwritten");
        }
        Path assembling = Files.createTempDirectory(folder, ".assembling-");
        try {
            String problem = assemble(zip, submission, assembling);
            if (problem == null) {
                Files.move(assembling, target, StandardCopyOption.ATOMIC_MOVE);
            }
            return new Outcome(submission.id(), problem);
        } finally {
            deleteRecursively(assembling);
        }
    }

    /** "2026-11-27-<id>": sorts by date of arrival, and the index can show the date without any other file. */
    private static String submissionFolderName(BundleManifest.Submission submission) {
        return submission.received() + "-" + submission.id();
    }

    /** Returns null when every part decrypted and matched the testimony's manifest, else what went wrong. */
    private String assemble(ZipFile zip, BundleManifest.Submission submission, Path into) throws IOException {
        Path testimonyFile = into.resolve(TESTIMONY_FILE);
        String problem = decryptPart(zip, submission, PartName.TESTIMONY, testimonyFile,
                TestimonyDocument.MAX_DOCUMENT_BYTES);
        if (problem != null) {
            return problem;
        }
        TestimonyDocument document;
        try {
            document = TestimonyDocument.parse(Files.readAllBytes(testimonyFile));
        } catch (InvalidDocumentException e) {
            return "the testimony document is malformed: " + e.getMessage();
        }
        if (!document.attachments().isEmpty()) {
            Files.createDirectory(into.resolve(ATTACHMENTS));
        }
        List<AttachmentFile> files = new ArrayList<>();
        for (TestimonyDocument.Attachment attachment : document.attachments()) {
            Path file = into.resolve(ATTACHMENTS).resolve(attachmentFileName(attachment));
            problem = attachment.segmented() ? joinSegments(zip, submission, attachment, file, into.resolve(SEGMENT_FILE))
                    : decryptPart(zip, submission, PartName.wholeAttachment(attachment.part()), file,
                            maxPlaintextBytes(attachment));
            if (problem == null) {
                problem = cutPaddingAndCheck(file, attachment);
            }
            if (problem != null) {
                return "attachment " + attachment.part() + ": " + problem;
            }
            files.add(new AttachmentFile(attachment.part(), RelativeLink.of(List.of(ATTACHMENTS, file.getFileName().toString())),
                    Thumbnail.of(file)));
        }
        // Written last, so that it can say every attachment matched its manifest entry.
        Files.writeString(into.resolve(VIEW_FILE),
                TestimonyView.render(document, submission.id() + " (" + submission.received() + ")", files),
                StandardCharsets.UTF_8);
        return null;
    }

    private String decryptPart(ZipFile zip, BundleManifest.Submission submission, PartName part, Path target,
                               long maxPlaintextBytes) throws IOException {
        String entryName = submission.id() + "/" + part;
        ZipEntry entry = zip.getEntry(entryName);
        if (entry == null) {
            return entryName + " is missing from the bundle";
        }
        try (InputStream message = zip.getInputStream(entry)) {
            decryptor.decrypt(message, target, maxPlaintextBytes);
            return null;
        } catch (DecryptionException e) {
            return e.getMessage();
        }
    }

    /**
     * An attachment sent in segments (FORMAT.md section 5): each segment decrypted on its own, checked against its
     * SHA-256 in the testimony document (which fixes their order too), and appended to the file.
     */
    private String joinSegments(ZipFile zip, BundleManifest.Submission submission, TestimonyDocument.Attachment attachment,
                                Path file, Path segmentFile) throws IOException {
        long left = maxPlaintextBytes(attachment);
        try (OutputStream joined = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            for (PartName segment : attachment.partNames()) {
                String problem = decryptPart(zip, submission, segment, segmentFile, left);
                if (problem != null) {
                    return "segment " + segment.segment() + ": " + problem;
                }
                MessageDigest sha256 = sha256();
                try (InputStream plaintext = new DigestInputStream(Files.newInputStream(segmentFile), sha256)) {
                    plaintext.transferTo(joined);
                }
                left -= Files.size(segmentFile);
                Files.delete(segmentFile);
                if (!HexFormat.of().formatHex(sha256.digest()).equals(attachment.segments().get(segment.segment() - 1))) {
                    return "segment " + segment.segment() + " does not match the SHA-256 the testimony gives for it";
                }
            }
        }
        return null;
    }

    /**
     * The most plaintext an attachment's messages may hold: its size and the padding a browser may add (at most 12 %,
     * at least to 16 KiB; FORMAT.md section 9). Without it a compressed message could fill the office's disk.
     */
    private static long maxPlaintextBytes(TestimonyDocument.Attachment attachment) {
        return attachment.size() + Math.max(MIN_PADDED_SIZE, attachment.size() / 8);
    }

    /**
     * The testimony document binds its attachments by size and SHA-256, of the whole or of each segment (FORMAT.md
     * section 5). What follows the size in the decrypted plaintext is the padding a browser adds (section 9), cut
     * off here.
     */
    private static String cutPaddingAndCheck(Path file, TestimonyDocument.Attachment attachment) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (channel.size() > attachment.size()) {
                channel.truncate(attachment.size());
            }
        }
        MessageDigest sha256 = sha256();
        long size;
        try (InputStream in = Files.newInputStream(file);
             OutputStream digest = new DigestOutputStream(OutputStream.nullOutputStream(), sha256)) {
            size = in.transferTo(digest);
        }
        boolean matches = size == attachment.size()
                && (attachment.segmented() || HexFormat.of().formatHex(sha256.digest()).equals(attachment.sha256()));
        return matches ? null : "does not match the size and SHA-256 the testimony gives for it";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** "3-photo.jpg": the part number keeps names unique; the source's name keeps only harmless characters. */
    static String attachmentFileName(TestimonyDocument.Attachment attachment) {
        StringBuilder safe = new StringBuilder();
        attachment.name().codePoints().limit(MAX_ATTACHMENT_NAME_CODE_POINTS).forEach(c -> {
            boolean harmless = Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == ' ';
            safe.appendCodePoint(harmless ? c : '_');
        });
        String name = safe.toString().strip().replaceFirst("^\\.+", "");
        return attachment.part() + "-" + (name.isEmpty() ? "attachment" : name);
    }

    /** One decrypted submission of a case folder, as its folder holds it. */
    public record Submission(String folderName, String received, String id, TestimonyDocument document) {
    }

    /**
     * Every submission decrypted into the folder, from any bundle, in folder-name order (date of arrival, then id). A
     * testimony document that no longer parses was changed by hand; it is left out.
     */
    public static List<Submission> submissions(Path folder) throws IOException {
        List<Submission> submissions = new ArrayList<>();
        try (Stream<Path> children = Files.list(folder)) {
            for (Path child : children.sorted(Comparator.comparing(Path::toString)).toList()) {
                Path testimony = child.resolve(TESTIMONY_FILE);
                String name = child.getFileName().toString();
                boolean submissionFolder = name.length() == 11 + 32 && BundleManifest.isSubmissionId(name.substring(11));
                if (!submissionFolder || !Files.isRegularFile(testimony)) {
                    continue;
                }
                try {
                    submissions.add(new Submission(name, name.substring(0, 10), name.substring(11),
                            TestimonyDocument.parse(Files.readAllBytes(testimony))));
                } catch (InvalidDocumentException e) {
                    // not listed, as documented
                }
            }
        }
        return submissions;
    }

    /**
     * Keeps a reply the office wrote to a returning source's case (after its bundle is written) and rebuilds the
     * index, so that the case's page shows it in the conversation; returns that page.
     */
    public static Path recordReply(Path folder, String caseId, LocalDate date, ReplyWriter.Written reply)
            throws IOException {
        SentReplies.add(folder, new SentReplies.SentReply(caseId, date, reply.id(), reply.document()));
        CaseIndex.write(folder, submissions(folder));
        return folder.resolve(CaseIndex.caseFileName(caseId));
    }

    /** Rebuilt from what the folder holds, so it lists every submission decrypted into it, from any bundle. */
    private void writeIndex() throws IOException {
        CaseIndex.write(folder, submissions(folder));
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
