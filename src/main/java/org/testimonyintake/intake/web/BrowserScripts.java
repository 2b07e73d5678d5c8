package org.testimonyintake.intake.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The browser's encryption modules (src/main/web, and openpgp.js copied from node_modules by the build), served from
 * the jar with Subresource Integrity computed here from the very bytes served. The form page preloads every
 * dependency with its integrity (a static import has none of its own), dependencies first, then runs the entry module.
 */
public final class BrowserScripts {
    public static final String PATH = "/static/js/";
    private static final List<String> DEPENDENCIES = List.of(
            "openpgp.min.mjs", "photo-metadata.mjs", "media-metadata.mjs", "encrypt.mjs", "upload.mjs");
    private static final String ENTRY = "form.mjs";

    /** One module: where the page loads it from, and the integrity the browser checks its bytes against. */
    public record Script(String src, String integrity) {
    }

    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, Script> scripts = new LinkedHashMap<>();

    private BrowserScripts() {
    }

    /** Reads every module from the class path; a missing one is a broken build, so the server does not start. */
    static BrowserScripts load() {
        BrowserScripts loaded = new BrowserScripts();
        for (String name : allNames()) {
            byte[] bytes = classPathResource("/static/js/" + name);
            loaded.files.put(name, bytes);
            loaded.scripts.put(name, new Script(PATH + name, integrity(bytes)));
        }
        return loaded;
    }

    public List<Script> preloads() {
        return DEPENDENCIES.stream().map(scripts::get).toList();
    }

    public Script entry() {
        return scripts.get(ENTRY);
    }

    Optional<byte[]> file(String name) {
        return Optional.ofNullable(files.get(name));
    }

    private static List<String> allNames() {
        return Stream.concat(DEPENDENCIES.stream(), Stream.of(ENTRY)).toList();
    }

    private static String integrity(byte[] bytes) {
        try {
            return "sha384-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-384").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-384", e);
        }
    }

    private static byte[] classPathResource(String name) {
        try (InputStream in = BrowserScripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path: build with mvn package");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
