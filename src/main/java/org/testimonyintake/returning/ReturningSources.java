package org.testimonyintake.returning;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPException;
import org.testimonyintake.format.InvalidDocumentException;
import org.testimonyintake.format.KeyMaterialException;
import org.testimonyintake.format.ReplyBundle;
import org.testimonyintake.format.ReplyDocument;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.store.CaseStore;

/**
 * What the intake server does for returning sources (FORMAT.md section 10), without HTTP: opening a case for a source
 * who asked to come back, finding a case by receipt, and reading its replies in memory.
 */
public final class ReturningSources {
    /** A case just opened: the receipt to show once, and the member its testimony document carries. */
    public record Opened(Receipt receipt, String caseId, TestimonyDocument.Reply reply) {
    }

    /** What a typed receipt led to. */
    public sealed interface Lookup {
        record Mistyped() implements Lookup {
        }

        record NotFound() implements Lookup {
        }

        record Found(String caseId, CaseKeys keys, byte[] replyKey) implements Lookup {
        }
    }

    /** A reply as the source reads it. */
    public record ReadReply(java.time.LocalDate imported, String message, List<ReplyDocument.Attachment> attachments) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ReceiptChecks checks;
    private final CaseStore cases;

    public ReturningSources(ReceiptChecks checks, CaseStore cases) {
        this.checks = checks;
        this.cases = cases;
    }

    /** Makes a receipt, its keys and a reply key, and records the case as not yet claimed. */
    public Opened open() throws ReceiptChecks.Busy, InterruptedException, PGPException, KeyMaterialException {
        Receipt receipt = Receipt.generate(RANDOM);
        CaseKeys keys = checks.derive(receipt);
        try {
            ReplySecretKey.Generated replyKey = ReplySecretKey.generate(keys, cases.today());
            String caseId = randomId();
            cases.create(new CaseStore.NewCase(caseId, keys.lookupId(), replyKey.protectedSecret()));
            return new Opened(receipt, caseId, new TestimonyDocument.Reply(caseId, replyKey.certificate().armored()));
        } finally {
            keys.forget();
        }
    }

    /** Once the case's first submission is durable: the case is claimed and the receipt may be shown. */
    public void claim(String caseId, String submissionId) {
        cases.link(submissionId, caseId);
    }

    /**
     * The receipt to show for a case that the source's browser opened ({@link #open}, asked for before it encrypts)
     * and names in its first submission (FORMAT.md section 10.3): present only if the case exists, no submission has
     * claimed it yet, and the receipt is the one that opens it. A case that is not there costs no Argon2id.
     */
    public Optional<Receipt> claimable(String caseId, String typedReceipt) throws ReceiptChecks.Busy, InterruptedException {
        Optional<String> lookupId = cases.unclaimedLookupId(caseId);
        Optional<Receipt> receipt = Receipt.parse(typedReceipt);
        if (lookupId.isEmpty() || receipt.isEmpty()) {
            return Optional.empty();
        }
        CaseKeys keys = checks.derive(receipt.get());
        try {
            boolean opens = MessageDigest.isEqual(keys.lookupId().getBytes(StandardCharsets.US_ASCII),
                    lookupId.get().getBytes(StandardCharsets.US_ASCII));
            return opens ? receipt : Optional.empty();
        } finally {
            keys.forget();
        }
    }

    /** A follow-up joins its case. */
    public void link(String submissionId, String caseId) {
        cases.link(submissionId, caseId);
    }

    /**
     * The case a typed receipt names. A mistyped one is answered at once; every well-formed one costs one Argon2id
     * whether or not its case exists.
     */
    public Lookup find(String typed) throws ReceiptChecks.Busy, InterruptedException {
        Optional<Receipt> receipt = Receipt.parse(typed);
        if (receipt.isEmpty()) {
            return new Lookup.Mistyped();
        }
        CaseKeys keys = checks.derive(receipt.get());
        Optional<CaseStore.StoredCase> found;
        try {
            found = cases.findByLookupId(keys.lookupId());
        } catch (RuntimeException storeDown) {
            keys.forget();
            throw storeDown;
        }
        if (found.isEmpty()) {
            keys.forget();
            return new Lookup.NotFound();
        }
        return new Lookup.Found(found.get().id(), keys, found.get().replyKey());
    }

    /**
     * The {@code reply} member for a follow-up's testimony document: the same case and reply key as its first one, so
     * staff see inside the encryption which submissions belong together (FORMAT.md section 10.4).
     */
    public TestimonyDocument.Reply replyMember(Lookup.Found found) throws KeyMaterialException {
        return new TestimonyDocument.Reply(found.caseId(), ReplySecretKey.publicHalf(found.replyKey()).armored());
    }

    /** Decrypts the case's replies in memory for the source who gave the receipt, and marks them read today. */
    public List<ReadReply> read(Lookup.Found found) throws KeyMaterialException {
        UnlockedReplyKey key = ReplySecretKey.unlock(found.replyKey(), found.keys());
        List<ReadReply> replies = new ArrayList<>();
        for (CaseStore.StoredReply stored : cases.replies(found.caseId())) {
            byte[] document = stored.parts().get(ReplyBundle.DOCUMENT_PART);
            try {
                ReplyDocument reply = ReplyDocument.parse(key.decrypt(document, ReplyDocument.MAX_BYTES));
                replies.add(new ReadReply(stored.imported(), reply.message(), reply.attachments()));
            } catch (UnlockedReplyKey.UnreadableReply | InvalidDocumentException | NullPointerException e) {
                // stored only after its signature and recipient were checked: cannot happen unless the disk failed
                throw new IllegalStateException("a stored reply cannot be read");
            }
        }
        cases.markRead(found.caseId());
        return replies;
    }

    private static String randomId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }
}
