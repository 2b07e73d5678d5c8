package org.testimonyintake.intake.web;

import java.util.Map;
import java.util.Set;

/**
 * The headers every response carries. Pages load nothing from another origin and cannot be framed, nothing is cached
 * (a source's browser should keep no trace of the site), and no referrer ever leaves, not even on the quick exit.
 * The form's script may connect to this site only, to send ciphertext ({@code connect-src 'self'}).
 */
final class SecurityHeaders {
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /** Every powerful feature a page could ask for, denied. */
    static final String PERMISSIONS_POLICY = "accelerometer=(), autoplay=(), camera=(), display-capture=(), "
            + "encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
            + "midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), "
            + "sync-xhr=(), usb=(), xr-spatial-tracking=()";
    static final Set<String> ALLOWED_METHODS = Set.of("GET", "HEAD", "POST");
    static final String ALLOW = "GET, HEAD, POST";

    static final Map<String, String> ALL = Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "Referrer-Policy", "no-referrer",
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Cache-Control", "no-store",
            "Cross-Origin-Opener-Policy", "same-origin",
            "Cross-Origin-Resource-Policy", "same-origin",
            "Permissions-Policy", PERMISSIONS_POLICY);

    private SecurityHeaders() {
    }
}
