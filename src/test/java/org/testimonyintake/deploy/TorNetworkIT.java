package org.testimonyintake.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * deploy/test-tor-network.sh with the jars `mvn package` built: a private Tor network on 127.0.0.1 serves
 * intake-server as an onion service; a JavaScript-off testimony goes in through a Tor client, before and after a key
 * rotation, and comes out of `intake-server export` and `intake-office decrypt`; the admin onion service lets in only
 * the client holding its authorization key. The script refuses to start tor with any config that names an address
 * other than 127.0.0.1. About 35-50 s on two cores.
 */
class TorNetworkIT {
    @Test
    void testimonyTravelsOverAPrivateTorNetwork() throws Exception {
        for (String[] tool : new String[][] {{"tor", "tor"}, {"tor-gencert", "tor"}, {"curl", "curl"},
                {"openssl", "openssl"}}) {
            assumeTrue(Command.installed(tool[0]), tool[0] + " is not installed (Debian package " + tool[1] + ")");
        }
        Command.Outcome outcome = Command.run(Duration.ofSeconds(240), List.of("bash", "deploy/test-tor-network.sh",
                "--server-jar", "target/intake-server.jar", "--office-jar", "target/intake-office.jar"));
        System.out.println(outcome.output());
        outcome.requireSuccess();
        assertTrue(outcome.output().contains("test-tor-network: PASSED"), outcome.describe());
    }
}
