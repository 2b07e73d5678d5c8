package org.testimonyintake.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.testimonyintake.format.InvalidDocumentException;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.format.TestimonyDocument.Answer;
import org.testimonyintake.format.TestimonyDocument.Attachment;

/**
 * The hostile testimony documents under {@code src/test/resources/render/hostile/}. Their loads point at
 * {@code 127.0.0.1:__PORT__}, which the browser test replaces with its counting server's port.
 */
final class HostileVectors {
    private static final String PORT_PLACEHOLDER = "__PORT__";
    /** A port nothing listens on, for tests that only read the markup. */
    static final int UNUSED_PORT = 9;

    private HostileVectors() {
    }

    static Stream<Path> files() {
        try (Stream<Path> listing = Files.list(Path.of(HostileVectors.class.getResource("/render/hostile").toURI()))) {
            return listing.filter(file -> file.toString().endsWith(".json")).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static TestimonyDocument load(Path file, int port) throws IOException, InvalidDocumentException {
        String json = Files.readString(file, StandardCharsets.UTF_8).replace(PORT_PLACEHOLDER, Integer.toString(port));
        return TestimonyDocument.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Every string in the document that the source controls. */
    static List<String> untrustedStrings(TestimonyDocument document) {
        List<String> strings = new ArrayList<>();
        for (Answer answer : document.answers()) {
            if (answer.label() != null) {
                strings.add(answer.label());
            }
            strings.addAll(answer.values());
        }
        for (Attachment attachment : document.attachments()) {
            strings.add(attachment.name());
            strings.add(attachment.mediaType());
        }
        return strings;
    }

    /** The text a reader of the page must see for this string: itself, with hidden characters as U+XXXX. */
    static String visibleText(String text) {
        StringBuilder visible = new StringBuilder();
        text.replace("\r\n", "\n").replace('\r', '\n').codePoints().forEach(codePoint -> {
            if (HtmlText.needsVisibleForm(codePoint)) {
                visible.append(HtmlText.visibleForm(codePoint));
            } else {
                visible.appendCodePoint(codePoint);
            }
        });
        return visible.toString();
    }
}
