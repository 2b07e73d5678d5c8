package org.testimonyintake.intake;

/** The intake web server; until the server issue lands it only says so. */
public final class IntakeServer {
    private IntakeServer() {
    }

    public static void main(String[] args) {
        System.err.println("intake-server: error: the web server is not built yet; see README.md");
        System.exit(2);
    }
}
