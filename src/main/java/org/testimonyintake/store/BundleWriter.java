package org.testimonyintake.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.testimonyintake.format.BundleManifest;

/** Writes the export bundle of FORMAT.md section 8; the manifest is the format package's {@link BundleManifest}. */
final class BundleWriter {
    /** The earliest ZIP time, so that the bundle carries no time. */
    static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
    /**
     * What ZipEntry is given for ENTRY_TIME. The JDK takes exactly 1980-01-01 00:00 for "before 1980" and then adds an
     * extended-timestamp extra field; one second later is the same MS-DOS time (two-second resolution) without it.
     */
    private static final LocalDateTime ENTRY_TIME_WITHOUT_EXTRA_FIELD = ENTRY_TIME.plusSeconds(1);

    private static final int BUFFER_SIZE = 64 * 1024;

    /** Where a store keeps the ciphertext of a part. */
    interface PartReader {
        InputStream open(String submissionId, Part part) throws IOException;
    }

    private interface PartContent {
        InputStream open() throws IOException;
    }

    private BundleWriter() {
    }

    /**
     * Writes the bundle to a temporary file beside it, syncs it and renames it into place: the bundle file either is
     * complete and durable or does not exist. Never overwrites a file.
     *
     * @param parts the ciphertext of each part, read twice: once for its CRC, once to copy it
     */
    static void write(Path bundleFile, LocalDate created, List<StoredSubmission> submissions,
                      List<BundleManifest.ForgottenCase> forgotten, PartReader parts) throws IOException {
        Path bundle = bundleFile.toAbsolutePath();
        // Checked first to fail before writing; the rename below checks again.
        if (Files.exists(bundle, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(bundle.toString());
        }
        Path temporary = bundle.resolveSibling("." + bundle.getFileName() + ".partial");
        Files.deleteIfExists(temporary); // left by an export that crashed
        FileChannel channel = DataDirectory.createOwnerOnlyFile(temporary);
        try (ZipOutputStream zip = new ZipOutputStream(
                new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_SIZE))) {
            byte[] manifest = manifest(created, submissions, forgotten);
            CRC32 manifestCrc = new CRC32();
            manifestCrc.update(manifest);
            zip.putNextEntry(storedEntry(BundleManifest.ENTRY_NAME, manifest.length, manifestCrc.getValue()));
            zip.write(manifest);
            zip.closeEntry();
            for (StoredSubmission submission : submissions) {
                for (Part part : submission.parts()) {
                    putPart(zip, submission.id() + "/" + part.name(), () -> parts.open(submission.id(), part),
                            part.size());
                }
            }
            zip.finish();
            zip.flush();
            DataDirectory.stamp(temporary, created);
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, bundle); // a rename within the directory; refuses an existing file
        DataDirectory.syncDirectory(bundle.getParent());
    }

    private static byte[] manifest(LocalDate created, List<StoredSubmission> submissions,
                                   List<BundleManifest.ForgottenCase> forgotten) {
        return new BundleManifest(created, submissions.stream()
                .map(s -> new BundleManifest.Submission(s.id(), s.received(), s.encryptedBy(), s.subkey(),
                        s.parts().stream().map(p -> new BundleManifest.Part(p.name(), p.size())).toList()))
                .toList(), forgotten).toJson();
    }

    /** STORED needs size and CRC before the data: one pass to compute them, one to copy. */
    private static void putPart(ZipOutputStream zip, String entryName, PartContent content, long recordedSize)
            throws IOException {
        CRC32 crc = new CRC32();
        long size = 0;
        try (InputStream in = content.open()) {
            byte[] buffer = new byte[BUFFER_SIZE];
            for (int read; (read = in.read(buffer)) > 0; size += read) {
                crc.update(buffer, 0, read);
            }
        }
        if (size != recordedSize) {
            throw new IOException("a stored part does not have its recorded size: " + entryName);
        }
        zip.putNextEntry(storedEntry(entryName, size, crc.getValue()));
        try (InputStream in = content.open()) {
            in.transferTo(zip);
        }
        zip.closeEntry();
    }

    private static ZipEntry storedEntry(String name, long size, long crc) {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(size);
        entry.setCompressedSize(size);
        entry.setCrc(crc);
        entry.setTimeLocal(ENTRY_TIME_WITHOUT_EXTRA_FIELD);
        return entry;
    }
}
