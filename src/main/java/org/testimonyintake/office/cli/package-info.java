/**
 * The {@code intake-office} command line: one picocli root command and its subcommands. Commands parse options, call
 * {@code office}, and turn failures into {@code intake-office: error: ...} lines with a hint and a documented exit
 * code ({@link org.testimonyintake.office.cli.ExitCode}). No web server and no network code lives here.
 */
package org.testimonyintake.office.cli;
