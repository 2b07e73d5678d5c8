package org.testimonyintake.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two jars as `mvn package` leaves them: what each may contain, and that the office jar runs on its own. */
class PackagingIT {
    static final Path OFFICE_JAR = Path.of("target/intake-office.jar");
    static final Path SERVER_JAR = Path.of("target/intake-server.jar");

    @Test
    void officeJarHoldsNoWebServer() throws IOException {
        assertEquals(List.of(), entriesStartingWith(OFFICE_JAR, "io/javalin/", "org/eclipse/jetty/", "jakarta/servlet/",
                "org/testimonyintake/intake/", "org/testimonyintake/store/", "org/testimonyintake/upload/", "org/sqlite/",
                "org/jdbi/", "org/postgresql/", "com/zaxxer/hikari/", "gg/jte/", "i18n/", "static/", "questionnaire.json",
                "org/testimonyintake/returning/", "de/mkammerer/", "com/sun/jna/", "linux-x86-64/libargon2.so"));
    }

    @Test
    void serverJarHoldsNoOfficeCode() throws IOException {
        assertEquals(List.of(), entriesStartingWith(SERVER_JAR, "org/testimonyintake/office/", "org/testimonyintake/render/"));
    }

    /** The one secret key the server may read is a case's reply key, through ReplySecretKey (FORMAT.md 10.3). */
    @Test
    void serverJarHoldsArgon2AndTheReplyKeyEntryPoint() throws IOException {
        assertEquals(List.of("org/testimonyintake/returning/ReplySecretKey.class", "linux-x86-64/libargon2.so"),
                entriesStartingWith(SERVER_JAR, "linux-x86-64/libargon2.so", "org/testimonyintake/returning/ReplySecretKey.class"));
    }

    @Test
    void officeJarRunsAlone(@TempDir Path dir) throws Exception {
        Path passphrase = Files.writeString(dir.resolve("passphrase"), "test only: a long enough passphrase here");
        Process keygen = new ProcessBuilder("java", "-jar", OFFICE_JAR.toString(), "keygen", "--name", "Packaging test",
                "--secret", dir.resolve("s.asc").toString(), "--public", dir.resolve("p.asc").toString(),
                "--passphrase-file", passphrase.toString()).redirectErrorStream(true).start();
        assertTrue(keygen.waitFor(60, TimeUnit.SECONDS));
        String output = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keygen.exitValue(), output);
        assertTrue(output.contains("fingerprint: "), output);
    }

    private static List<String> entriesStartingWith(Path jar, String... prefixes) throws IOException {
        assertTrue(Files.exists(jar), jar + " is built by mvn package");
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(e -> e.getName())
                    .filter(name -> List.of(prefixes).stream().anyMatch(name::startsWith)).toList();
        }
    }
}
