package org.testimonyintake.store;

/** One stored part of a submission: its name (FORMAT.md section 6) and its ciphertext size in bytes. */
public record Part(String name, long size) {
}
