package org.testimonyintake.intake.submission;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testimonyintake.format.KeyMaterialException;
import org.testimonyintake.format.OfficeCertificate;

/**
 * The office certificate as the server uses it: read from its file at start, and read again whenever the file
 * changes, so installing a rotated {@code office.asc} needs no restart. If the new file is unusable the site answers
 * 503 until it is fixed, rather than take testimony for a key nobody checked.
 */
public final class OfficeCertificateFile implements Supplier<OfficeCertificate> {
    private static final Logger LOG = LoggerFactory.getLogger(OfficeCertificateFile.class);
    private static final FileState UNREADABLE = new FileState(null, -1);

    private final Path file;
    private FileState loadedState;
    /** Null while the file is unusable. */
    private OfficeCertificate loaded;

    private record FileState(FileTime modified, long size) {
    }

    private OfficeCertificateFile(Path file, FileState loadedState, OfficeCertificate loaded) {
        this.file = file;
        this.loadedState = loadedState;
        this.loaded = loaded;
    }

    /** Reads the certificate now; the server does not start unless this succeeds. */
    public static OfficeCertificateFile open(Path file) throws IOException, KeyMaterialException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        OfficeCertificate certificate = OfficeCertificate.parse(Files.readAllBytes(file));
        FileState state = new FileState(attributes.lastModifiedTime(), attributes.size());
        return new OfficeCertificateFile(file, state, certificate);
    }

    @Override
    public synchronized OfficeCertificate get() {
        FileState state = currentState();
        if (!state.equals(loadedState)) {
            loadedState = state;
            loaded = state == UNREADABLE ? null : read();
            if (loaded == null) {
                LOG.error("the office key in {} became unusable; the site answers 503 until it is fixed", file);
            } else {
                LOG.info("office key reloaded from {}", file);
            }
        }
        if (loaded == null) {
            throw new OfficeKeyUnavailable();
        }
        return loaded;
    }

    /** On SIGHUP ({@code systemctl reload}): read the file again now, whatever its time stamp says. */
    public synchronized void reloadNow() {
        loadedState = null;
        try {
            get();
        } catch (OfficeKeyUnavailable e) {
            // already logged; the site answers 503 until the file is fixed
        }
    }

    private FileState currentState() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileState(attributes.lastModifiedTime(), attributes.size());
        } catch (IOException e) {
            return UNREADABLE;
        }
    }

    private OfficeCertificate read() {
        try {
            return OfficeCertificate.parse(Files.readAllBytes(file));
        } catch (IOException | KeyMaterialException e) {
            LOG.error("cannot use {}: {}", file, e.getMessage());
            return null;
        }
    }

    /** The site cannot take testimony: the office key file became unreadable or unusable while running. */
    public static final class OfficeKeyUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OfficeKeyUnavailable() {
            super("office key unavailable", null, false, false);
        }
    }
}
