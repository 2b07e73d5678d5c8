package org.testimonyintake.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The case store contract on PostgreSQL 15 with a synchronous standby, a database of its own per test; and what
 * only a shared database allows: a source who returns through another server finds her case.
 */
class PostgresCaseStoreContractTest extends CaseStoreContract {
    @RegisterExtension
    static final PostgresFixture POSTGRES = PostgresFixture.withSynchronousStandby();
    private String database;

    @Override
    SubmissionStore openSubmissions(Clock clock) throws IOException {
        if (database == null) {
            database = POSTGRES.newDatabase("cases");
        }
        return POSTGRES.openStore(database, 4, clock);
    }

    @Override
    CaseStore openCases(SubmissionStore store, Clock clock) {
        return ((PostgresSubmissionStore) store).cases();
    }

    @Test
    void aCaseMadeThroughOneServerIsFoundThroughAnotherAndIsOnTheStandby() throws Exception {
        CaseStore.NewCase newCase = claimedCase("abcdefabcdefabcdefabcdefabcdef00");
        cases.addReply(replyId(1), newCase.id(), replyParts("through the first"));
        try (SubmissionStore otherServer = openSubmissions(clock); CaseStore otherCases = openCases(otherServer, clock)) {
            assertArrayEquals(newCase.replyKey(), otherCases.findByLookupId(newCase.lookupId()).orElseThrow().replyKey());
            otherCases.markRead(newCase.id());
        }
        assertEquals(List.of(java.util.Optional.of(DAY_ONE)),
                cases.replies(newCase.id()).stream().map(CaseStore.StoredReply::firstRead).toList());
        try (Connection connection = POSTGRES.standby().connect(database);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT count(*) FROM reply_parts")) {
            result.next();
            assertEquals(2, result.getInt(1), "applied on the standby when addReply returned");
        }
    }

    @Test
    void everyServerCleansUpEachHourAndACaseIsForgottenOnce() throws Exception {
        List<CaseStore.NewCase> idle = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            idle.add(claimedCase("%032x".formatted(0xabc000 + i)));
            cases.addReply(replyId(i), idle.get(i).id(), replyParts("idle " + i));
        }
        clock.set(DAY_ONE.plusDays(180));
        List<SubmissionStore> servers = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<CaseStore.Forgotten>> cleanups = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                SubmissionStore server = openSubmissions(clock);
                servers.add(server);
                CaseStore serverCases = openCases(server, clock);
                cleanups.add(threads.submit(() -> serverCases.deleteExpired(CaseStore.Retention.STANDARD)));
            }
            int forgotten = 0;
            for (Future<CaseStore.Forgotten> cleanup : cleanups) {
                forgotten += cleanup.get().cases();
            }
            assertEquals(idle.size(), forgotten, "each case counted by one server");
            assertEquals(idle.size(), forgotten().size());
        } finally {
            threads.shutdownNow();
            servers.forEach(SubmissionStore::close);
        }
    }
}
