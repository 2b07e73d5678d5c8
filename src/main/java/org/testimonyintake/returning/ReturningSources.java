package org.testimonyintake.returning;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPException;
import org.testimonyintake.format.CiphertextInspector;
import org.testimonyintake.format.InvalidDocumentException;
import org.testimonyintake.format.KeyMaterialException;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.format.RefusedCiphertextException;
import org.testimonyintake.format.ReplyBundle;
import org.testimonyintake.format.ReplyCertificate;
import org.testimonyintake.format.ReplyDocument;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.store.CaseStore;

/**
 * What the intake server does for returning sources (FORMAT.md section 10), without HTTP: opening a case for a source
 * who asked to come back, finding a case by receipt, reading its replies in memory, and importing reply bundles.
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

    /** What importing a reply bundle did. */
    public record Imported(int stored, int alreadyThere, List<String> forgottenCases) {
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
        Optional<CaseStore.StoredCase> found = cases.findByLookupId(keys.lookupId());
        if (found.isEmpty()) {
            keys.forget();
            return new Lookup.NotFound();
        }
        return new Lookup.Found(found.get().id(), keys, found.get().replyKey());
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

    /**
     * Imports a reply bundle signed by the office: every part is checked to be a message to its case's reply key
     * before anything is stored; replies to forgotten cases and replies already here are skipped.
     */
    public Imported importReplies(Path bundle, OfficeCertificate office) throws InvalidDocumentException, IOException {
        ReplyBundle.Verified verified = ReplyBundle.read(bundle, office);
        List<String> forgotten = new ArrayList<>();
        List<ReplyBundle.Reply> toStore = new ArrayList<>();
        int alreadyThere = 0;
        for (ReplyBundle.Reply reply : verified.manifest().replies()) {
            Optional<byte[]> replyKey = cases.replyKeyOf(reply.caseId());
            if (replyKey.isEmpty()) {
                forgotten.add(reply.caseId());
                continue;
            }
            if (cases.hasReply(reply.id())) {
                alreadyThere++;
                continue;
            }
            ReplyCertificate certificate = publicHalf(replyKey.get());
            for (ReplyBundle.Part part : reply.parts()) {
                try {
                    CiphertextInspector.copyChecked(new java.io.ByteArrayInputStream(verified.part(reply, part)),
                            OutputStream.nullOutputStream(), List.of(certificate.encryptionSubkey()), ReplyBundle.MAX_BYTES);
                } catch (RefusedCiphertextException e) {
                    throw new InvalidDocumentException("a part of reply " + reply.id() + " is not a message to its case's reply key");
                }
            }
            toStore.add(reply);
        }
        for (ReplyBundle.Reply reply : toStore) {
            Map<String, byte[]> parts = new LinkedHashMap<>();
            reply.parts().forEach(part -> parts.put(part.name(), verified.part(reply, part)));
            cases.addReply(reply.id(), reply.caseId(), parts);
        }
        return new Imported(toStore.size(), alreadyThere, forgotten);
    }

    private static ReplyCertificate publicHalf(byte[] protectedSecret) throws InvalidDocumentException {
        try {
            return ReplySecretKey.publicHalf(protectedSecret);
        } catch (KeyMaterialException e) {
            throw new InvalidDocumentException("a stored reply key is unreadable");
        }
    }

    private static String randomId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }
}
