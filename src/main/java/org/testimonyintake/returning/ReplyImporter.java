package org.testimonyintake.returning;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.testimonyintake.format.CiphertextInspector;
import org.testimonyintake.format.InvalidDocumentException;
import org.testimonyintake.format.KeyMaterialException;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.format.RefusedCiphertextException;
import org.testimonyintake.format.ReplyBundle;
import org.testimonyintake.format.ReplyCertificate;
import org.testimonyintake.store.CaseStore;

/** {@code intake-server import-replies}: stores the replies of a reply bundle (FORMAT.md section 10.5). */
public final class ReplyImporter {
    /** What importing a reply bundle did. */
    public record Imported(int stored, int alreadyThere, List<String> forgottenCases) {
    }

    private final CaseStore cases;

    public ReplyImporter(CaseStore cases) {
        this.cases = cases;
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
                    CiphertextInspector.copyChecked(new ByteArrayInputStream(verified.part(reply, part)),
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
}
