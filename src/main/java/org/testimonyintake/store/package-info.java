/**
 * The intake server's storage of submissions: an SQLite database (through Jdbi) holding only the fields of FORMAT.md
 * section 6 (id, received date, encryptedBy, subkey, part names and sizes) and one directory of ciphertext files per
 * submission, written so that a crash at any point leaves, after the next {@link
 * org.testimonyintake.store.SqliteSubmissionStore#open open}, every row with its files and no files without a row. It
 * stores ciphertext only, never plaintext and never a time finer than a date, and writes the export bundle of FORMAT.md
 * section 8. A second engine for several servers on one database, PostgreSQL ({@link
 * org.testimonyintake.store.PostgresSubmissionStore}; design in
 * deploy/postgresql/README.md), keeps the same fields and the ciphertext in the database. It depends on Jdbi, SQLite,
 * pgjdbc, HikariCP, SLF4J and the format package (for the bundle manifest), nothing else of the project (no Javalin).
 */
package org.testimonyintake.store;
