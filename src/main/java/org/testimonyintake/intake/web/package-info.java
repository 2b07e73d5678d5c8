/**
 * The web side of the intake server that sources reach over Tor: the Javalin app, its controllers (HTTP in and out
 * only: they parse a request, call {@code submission} and pick the status and page), security headers, the streaming
 * multipart parser and the templates' views. It depends on {@code submission}, {@code i18n}, {@code format} and
 * {@code upload}; nothing below it depends on it.
 */
package org.testimonyintake.intake.web;
