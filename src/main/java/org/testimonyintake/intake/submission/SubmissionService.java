package org.testimonyintake.intake.submission;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.bouncycastle.openpgp.PGPException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testimonyintake.format.CiphertextInspector;
import org.testimonyintake.format.KeyMaterialException;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.format.PartName;
import org.testimonyintake.format.RefusedCiphertextException;
import org.testimonyintake.format.Subkey;
import org.testimonyintake.format.TestimonyDocument;
import org.testimonyintake.intake.metadata.MetadataRemover;
import org.testimonyintake.intake.metadata.UnreadableMedia;
import org.testimonyintake.intake.submission.SubmissionRefused.Reason;
import org.testimonyintake.returning.Receipt;
import org.testimonyintake.returning.ReceiptChecks;
import org.testimonyintake.returning.ReturningSources;
import org.testimonyintake.store.NewSubmission;
import org.testimonyintake.store.StoreFullException;
import org.testimonyintake.store.SubmissionStore;
import org.testimonyintake.upload.UploadLimits;
import org.testimonyintake.upload.UploadRefused;
import org.testimonyintake.upload.UploadStore;

/**
 * Receives submissions and stores only ciphertext (FORMAT.md sections 3 to 7). With JavaScript off the source's
 * answers and files arrive in plaintext and are encrypted in memory as they stream in; with JavaScript on only
 * OpenPGP messages arrive, in the request or as resumable uploads finished before, each checked at packet level.
 * Either way nothing is stored unless the whole submission was accepted. Knows nothing of HTTP.
 */
public final class SubmissionService {
    public static final String FORM_TOKEN_FIELD = "form-token";
    /** The file input of the JavaScript-off form; it may repeat. */
    public static final String ATTACHMENTS_FIELD = "attachments";
    /** The opt-in check box of a source who wants to come back (FORMAT.md section 10), value {@link #RETURNING_YES}. */
    public static final String RETURNING_FIELD = "returning";
    public static final String RETURNING_YES = "yes";
    /**
     * The check box of a source who keeps their files' metadata (FORMAT.md sections 5.1 and 7), value
     * {@link #KEEP_METADATA_YES}; it comes before the file inputs, since each file is cleaned as it streams in.
     */
    public static final String KEEP_METADATA_FIELD = "keep-metadata";
    public static final String KEEP_METADATA_YES = "yes";
    /** A follow-up's receipt, right after the form token (FORMAT.md section 10.4). */
    public static final String RECEIPT_FIELD = "receipt";
    /**
     * JavaScript on: the case the browser opened for a source who asked to come back, right after the form token and
     * followed by its {@link #RECEIPT_FIELD} (FORMAT.md section 10.3).
     */
    public static final String CASE_FIELD = "case";
    /** A case id is 32 hex digits; anything longer is not one. */
    private static final int MAX_CASE_ID_BYTES = 64;
    /** A typed receipt is 28 digits with separators; anything much longer is not one. */
    private static final int MAX_RECEIPT_BYTES = 400;
    /** A form token is short; anything longer is not one. */
    private static final int MAX_TOKEN_BYTES = 512;
    /** An upload id is 32 hex digits; anything longer is not one. */
    private static final int MAX_UPLOAD_ID_BYTES = 64;
    private static final int MAX_FILE_NAME_CHARS = 255;
    /** FORMAT.md section 4 caps the document at 16 MiB; its ciphertext adds a few hundred octets. */
    private static final long MAX_TESTIMONY_CIPHERTEXT = (16L << 20) + 4096;
    /**
     * Partial uploads at once: several sources, each with a testimony and some attachments under way, and a browser
     * sends an attachment in segments of 4 MiB (FORMAT.md section 5), each its own upload: 150 for one of 600 MiB.
     */
    private static final int MAX_PARTIAL_UPLOADS = 10_000;
    private static final int COPY_BUFFER = 1 << 16;

