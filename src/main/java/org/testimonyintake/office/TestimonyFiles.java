package org.testimonyintake.office;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.testimonyintake.format.InvalidDocumentException;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.render.TestimonyView;

/** How decrypted files are named in a case folder, and the HTML view written beside a testimony document. */
public final class TestimonyFiles {
    /** A testimony document larger than this is not one (FORMAT.md limits it to 16 MiB). */
    private static final int MAX_DOCUMENT_BYTES = 16 << 20;
    private static final int SNIFF_BYTES = 4096;

    private TestimonyFiles() {
    }

    /** {@code x.json.pgp} becomes {@code x.json}; a name without an OpenPGP extension gets {@code .decrypted}. */
    public static String plaintextName(String inputName) {
        String lower = inputName.toLowerCase(Locale.ROOT);
        for (String extension : new String[] {".pgp", ".gpg", ".asc"}) {
            if (lower.endsWith(extension) && lower.length() > extension.length()) {
                return inputName.substring(0, inputName.length() - extension.length());
            }
        }
        return inputName + ".decrypted";
    }

    /**
     * Writes {@code NAME.html} beside a decrypted testimony document. Returns false, writing nothing, if the file is
     * not a valid testimony document: it is then an attachment or other data, left as it is.
     */
    public static boolean addViewIfTestimony(Path plaintext, String label) throws IOException {
        if (Files.size(plaintext) > MAX_DOCUMENT_BYTES || !TestimonyDocument.looksLikeTestimony(head(plaintext))) {
            return false;
        }
        TestimonyDocument document;
        try {
            document = TestimonyDocument.parse(Files.readAllBytes(plaintext));
        } catch (InvalidDocumentException e) {
            return false;
        }
        String name = plaintext.getFileName().toString();
        String base = name.toLowerCase(Locale.ROOT).endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        Files.writeString(plaintext.resolveSibling(base + ".html"), TestimonyView.render(document, label),
                StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        return true;
    }

    private static byte[] head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(SNIFF_BYTES);
        }
    }
}
