package org.testimonyintake.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testimonyintake.format.TestimonyDocument.Answer;
import org.testimonyintake.format.TestimonyDocument.Attachment;

/**
 * Reads and writes {@link TestimonyDocument} as JSON. The input is hostile: reading is strict (UTF-8 only, one value,
 * no duplicate members, bounded nesting) so that every reader of a document sees the same thing, and no error message
 * quotes the input, since parser messages would.
 */
final class TestimonyJson {
    /** Deep enough for any future member; shallow enough that nesting cannot exhaust the stack. */
    private static final int MAX_NESTING_DEPTH = 32;
    private static final JsonFactory STRICT_FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .build();
    private static final JSON JSON_OBJECTS = JSON.builder(STRICT_FACTORY).build();

    private TestimonyJson() {
    }

    static TestimonyDocument read(byte[] json) throws InvalidDocumentException {
        if (json.length > TestimonyDocument.MAX_DOCUMENT_BYTES) {
            throw new InvalidDocumentException("the document is larger than 16 MiB");
        }
        Map<String, Object> root = object(readJsonValue(decodeUtf8(json)), "the document is not a JSON object");
        if (!TestimonyDocument.TYPE.equals(root.get("type"))) {
            throw new InvalidDocumentException("this is not a testimony document (wrong or missing type)");
        }
        Object version = root.get("version");
        if (version == null) {
            throw new InvalidDocumentException("version is missing");
        }
        if (!(version instanceof Integer || version instanceof Long || version instanceof BigInteger)) {
            throw new InvalidDocumentException("version must be an integer");
        }
        if (!Integer.valueOf(TestimonyDocument.VERSION).equals(version)) {
            throw new InvalidDocumentException("unsupported version");
        }
        String language = string(root, "language", "");
        String encryptedBy = string(root, "encryptedBy", "");
        List<Object> answerValues = list(root, "answers", "");
        List<Object> attachmentValues = list(root, "attachments", "");
        // Checked before reading the entries, so an oversized list costs no more work than its parse.
        if (answerValues.size() > TestimonyDocument.MAX_ANSWERS) {
            throw new InvalidDocumentException("more than " + TestimonyDocument.MAX_ANSWERS + " answers");
        }
        if (attachmentValues.size() > TestimonyDocument.MAX_ATTACHMENTS) {
            throw new InvalidDocumentException("more than " + TestimonyDocument.MAX_ATTACHMENTS + " attachments");
        }
        List<Answer> answers = new ArrayList<>();
        for (int i = 0; i < answerValues.size(); i++) {
            answers.add(answer(answerValues.get(i), "answer " + (i + 1) + ": "));
        }
        List<Attachment> attachments = new ArrayList<>();
        for (int i = 0; i < attachmentValues.size(); i++) {
            attachments.add(attachment(attachmentValues.get(i), "attachment " + (i + 1) + ": "));
        }
        TestimonyDocument.Reply reply = null;
        if (root.containsKey("reply")) {
            Map<String, Object> member = object(root.get("reply"), "reply must be a JSON object");
            try {
                reply = new TestimonyDocument.Reply(string(member, "case", "reply: "), string(member, "key", "reply: "));
            } catch (IllegalArgumentException e) {
                throw new InvalidDocumentException(e.getMessage());
            }
        }
        try {
            return new TestimonyDocument(language, encryptedBy, answers, attachments, reply);
        } catch (IllegalArgumentException e) {
            throw new InvalidDocumentException(e.getMessage());
        }
    }

    static byte[] write(TestimonyDocument document) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("type", TestimonyDocument.TYPE);
        root.put("version", TestimonyDocument.VERSION);
        root.put("language", document.language());
        root.put("encryptedBy", document.encryptedBy());
        List<Map<String, Object>> answers = new ArrayList<>();
        for (Answer answer : document.answers()) {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("id", answer.id());
            if (answer.label() != null) {
                member.put("label", answer.label());
            }
            member.put("value", answer.listValue() ? answer.values() : answer.values().get(0));
            answers.add(member);
        }
        root.put("answers", answers);
        List<Map<String, Object>> attachments = new ArrayList<>();
        for (Attachment attachment : document.attachments()) {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("part", attachment.part());
            member.put("name", attachment.name());
            member.put("mediaType", attachment.mediaType());
            member.put("size", attachment.size());
            if (attachment.segmented()) {
                member.put("segments", attachment.segments());
            } else {
                member.put("sha256", attachment.sha256());
            }
            attachments.add(member);
        }
        root.put("attachments", attachments);
        document.returning().ifPresent(reply -> {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("case", reply.caseId());
            member.put("key", reply.key());
            root.put("reply", member);
        });
        byte[] json;
        try {
            json = JSON_OBJECTS.asBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
        if (json.length > TestimonyDocument.MAX_DOCUMENT_BYTES) {
            throw new IllegalStateException("the testimony document would be larger than 16 MiB");
        }
        return json;
    }

