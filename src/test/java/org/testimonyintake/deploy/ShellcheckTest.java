package org.testimonyintake.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every script under deploy/ passes shellcheck with no finding at all, infos included. */
class ShellcheckTest {
    @Test
    void deployScriptsAreClean() throws Exception {
        assumeTrue(Command.installed("shellcheck"), "shellcheck is not installed (Debian package shellcheck)");
        List<String> command = new ArrayList<>(List.of("shellcheck", "--external-sources", "--severity=style"));
        try (Stream<Path> files = Files.walk(DeployFiles.DEPLOY)) {
            files.filter(file -> file.toString().endsWith(".sh")).sorted().map(Path::toString).forEach(command::add);
        }
        Command.run(command).requireSuccess();
    }
}