    /**
     * A stored submission.
     *
     * @param receipt the receipt of the case it opened, to show the source once; empty unless they opted in
     * @param followUp true if it joined an existing case by its receipt
     */
    public record Stored(String id, String encryptedBy, Optional<Receipt> receipt, boolean followUp) {
        Stored(String id, String encryptedBy) {
            this(id, encryptedBy, Optional.empty(), false);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(SubmissionService.class);

    private final Supplier<OfficeCertificate> office;
    private final SubmissionStore store;
    private final Questionnaire questionnaire;
    private final Limits limits;
    private final int graceDays;
    private final ReturningSources returning;

    public SubmissionService(Supplier<OfficeCertificate> office, SubmissionStore store, Questionnaire questionnaire,
                             Limits limits, int graceDays, ReturningSources returning) {
        this.returning = returning;
        this.office = office;
        this.store = store;
        this.questionnaire = questionnaire;
        this.limits = limits;
        this.graceDays = graceDays;
    }

    /**
     * What partial uploads may hold under these limits: one upload is a testimony or an attachment; all of them
     * together, twice the largest submission.
     */
    public static UploadLimits uploadLimits(Limits limits) {
        long largestUpload = Math.max(MAX_TESTIMONY_CIPHERTEXT, limits.maxAttachmentBytes());
        return new UploadLimits(largestUpload, Math.max(largestUpload, 2 * limits.maxRequestBytes()), MAX_PARTIAL_UPLOADS);
    }

    /** JavaScript off: answers and files in plaintext, encrypted in memory to the current office subkey as they arrive. */
    public Stored acceptPlaintextForm(Iterator<FormPart> parts, String language, Predicate<String> formTokenValid)
            throws SubmissionRefused, IOException {
        return receive(() -> {
            requireFormToken(parts, formTokenValid);
            OfficeCertificate certificate = office.get();
            FormPart first = parts.hasNext() ? parts.next() : null;
            boolean isFollowUp = first != null && first.fieldName().equals(RECEIPT_FIELD) && first.fileName().isEmpty();
            Optional<TestimonyDocument.Reply> followedCase = isFollowUp ? Optional.of(caseOfReceipt(first)) : Optional.empty();
            if (isFollowUp) {
                first = parts.hasNext() ? parts.next() : null;
            }
            try (NewSubmission submission = store.begin()) {
                Map<String, List<String>> answers = new LinkedHashMap<>();
                List<TestimonyDocument.Attachment> attachments = new ArrayList<>();
                boolean optedIn = false;
                boolean keepMetadata = false;
                boolean fileSeen = false;
                for (FormPart part = first; part != null; part = parts.hasNext() ? parts.next() : null) {
                    if (part.fileName().isPresent()) {
                        fileSeen = true;
                        encryptAttachment(part, certificate, submission, attachments, keepMetadata);
                    } else if (part.fieldName().equals(RETURNING_FIELD)) {
                        optedIn = readOptIn(part, optedIn);
                    } else if (part.fieldName().equals(KEEP_METADATA_FIELD)) {
                        // A file already cleaned cannot be uncleaned: the box belongs before the files.
                        keepMetadata = readYes(part, keepMetadata || fileSeen, KEEP_METADATA_YES);
                    } else {
                        readAnswer(part, answers);
                    }
                }
                TestimonyDocument document = document(language, answers, attachments);
                // A follow-up belongs to its case already; only a first testimony opens one.
                Optional<ReturningSources.Opened> opened = optedIn && followedCase.isEmpty() ? Optional.of(openCase())
                        : Optional.empty();
                Optional<TestimonyDocument.Reply> reply = opened.map(ReturningSources.Opened::reply).or(() -> followedCase);
                if (reply.isPresent()) {
                    document = new TestimonyDocument(document.language(), document.encryptedBy(), document.answers(),
                            document.attachments(), reply.get());
                }
                try (OutputStream out = submission.createPart(PartName.TESTIMONY.toString())) {
                    out.write(MessageEncryptor.encrypt(certificate, document.toJson()));
                }
                submission.commit("server", certificate.currentSubkey().keyId());
                boolean claimed = opened.map(open -> linkedToItsCase(() -> returning.claim(open.caseId(), submission.id())))
                        .orElse(false);
                followedCase.ifPresent(followed -> linkedToItsCase(() -> returning.link(submission.id(), followed.caseId())));
                return new Stored(submission.id(), "server",
                        claimed ? opened.map(ReturningSources.Opened::receipt) : Optional.empty(), followedCase.isPresent());
            }
        });
    }

    /** JavaScript on: a {@code testimony} part, then the attachments' parts (FORMAT.md section 7), of ciphertext only. */
    public Stored acceptCiphertext(Iterator<FormPart> parts, Predicate<String> formTokenValid)
            throws SubmissionRefused, IOException {
        return receive(() -> {
            requireFormToken(parts, formTokenValid);
            return storeBrowserCiphertext(parts, FormPart::content);
        });
    }

    /**
     * JavaScript on, resumable (FORMAT.md section 7.1): the same fields as {@link #acceptCiphertext}, each holding the
     * id of a finished upload instead of the ciphertext itself. Every upload named is taken out of {@code uploads} and
     * deleted, whether the submission is stored or refused.
     */
    public Stored acceptUploaded(Iterator<FormPart> parts, UploadStore uploads, Predicate<String> formTokenValid)
            throws SubmissionRefused, IOException {
        return receive(() -> {
            requireFormToken(parts, formTokenValid);
            List<UploadStore.Claimed> claimed = new ArrayList<>();
            try {
                return storeBrowserCiphertext(parts, part -> {
                    UploadStore.Claimed upload = claim(uploads, part);
                    claimed.add(upload);
                    if (claimed.stream().mapToLong(UploadStore.Claimed::size).sum() > limits.maxRequestBytes()) {
                        throw new SubmissionRefused(Reason.REQUEST_TOO_LARGE);
                    }
                    return upload.open();
                });
            } finally {
                for (UploadStore.Claimed upload : claimed) {
                    upload.close();
                }
            }
        });
    }

    /** Where the ciphertext of one field comes from: the field itself, or the upload it names. */
    private interface CiphertextSource {
        InputStream open(FormPart part) throws SubmissionRefused, IOException;
    }

    /**
     * Stores the parts in the order FORMAT.md section 7 gives them: {@code testimony}, then each attachment whole
     * ({@code attachment-<n>}) or in segments ({@code attachment-<n>-1}, {@code attachment-<n>-2}, ...). The segments of
     * one attachment count together against the attachment size limit.
     */
    private Stored storeBrowserCiphertext(Iterator<FormPart> parts, CiphertextSource source)
            throws SubmissionRefused, IOException {
        List<Subkey> accepted = office.get().acceptedRecipients(LocalDate.now(ZoneOffset.UTC), graceDays);
        FormPart first = parts.hasNext() ? parts.next() : null;
        Optional<CaseToClaim> opened = Optional.empty();
        if (first != null && first.fieldName().equals(CASE_FIELD) && first.fileName().isEmpty()) {
            opened = Optional.of(caseToClaim(first, parts));
            first = parts.hasNext() ? parts.next() : null;
        }
        try (NewSubmission submission = store.begin()) {
            Subkey recipient = null;
            PartName previous = null;
            long attachmentBytes = 0;
            for (FormPart part = first; part != null; part = parts.hasNext() ? parts.next() : null) {
                PartName name = PartName.ofField(part.fieldName()).orElse(null);
                if (name == null || !name.canFollow(previous)) {
                    throw new SubmissionRefused(previous == null ? Reason.MISSING_TESTIMONY : Reason.UNKNOWN_FIELD);
                }
                if (name.attachment() > limits.maxAttachments()) {
                    throw new SubmissionRefused(Reason.TOO_MANY_ATTACHMENTS);
                }
                if (previous == null || name.attachment() != previous.attachment()) {
                    attachmentBytes = 0;
                }
                long maxBytes = name.isTestimony() ? MAX_TESTIMONY_CIPHERTEXT : limits.maxAttachmentBytes() - attachmentBytes;
                Reason tooLarge = name.isTestimony() ? Reason.TESTIMONY_TOO_LONG : Reason.ATTACHMENT_TOO_LARGE;
                try (InputStream ciphertext = source.open(part)) {
                    CiphertextInspector.Inspected stored = storeCiphertext(ciphertext, submission, name, accepted,
                            maxBytes, tooLarge);
                    attachmentBytes += stored.size();
                    recipient = name.isTestimony() ? stored.recipient() : recipient;
                }
                previous = name;
            }
            if (recipient == null) {
                throw new SubmissionRefused(Reason.MISSING_TESTIMONY);
            }
            submission.commit("browser", recipient.keyId());
            boolean claimed = opened.map(open -> linkedToItsCase(() -> returning.claim(open.caseId(), submission.id())))
                    .orElse(false);
            return new Stored(submission.id(), "browser", claimed ? opened.map(CaseToClaim::receipt) : Optional.empty(),
                    false);
        }
    }

    /**
     * Links a durable submission to its case. The submission is acknowledged whatever happens here, or its source would
     * send it again: if the case is gone (deleted unclaimed, the database away), the office still reads the case from
     * the testimony's {@code reply} member, and the source is shown no receipt, which would open nothing.
     */
    private static boolean linkedToItsCase(Runnable link) {
        try {
            link.run();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("a stored submission could not be linked to its case ({})", e.getClass().getSimpleName());
            return false;
        }
    }

    /** A case the browser opened, checked before anything of the submission is stored, claimed once it is durable. */
    private record CaseToClaim(String caseId, Receipt receipt) {
    }

    /**
     * The {@code case} field and the {@code receipt} after it (FORMAT.md section 10.3): a case that is not there any
     * more, or already claimed, or a receipt that does not open it, refuses the submission before it is read.
     */
    private CaseToClaim caseToClaim(FormPart casePart, Iterator<FormPart> parts) throws SubmissionRefused, IOException {
        byte[] caseId = casePart.content().readNBytes(MAX_CASE_ID_BYTES + 1);
        FormPart receiptPart = parts.hasNext() ? parts.next() : null;
        if (caseId.length > MAX_CASE_ID_BYTES || receiptPart == null || !receiptPart.fieldName().equals(RECEIPT_FIELD)
                || receiptPart.fileName().isPresent()) {
            throw new SubmissionRefused(Reason.MALFORMED_FORM);
        }
        byte[] typed = receiptPart.content().readNBytes(MAX_RECEIPT_BYTES + 1);
        if (typed.length > MAX_RECEIPT_BYTES) {
            throw new SubmissionRefused(Reason.MALFORMED_FORM);
        }
        String id = new String(caseId, StandardCharsets.US_ASCII);
        try {
            Receipt receipt = returning.claimable(id, decodeUtf8(typed))
                    .orElseThrow(() -> new SubmissionRefused(Reason.CASE_EXPIRED));
            return new CaseToClaim(id, receipt);
        } catch (ReceiptChecks.Busy e) {
            throw new SubmissionRefused(Reason.BUSY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubmissionRefused(Reason.BUSY);
        }
    }

    /** The upload a field names; one that is unknown or still being appended to means the sending broke off. */
    private static UploadStore.Claimed claim(UploadStore uploads, FormPart part) throws SubmissionRefused, IOException {
        byte[] id = part.content().readNBytes(MAX_UPLOAD_ID_BYTES + 1);
        if (id.length > MAX_UPLOAD_ID_BYTES) {
            throw new SubmissionRefused(Reason.MALFORMED_FORM);
        }
        try {
            return uploads.claim(new String(id, StandardCharsets.US_ASCII));
        } catch (UploadRefused e) {
            throw new SubmissionRefused(Reason.UPLOAD_INTERRUPTED);
        }
    }

    private interface Receiving {
        Stored run() throws SubmissionRefused, IOException;
    }

    /**
     * Maps the request's own failures to refusals, and a full disk to a refusal the source can act on (come back
     * later); any other failure of our disk stays an IOException (a server error).
     */
    private static Stored receive(Receiving receiving) throws SubmissionRefused, IOException {
        try {
            return receiving.run();
        } catch (FormReadFailure.Unchecked e) {
            throw new SubmissionRefused(e.getCause() instanceof FormReadFailure failure ? failure.refusal()
                    : Reason.MALFORMED_FORM);
        } catch (FormReadFailure e) {
            throw new SubmissionRefused(e.refusal());
        } catch (IOException e) {
            if (StoreFullException.isCauseOf(e)) {
                throw new SubmissionRefused(Reason.SITE_FULL);
            }
            throw e;
        }
    }

    private static void requireFormToken(Iterator<FormPart> parts, Predicate<String> formTokenValid)
            throws SubmissionRefused, IOException {
        if (!parts.hasNext()) {
            throw new SubmissionRefused(Reason.MALFORMED_FORM);
        }
        FormPart first = parts.next();
        if (!first.fieldName().equals(FORM_TOKEN_FIELD) || first.fileName().isPresent()) {
            throw new SubmissionRefused(Reason.FORM_EXPIRED);
        }
        byte[] token = first.content().readNBytes(MAX_TOKEN_BYTES + 1);
        if (token.length > MAX_TOKEN_BYTES || !formTokenValid.test(new String(token, StandardCharsets.US_ASCII))) {
            throw new SubmissionRefused(Reason.FORM_EXPIRED);
        }
    }

    /**
     * Encrypts one file as it streams, without its metadata unless the source keeps it (FORMAT.md section 5.1),
     * hashing and counting the plaintext encrypted for the manifest.
     */
    private void encryptAttachment(FormPart part, OfficeCertificate certificate, NewSubmission submission,
                                   List<TestimonyDocument.Attachment> attachments, boolean keepMetadata)
            throws SubmissionRefused, IOException {
        if (!part.fieldName().equals(ATTACHMENTS_FIELD)) {
            throw new SubmissionRefused(Reason.UNKNOWN_FIELD);
        }
        InputStream content = part.content();
        String fileName = part.fileName().orElseThrow();
        if (fileName.isEmpty()) {
            content.transferTo(OutputStream.nullOutputStream()); // a file input left empty
            return;
        }
        int number = attachments.size() + 1;
        if (number > limits.maxAttachments()) {
            throw new SubmissionRefused(Reason.TOO_MANY_ATTACHMENTS);
        }
        MessageDigest sha256 = sha256();
        CountingOutputStream plaintext;
        InputStream limited = new LimitedInputStream(content, limits.maxAttachmentBytes());
        // Encryption runs on a thread of its own, beside this one's reading, parsing and hashing: two cores, not one.
        try (OutputStream stored = submission.createPart(PartName.wholeAttachment(number).toString());
             OutputStream encrypted = plaintext = new CountingOutputStream(new DigestOutputStream(new HandOffOutputStream(
                     MessageEncryptor.open(certificate, stored), "attachment-encryption"), sha256))) {
            if (keepMetadata) {
                limited.transferTo(encrypted);
            } else {
                MetadataRemover.copy(limited, encrypted);
            }
        } catch (UnreadableMedia e) {
            throw new SubmissionRefused(Reason.UNREADABLE_MEDIA);
        }
        long size = plaintext.count();
        String name = baseName(fileName).isEmpty() ? "attachment-" + number : truncate(baseName(fileName), MAX_FILE_NAME_CHARS);
        attachments.add(new TestimonyDocument.Attachment(number, name,
                truncate(part.contentType(), MAX_FILE_NAME_CHARS), size, HexFormat.of().formatHex(sha256.digest())));
    }

    /**
     * The case a follow-up's receipt names, as its testimony document's {@code reply} member; a wrong receipt refuses
     * the whole submission before anything else is read.
     */
    private TestimonyDocument.Reply caseOfReceipt(FormPart part) throws SubmissionRefused, IOException {
        byte[] typed = part.content().readNBytes(MAX_RECEIPT_BYTES + 1);
        if (typed.length > MAX_RECEIPT_BYTES) {
            throw new SubmissionRefused(Reason.RECEIPT);
        }
        try {
            ReturningSources.Lookup found = returning.find(decodeUtf8(typed));
            if (found instanceof ReturningSources.Lookup.Found known) {
                known.keys().forget();
                return returning.replyMember(known);
            }
            throw new SubmissionRefused(Reason.RECEIPT);
        } catch (ReceiptChecks.Busy e) {
            throw new SubmissionRefused(Reason.BUSY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubmissionRefused(Reason.BUSY);
        } catch (KeyMaterialException e) {
            throw new IllegalStateException("a stored reply key is unreadable", e);
        }
    }

    private ReturningSources.Opened openCase() throws SubmissionRefused {
        try {
            return returning.open();
        } catch (ReceiptChecks.Busy e) {
            throw new SubmissionRefused(Reason.BUSY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubmissionRefused(Reason.BUSY);
        } catch (PGPException | KeyMaterialException e) {
            throw new IllegalStateException("a reply key of the fixed profile could not be made", e);
        }
    }

    private static boolean readOptIn(FormPart part, boolean alreadyOptedIn) throws SubmissionRefused, IOException {
        return readYes(part, alreadyOptedIn, RETURNING_YES);
    }

    /** A check box that came once, where it belongs, with its value. */
    private static boolean readYes(FormPart part, boolean outOfPlace, String yes) throws SubmissionRefused, IOException {
        byte[] value = part.content().readNBytes(yes.length() + 1);
        if (outOfPlace || !yes.equals(new String(value, StandardCharsets.US_ASCII))) {
            throw new SubmissionRefused(Reason.MALFORMED_FORM);
        }
        return true;
    }

    private void readAnswer(FormPart part, Map<String, List<String>> answers) throws SubmissionRefused, IOException {
        Questionnaire.Question question = questionnaire.question(part.fieldName())
                .orElseThrow(() -> new SubmissionRefused(Reason.UNKNOWN_FIELD));
        boolean testimony = question.id().equals(Questionnaire.TESTIMONY);
        int maxChars = testimony ? limits.maxTestimonyChars() : limits.maxAnswerChars();
        Reason tooLong = testimony ? Reason.TESTIMONY_TOO_LONG : Reason.ANSWER_TOO_LONG;
        // UTF-8 takes at most 4 octets a character (Java counts a 4-octet character as 2 chars, which is still below).
        byte[] bytes = part.content().readNBytes(maxChars * 4 + 1);
        String value = decodeUtf8(bytes);
        if (bytes.length > maxChars * 4 || value.length() > maxChars) {
            throw new SubmissionRefused(tooLong);
        }
        if (question.kind() == Questionnaire.Kind.SINGLE_CHOICE || question.kind() == Questionnaire.Kind.MULTIPLE_CHOICE) {
            boolean known = question.choices().stream().anyMatch(choice -> choice.id().equals(value));
            List<String> chosen = answers.getOrDefault(question.id(), List.of());
            if (!known || (question.kind() == Questionnaire.Kind.SINGLE_CHOICE && !chosen.isEmpty())) {
                throw new SubmissionRefused(Reason.MALFORMED_FORM);
            }
        } else if (answers.containsKey(question.id())) {
            throw new SubmissionRefused(Reason.MALFORMED_FORM);
        }
        // A line ending typed in a textarea arrives as CRLF (HTML form encoding); store what the source typed.
        String normalized = value.replace("\r\n", "\n");
        if (!normalized.isBlank()) {
            answers.computeIfAbsent(question.id(), id -> new ArrayList<>()).add(normalized);
        }
    }

    /** The answers in questionnaire order, each with its question as the source saw it. */
    private TestimonyDocument document(String language, Map<String, List<String>> answers,
                                       List<TestimonyDocument.Attachment> attachments) throws SubmissionRefused {
        if (!answers.containsKey(Questionnaire.TESTIMONY)) {
            throw new SubmissionRefused(Reason.MISSING_TESTIMONY);
        }
        List<TestimonyDocument.Answer> ordered = new ArrayList<>();
        for (Questionnaire.Question question : questionnaire.questions()) {
            List<String> values = answers.get(question.id());
            String label = question.label().get(language);
            if (values != null) {
                boolean choices = question.kind() == Questionnaire.Kind.SINGLE_CHOICE
                        || question.kind() == Questionnaire.Kind.MULTIPLE_CHOICE;
                ordered.add(choices ? TestimonyDocument.Answer.choices(question.id(), label, values)
                        : TestimonyDocument.Answer.text(question.id(), label, values.get(0)));
            }
        }
        return new TestimonyDocument(language, "server", ordered, attachments);
    }

    private static CiphertextInspector.Inspected storeCiphertext(InputStream ciphertext, NewSubmission submission,
                                                                 PartName name, List<Subkey> accepted, long maxBytes,
                                                                 Reason tooLarge) throws SubmissionRefused, IOException {
        try (OutputStream stored = submission.createPart(name.toString())) {
            return CiphertextInspector.copyChecked(ciphertext, stored, accepted, maxBytes);
        } catch (RefusedCiphertextException e) {
            throw new SubmissionRefused(switch (e.reason()) {
                case WRONG_RECIPIENT -> Reason.WRONG_RECIPIENT;
                case TOO_LARGE -> tooLarge;
                default -> Reason.NOT_CIPHERTEXT;
            });
        }
    }

    private static String decodeUtf8(byte[] bytes) throws SubmissionRefused {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SubmissionRefused(Reason.MALFORMED_FORM);
        }
    }

    /** Browsers send a bare name, old ones a whole path; keep only the last segment. */
    private static String baseName(String fileName) {
        return fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
    }

    /** Cuts by code points, so a Korean syllable or an emoji is never split in half. */
    private static String truncate(String value, int maxCodePoints) {
        return value.codePointCount(0, value.length()) <= maxCodePoints ? value
                : value.substring(0, value.offsetByCodePoints(0, maxCodePoints));
    }

    /** A file's octets as they arrive, past the attachment size limit a refusal of the whole submission. */
    private static final class LimitedInputStream extends FilterInputStream {
        private final long limit;
        private long count;

        LimitedInputStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = super.read(bytes, offset, length);
            count += Math.max(n, 0);
            if (count > limit) {
                throw new FormReadFailure(Reason.ATTACHMENT_TOO_LARGE, null);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return Math.max(0, read(new byte[(int) Math.min(n, COPY_BUFFER)])); // counted like any read
        }
    }

    /** Counts the plaintext that is encrypted: the file's size in the manifest. */
    private static final class CountingOutputStream extends FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int octet) throws IOException {
            out.write(octet);
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            count += length;
        }

        long count() {
            return count;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
