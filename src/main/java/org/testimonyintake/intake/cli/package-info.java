/**
 * The intake server's command line ({@code serve}, {@code demo}, {@code export}) and the running server's lifecycle:
 * options, key loading and reloading on SIGHUP, start and stop. It may depend on every other {@code intake} package,
 * on {@code format}, {@code store} and {@code upload}, never on {@code office}: the server holds public keys only.
 */
package org.testimonyintake.intake.cli;
