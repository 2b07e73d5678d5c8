/**
 * The intake web server that sources reach over Tor: the Javalin app, its controllers (HTTP in and out only), security
 * headers and translations. It holds public keys only and depends on {@code format} and {@code store}, never on
 * {@code office}.
 */
package org.testimonyintake.intake;
