package org.testimonyintake.format;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * One testimony as the source submitted it (FORMAT.md section 4, version 1): the form language, where it
 * was encrypted, the answers in questionnaire order and the manifest of attachments sent as separate encrypted parts.
 *
 * <p>Every instance satisfies the limits a reader enforces, whether built by the server or parsed by the office, so
 * {@link #toJson} always writes what {@link #parse} accepts. Constructors throw {@link IllegalArgumentException} with a
 * message that never quotes the offending value. All strings are well-formed Unicode; they are data, never markup.
 */
public record TestimonyDocument(String language, String encryptedBy, List<Answer> answers, List<Attachment> attachments,
                                Reply reply) {
    public static final String TYPE = "testimony-intake/testimony";
    public static final int VERSION = 1;
    /** The server encrypted the testimony on arrival: the source's browser ran without JavaScript. */
    public static final String ENCRYPTED_BY_SERVER = "server";
    /** The source's browser encrypted the testimony before sending it. */
    public static final String ENCRYPTED_BY_BROWSER = "browser";
    public static final int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
    public static final int MAX_ANSWERS = 200;
    public static final int MAX_ATTACHMENTS = 100;
    /** An attachment sent in segments has at most this many (FORMAT.md section 5). */
    public static final int MAX_SEGMENTS = 4096;

    private static final int MAX_LANGUAGE_TAG_LENGTH = 35;
    private static final Pattern LANGUAGE_TAG = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*");
    private static final Pattern ANSWER_ID = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern CASE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final int MAX_REPLY_KEY_CHARS = 16384;
    private static final int MAX_NAME_CODE_POINTS = 255;
    private static final int LOOKS_LIKE_WINDOW = 4096;
    private static final byte[] TYPE_BYTES = TYPE.getBytes(StandardCharsets.US_ASCII);

    public TestimonyDocument {
        require(language != null && language.length() <= MAX_LANGUAGE_TAG_LENGTH
                && LANGUAGE_TAG.matcher(language).matches(), "language must be a language tag such as en, ko or ru");
        require(ENCRYPTED_BY_SERVER.equals(encryptedBy) || ENCRYPTED_BY_BROWSER.equals(encryptedBy),
                "encryptedBy must be \"server\" or \"browser\"");
        require(answers != null && answers.stream().noneMatch(Objects::isNull), "answers must be a list of answers");
        require(answers.size() <= MAX_ANSWERS, "more than " + MAX_ANSWERS + " answers");
        require(attachments != null && attachments.stream().noneMatch(Objects::isNull),
                "attachments must be a list of attachments");
        require(attachments.size() <= MAX_ATTACHMENTS, "more than " + MAX_ATTACHMENTS + " attachments");
        answers = List.copyOf(answers);
        attachments = List.copyOf(attachments);
        Set<String> ids = new HashSet<>();
        require(answers.stream().allMatch(answer -> ids.add(answer.id())), "two answers have the same id");
        Set<Integer> parts = new HashSet<>();
        require(attachments.stream().allMatch(attachment -> parts.add(attachment.part())),
                "two attachments have the same part number");
    }

    /** A testimony of a source who did not ask to come back: no {@code reply} member. */
    public TestimonyDocument(String language, String encryptedBy, List<Answer> answers, List<Attachment> attachments) {
        this(language, encryptedBy, answers, attachments, null);
    }

    /**
     * The {@code reply} member of FORMAT.md section 10.3: the returning source's case and its public reply key.
     *
     * @param caseId 32 lower-case hex digits
     * @param key the ASCII-armored reply key certificate
     */
    public record Reply(String caseId, String key) {
        public Reply {
            require(caseId != null && CASE_ID.matcher(caseId).matches(), "reply.case must be 32 lower-case hex digits");
            require(key != null && key.length() <= MAX_REPLY_KEY_CHARS, "reply.key must be an armored key of at most 16 KiB");
        }
    }

    public Optional<Reply> returning() {
        return Optional.ofNullable(reply);
    }

    /**
     * One answer of the questionnaire.
     *
     * @param id the questionnaire's field id
     * @param label the question as the source saw it, or null
     * @param values the answer: one string for free text, any number of strings for choices
     * @param listValue true when the value is a JSON list (choices), false when it is a single string
     */
    public record Answer(String id, String label, List<String> values, boolean listValue) {
        public Answer {
            require(id != null && ANSWER_ID.matcher(id).matches(), "id must be 1 to 64 characters of a-z, 0-9 and -");
            require(label == null || isWellFormedUnicode(label), "label is not valid Unicode");
            require(values != null && values.stream().allMatch(v -> v != null && isWellFormedUnicode(v)),
                    "value must be strings of valid Unicode");
            require(listValue || values.size() == 1, "a single-string value must have exactly one value");
            values = List.copyOf(values);
        }

        /** Exactly one value is written as a single string, any other number as a list. */
        public Answer(String id, String label, List<String> values) {
            this(id, label, values, values == null || values.size() != 1);
        }

        /** A free-text answer, written as a single string. */
        public static Answer text(String id, String label, String value) {
            return new Answer(id, label, List.of(value), false);
        }

        /** The choices made, written as a list even when there is one or none. */
        public static Answer choices(String id, String label, List<String> chosen) {
            return new Answer(id, label, chosen, true);
        }
    }

    /**
     * The manifest entry of one attachment; its content travels as one separate encrypted message, or as a sequence
     * of them (segments, FORMAT.md section 5). Exactly one of {@code sha256} and {@code segments} is given.
     *
     * @param part the attachment's number, 1 or more, which names its messages
     * @param name the file name the source gave, 1 to 255 characters, untrusted
     * @param mediaType the media type the source's browser claimed, untrusted
     * @param size the size in bytes
     * @param sha256 the SHA-256 of the content (64 lowercase hex digits) when it is one message, else null
     * @param segments the SHA-256 of each segment's plaintext, in order, when it is sent in segments, else empty
     */
    public record Attachment(int part, String name, String mediaType, long size, String sha256, List<String> segments) {
        public Attachment {
            require(part >= 1, "part must be 1 or more");
            require(name != null && isWellFormedUnicode(name) && !name.isEmpty()
                    && name.codePointCount(0, name.length()) <= MAX_NAME_CODE_POINTS, "name must be 1 to 255 characters");
            require(mediaType != null && isWellFormedUnicode(mediaType) && !mediaType.isEmpty()
                    && mediaType.codePointCount(0, mediaType.length()) <= MAX_NAME_CODE_POINTS,
                    "mediaType must be 1 to 255 characters");
            require(size >= 0, "size must not be negative");
            require(segments != null && segments.size() <= MAX_SEGMENTS, "at most " + MAX_SEGMENTS + " segments");
            require(segments.isEmpty() != (sha256 == null), "an attachment has either sha256 or segments");
            require(sha256 == null || SHA256_HEX.matcher(sha256).matches(), "sha256 must be 64 lowercase hex digits");
            require(segments.stream().allMatch(hash -> hash != null && SHA256_HEX.matcher(hash).matches()),
                    "each segment's sha256 must be 64 lowercase hex digits");
            segments = List.copyOf(segments);
        }

        /** An attachment sent as one message. */
        public Attachment(int part, String name, String mediaType, long size, String sha256) {
            this(part, name, mediaType, size, sha256, List.of());
        }

        public boolean segmented() {
            return !segments.isEmpty();
        }

        /** The parts holding its content, in order. */
        public List<PartName> partNames() {
            return segmented()
                    ? IntStream.rangeClosed(1, segments.size()).mapToObj(k -> PartName.segment(part, k)).toList()
                    : List.of(PartName.wholeAttachment(part));
        }
    }

    /** Reads a UTF-8 JSON testimony document, enforcing the format's limits; unknown members are ignored. */
    public static TestimonyDocument parse(byte[] json) throws InvalidDocumentException {
        return TestimonyJson.read(json);
    }

    /**
     * The document as compact UTF-8 JSON, members in the order FORMAT.md section 4 shows.
     *
     * @throws IllegalStateException if the result would exceed {@link #MAX_DOCUMENT_BYTES}, which no reader accepts
     */
    public byte[] toJson() {
        return TestimonyJson.write(this);
    }

    /**
     * A cheap test, without parsing, for decrypted plaintext that is meant to be a testimony document rather than an
     * attachment: it starts with '{' after optional whitespace and byte order mark, and names {@link #TYPE} in its
     * first 4 KiB. {@link #parse} still decides whether it is a valid one.
     */
    public static boolean looksLikeTestimony(byte[] plaintext) {
        int window = Math.min(plaintext.length, LOOKS_LIKE_WINDOW);
        int start = hasUtf8ByteOrderMark(plaintext) ? 3 : 0;
        while (start < window && isJsonWhitespace(plaintext[start])) {
            start++;
        }
        return start < window && plaintext[start] == '{' && contains(plaintext, window, TYPE_BYTES);
    }

    /** The answer to the questionnaire field with this id, if the source answered it. */
    public Optional<Answer> answer(String id) {
        return answers.stream().filter(answer -> answer.id().equals(id)).findFirst();
    }

    private static boolean hasUtf8ByteOrderMark(byte[] bytes) {
        return bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF;
    }

    private static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static boolean contains(byte[] haystack, int limit, byte[] needle) {
        for (int start = 0; start + needle.length <= limit; start++) {
            int matched = 0;
            while (matched < needle.length && haystack[start + matched] == needle[matched]) {
                matched++;
            }
            if (matched == needle.length) {
                return true;
            }
        }
        return false;
    }

    /** Unpaired surrogates cannot be written as UTF-8, so no string of a document may hold one. */
    private static boolean isWellFormedUnicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
