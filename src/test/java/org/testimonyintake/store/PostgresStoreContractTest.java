package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract on PostgreSQL 15 with a synchronous standby, a database of its own per test; and what only a
 * shared database allows: several stores at once.
 */
class PostgresStoreContractTest extends StoreContract {
    @RegisterExtension
    static final PostgresFixture POSTGRES = PostgresFixture.withSynchronousStandby();
    private String database;

    @BeforeEach
    void newDatabase() throws IOException {
        database = POSTGRES.newDatabase("contract");
    }

    @Override
    SubmissionStore open(Clock clock) throws IOException {
        return POSTGRES.openStore(database, 8, clock);
    }

    @Override
    Handle rawDatabase() {
        return POSTGRES.rawDatabase(database);
    }

    @Override
    void assertNoCiphertextKept() {
        try (Handle handle = rawDatabase()) {
            for (String table : List.of("part_chunks", "parts", "submissions")) {
                assertEquals(0, handle.createQuery("SELECT count(*) FROM " + table).mapTo(int.class).one(), table);
            }
        }
    }

    @Test
    void anAcknowledgedSubmissionIsOnTheStandby() throws Exception {
        try (SubmissionStore store = open(Clock.systemUTC())) {
            for (byte[] testimony : List.of(Submissions.content("small ", 8192),
                    Submissions.content("large ", 3_000_000))) {
                String id = Submissions.commit(store, testimony);
                try (Connection connection = POSTGRES.standby().connect(database);
                     var query = connection.prepareStatement(
                             "SELECT sum(length(octets)) FROM part_chunks WHERE submission_id = ?")) {
                    query.setString(1, id);
                    try (ResultSet result = query.executeQuery()) {
                        result.next();
                        assertEquals(testimony.length, result.getLong(1), "applied on the standby when acknowledged");
                    }
                }
            }
        }
    }

    @Test
    void twoBackendsExportingWhileSubmissionsArriveExportEachOnce() throws Exception {
        int submissions = 300;
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try (SubmissionStore first = open(Clock.systemUTC()); SubmissionStore second = open(Clock.systemUTC())) {
            AtomicBoolean arriving = new AtomicBoolean(true);
            Future<Set<String>> committed = threads.submit(() -> {
                Set<String> ids = new HashSet<>();
                try {
                    for (int i = 0; i < submissions; i++) {
                        ids.add(Submissions.commit(i % 2 == 0 ? first : second, Submissions.content("once ", 8192)));
                    }
                } finally {
                    arriving.set(false);
                }
                return ids;
            });
            List<Future<List<Path>>> exporters = new ArrayList<>();
            for (SubmissionStore store : List.of(first, second)) {
                String name = store == first ? "first" : "second";
                exporters.add(threads.submit(() -> {
                    List<Path> bundles = new ArrayList<>();
                    boolean last = false;
                    while (!last) {
                        last = !arriving.get(); // one more round after the last commit
                        Path bundle = temp.resolve(name + "-" + bundles.size() + ".zip");
                        store.exportBundle(bundle, true);
                        bundles.add(bundle);
                    }
                    return bundles;
                }));
            }
            Set<String> expected = committed.get();
            List<String> exported = new ArrayList<>();
            for (Future<List<Path>> exporter : exporters) {
                for (Path bundle : exporter.get()) {
                    try (ZipFile zip = new ZipFile(bundle.toFile())) {
                        zip.stream().map(ZipEntry::getName).filter(name -> name.endsWith("/testimony.json.pgp"))
                                .forEach(name -> exported.add(name.substring(0, 32)));
                    }
                }
            }
            assertEquals(submissions, expected.size());
            assertEquals(expected.size(), exported.size(), "no submission in two bundles");
            assertEquals(expected, new HashSet<>(exported));
            assertEquals(List.of(), first.pending());
        } finally {
            threads.shutdownNow();
        }
    }
}
