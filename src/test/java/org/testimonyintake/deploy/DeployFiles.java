package org.testimonyintake.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The deploy templates, filled in the way install.sh fills them. */
final class DeployFiles {
    static final Path DEPLOY = Path.of("deploy");
    static final Path TORRC = DEPLOY.resolve("torrc");
    static final Path UNIT = DEPLOY.resolve("intake-server.service");
    static final Path INSTALL = DEPLOY.resolve("install.sh");
    static final Path CLASS_DATA_ARCHIVE = DEPLOY.resolve("class-data-archive.sh");
    static final Path ONIONBALANCE = DEPLOY.resolve("onionbalance");
    static final Path ONIONBALANCE_TORRC = ONIONBALANCE.resolve("torrc");
    static final Path ONIONBALANCE_CONFIG = ONIONBALANCE.resolve("config.yaml.in");

    private DeployFiles() {
    }

    /**
     * Replaces each {@code @KEY@} of {@code template} and drops the spaces an empty value leaves at a line's end, as
     * install.sh does; fails if a placeholder is left over.
     */
    static String fill(Path template, Map<String, String> values) throws IOException {
        String text = Files.readString(template, StandardCharsets.UTF_8);
        for (Map.Entry<String, String> entry : values.entrySet()) {
            text = text.replace("@" + entry.getKey() + "@", entry.getValue());
        }
        if (text.matches("(?s).*@[A-Z_]+@.*")) {
            throw new AssertionError(template + " has a placeholder that install.sh does not fill");
        }
        return text.replaceAll("(?m) +$", "");
    }
}