    /** Strict decoding: Jackson would also guess UTF-16 and UTF-32, and tolerates some malformed UTF-8. */
    private static String decodeUtf8(byte[] json) throws InvalidDocumentException {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new InvalidDocumentException("the document is not valid UTF-8");
        }
    }

    private static Object readJsonValue(String text) throws InvalidDocumentException {
        try (JsonParser parser = STRICT_FACTORY.createParser(text)) {
            Object value = JSON_OBJECTS.anyFrom(parser);
            if (parser.nextToken() != null) {
                throw new InvalidDocumentException("the document has content after its JSON value");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            // Jackson's messages quote the input, so they stay here.
            throw new InvalidDocumentException("the document is not valid JSON");
        }
    }

    private static Answer answer(Object value, String where) throws InvalidDocumentException {
        Map<String, Object> member = object(value, where + "not a JSON object");
        String id = string(member, "id", where);
        Object label = member.get("label");
        if (label != null && !(label instanceof String)) {
            throw new InvalidDocumentException(where + "label must be a string");
        }
        Object answerValue = member.get("value");
        try {
            if (answerValue instanceof String text) {
                return Answer.text(id, (String) label, text);
            }
            if (answerValue instanceof List<?> choices && choices.stream().allMatch(String.class::isInstance)) {
                return Answer.choices(id, (String) label, choices.stream().map(String.class::cast).toList());
            }
            throw new InvalidDocumentException(where + "value must be a string or a list of strings");
        } catch (IllegalArgumentException e) {
            throw new InvalidDocumentException(where + e.getMessage());
        }
    }

    private static Attachment attachment(Object value, String where) throws InvalidDocumentException {
        Map<String, Object> member = object(value, where + "not a JSON object");
        if (!(member.get("part") instanceof Integer part)) {
            throw new InvalidDocumentException(where + "part must be a whole number");
        }
        Object size = member.get("size");
        if (!(size instanceof Integer || size instanceof Long)) {
            throw new InvalidDocumentException(where + "size must be a whole number of bytes");
        }
        String name = string(member, "name", where);
        String mediaType = string(member, "mediaType", where);
        Object sha256 = member.get("sha256");
        Object segments = member.get("segments");
        boolean wellTyped = (!member.containsKey("sha256") || sha256 instanceof String)
                && (!member.containsKey("segments")
                    || segments instanceof List<?> list && list.stream().allMatch(String.class::isInstance));
        if (!wellTyped) {
            throw new InvalidDocumentException(where + "sha256 must be a string and segments a list of strings");
        }
        try {
            List<String> segmentHashes = segments == null ? List.of()
                    : ((List<?>) segments).stream().map(String.class::cast).toList();
            if (segments != null && segmentHashes.isEmpty()) {
                throw new IllegalArgumentException("segments must not be empty");
            }
            return new Attachment(part, name, mediaType, ((Number) size).longValue(), (String) sha256, segmentHashes);
        } catch (IllegalArgumentException e) {
            throw new InvalidDocumentException(where + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked") // Jackson jr reads every JSON object as a Map with String keys.
    private static Map<String, Object> object(Object value, String refusal) throws InvalidDocumentException {
        if (!(value instanceof Map)) {
            throw new InvalidDocumentException(refusal);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked") // Jackson jr reads every JSON array as a List.
    private static List<Object> list(Map<String, Object> object, String member, String where)
            throws InvalidDocumentException {
        Object value = object.get(member);
        if (value == null) {
            throw new InvalidDocumentException(where + member + " is missing");
        }
        if (!(value instanceof List)) {
            throw new InvalidDocumentException(where + member + " must be a list");
        }
        return (List<Object>) value;
    }

    private static String string(Map<String, Object> object, String member, String where)
            throws InvalidDocumentException {
        Object value = object.get(member);
        if (value == null) {
            throw new InvalidDocumentException(where + member + " is missing");
        }
        if (!(value instanceof String text)) {
            throw new InvalidDocumentException(where + member + " must be a string");
        }
        return text;
    }
}
