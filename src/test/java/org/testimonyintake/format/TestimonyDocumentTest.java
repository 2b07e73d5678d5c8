package org.testimonyintake.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.testimonyintake.format.TestimonyDocument.Answer;
import org.testimonyintake.format.TestimonyDocument.Attachment;

class TestimonyDocumentTest {
    private static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    /** Marks every refused value below: no error message may repeat it. */
    private static final String CANARY = "CANARY-7f3a";

    private static final TestimonyDocument KOREAN_AND_RUSSIAN = new TestimonyDocument("ko", "server",
            List.of(Answer.text("testimony", "무슨 일이 있었습니까?",
                            "2019년부터 블라디보스토크 건설 현장에서 일했습니다.\n여권은 관리자가 가져갔습니다. <b>\"quoted\"</b> \\ \u0000 😀"),
                    Answer.text("site", "Где вы работали?", "Стройка в Подмосковье, общежитие на 40 человек."),
                    Answer.text("unlabelled", null, ""),
                    Answer.choices("consent", "How may we use it?", List.of("quote-anonymously", "share-with-un")),
                    Answer.choices("single-choice", null, List.of("yes")),
                    Answer.choices("no-choice", null, List.of())),
            List.of(new Attachment(1, "사진 1.jpg", "image/jpeg", 12345, SHA256),
                    new Attachment(2, "договор.pdf", "application/pdf", 0, SHA256.replace('9', '0'))));

    private static final String SPEC_EXAMPLE = """
            {
              "type": "testimony-intake/testimony",
              "version": 1,
              "language": "ko",
              "encryptedBy": "server",
              "answers": [
                 {"id": "testimony", "label": "What happened?", "value": "..."},
                 {"id": "consent", "label": "How may we use it?", "value": ["quote-anonymously", "share-with-un"]}
              ],
              "attachments": [
                 {"part": 1, "name": "photo.jpg", "mediaType": "image/jpeg", "size": 12345, "sha256": "%s"}
              ]
            }
            """.formatted(SHA256);

    @Test
    void roundTripKeepsKoreanRussianAndTheShapeOfEveryValue() throws Exception {
        TestimonyDocument parsed = TestimonyDocument.parse(KOREAN_AND_RUSSIAN.toJson());

        assertEquals(KOREAN_AND_RUSSIAN, parsed);
        assertArrayEquals(KOREAN_AND_RUSSIAN.toJson(), parsed.toJson());
        assertFalse(parsed.answers().get(0).listValue());
        assertTrue(parsed.answers().get(4).listValue(), "one choice stays a list");
    }

    @Test
    void jsonHasTheMembersInTheSpecifiedOrder() {
        String json = new String(KOREAN_AND_RUSSIAN.toJson(), StandardCharsets.UTF_8);

        assertTrue(json.startsWith("{\"type\":\"testimony-intake/testimony\",\"version\":1,\"language\":\"ko\","
                + "\"encryptedBy\":\"server\",\"answers\":[{\"id\":\"testimony\",\"label\":\"무슨 일이 있었습니까?\",\"value\":\"2019"),
                json);
        assertTrue(json.contains("{\"id\":\"unlabelled\",\"value\":\"\"}"), json);
        assertTrue(json.contains("{\"id\":\"single-choice\",\"value\":[\"yes\"]}"), json);
        assertTrue(json.endsWith("\"attachments\":[{\"part\":1,\"name\":\"사진 1.jpg\",\"mediaType\":\"image/jpeg\","
                + "\"size\":12345,\"sha256\":\"" + SHA256 + "\"},{\"part\":2,\"name\":\"договор.pdf\","
                + "\"mediaType\":\"application/pdf\",\"size\":0,\"sha256\":\"" + SHA256.replace('9', '0') + "\"}]}"), json);
    }

    @Test
    void anAttachmentInSegmentsListsTheirHashesInsteadOfOne() throws Exception {
        Attachment video = new Attachment(3, "video.mp4", "video/mp4", 9_000_000, null,
                List.of(SHA256, SHA256.replace('9', '1'), SHA256.replace('9', '2')));
        TestimonyDocument document = new TestimonyDocument("ru", "browser", List.of(), List.of(video));

        String json = new String(document.toJson(), StandardCharsets.UTF_8);

        assertTrue(json.endsWith("{\"part\":3,\"name\":\"video.mp4\",\"mediaType\":\"video/mp4\",\"size\":9000000,"
                + "\"segments\":[\"" + SHA256 + "\",\"" + SHA256.replace('9', '1') + "\",\"" + SHA256.replace('9', '2') + "\"]}]}"), json);
        assertEquals(document, TestimonyDocument.parse(document.toJson()));
        assertEquals(List.of("attachment-3-1.pgp", "attachment-3-2.pgp", "attachment-3-3.pgp"),
                video.partNames().stream().map(PartName::toString).toList());
        assertEquals(List.of("attachment-1.pgp"), KOREAN_AND_RUSSIAN.attachments().get(0).partNames().stream()
                .map(PartName::toString).toList());
    }

    @Test
    void specExampleParses() throws Exception {
        TestimonyDocument document = TestimonyDocument.parse(SPEC_EXAMPLE.getBytes(StandardCharsets.UTF_8));

        assertEquals(new TestimonyDocument("ko", "server",
                List.of(Answer.text("testimony", "What happened?", "..."),
                        Answer.choices("consent", "How may we use it?", List.of("quote-anonymously", "share-with-un"))),
                List.of(new Attachment(1, "photo.jpg", "image/jpeg", 12345, SHA256))), document);
        assertEquals(List.of("..."), document.answer("testimony").orElseThrow().values());
        assertTrue(document.answer("missing").isEmpty());
    }

    @Test
    void unknownMembersAreIgnoredAtEveryLevel() throws Exception {
        String json = SPEC_EXAMPLE
                .replace("\"version\": 1,", "\"version\": 1, \"padding\": \"" + "x".repeat(1000) + "\", \"future\": {\"a\": [1, {\"b\": null}]},")
                .replace("\"value\": \"...\"}", "\"value\": \"...\", \"hint\": 3}")
                .replace("\"size\": 12345,", "\"size\": 12345, \"thumbnail\": null,");

        assertEquals(TestimonyDocument.parse(SPEC_EXAMPLE.getBytes(StandardCharsets.UTF_8)),
                TestimonyDocument.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void byteOrderMarkAndSurroundingWhitespaceAreAccepted() throws Exception {
        byte[] json = ("\uFEFF \n" + SPEC_EXAMPLE + "\n\n").getBytes(StandardCharsets.UTF_8);

        assertEquals(TestimonyDocument.parse(SPEC_EXAMPLE.getBytes(StandardCharsets.UTF_8)), TestimonyDocument.parse(json));
    }

    @Test
    void labelMayBeNull() throws Exception {
        TestimonyDocument document = TestimonyDocument.parse(
                SPEC_EXAMPLE.replace("\"label\": \"What happened?\"", "\"label\": null").getBytes(StandardCharsets.UTF_8));

        assertNull(document.answers().get(0).label());
    }

    static Stream<Arguments> refusedDocuments() {
        return Stream.of(
                refused("wrong type", SPEC_EXAMPLE.replace("testimony-intake/testimony", CANARY)),
                refused("missing type", SPEC_EXAMPLE.replace("\"type\": \"testimony-intake/testimony\",", "")),
                refused("version 2", SPEC_EXAMPLE.replace("\"version\": 1", "\"version\": 2")),
                refused("version 0", SPEC_EXAMPLE.replace("\"version\": 1", "\"version\": 0")),
                refused("huge version", SPEC_EXAMPLE.replace("\"version\": 1", "\"version\": 100000000000000000000")),
                refused("version as string", SPEC_EXAMPLE.replace("\"version\": 1", "\"version\": \"1\"")),
                refused("version as fraction", SPEC_EXAMPLE.replace("\"version\": 1", "\"version\": 1.0")),
                refused("missing version", SPEC_EXAMPLE.replace("\"version\": 1,", "")),
                refused("missing language", SPEC_EXAMPLE.replace("\"language\": \"ko\",", "")),
                refused("language not a tag", SPEC_EXAMPLE.replace("\"ko\"", "\"" + CANARY + " <x>\"")),
                refused("language too long", SPEC_EXAMPLE.replace("\"ko\"", "\"ko-" + "abcdefgh-".repeat(4) + "x\"")),
                refused("missing encryptedBy", SPEC_EXAMPLE.replace("\"encryptedBy\": \"server\",", "")),
                refused("unknown encryptedBy", SPEC_EXAMPLE.replace("\"server\"", "\"" + CANARY + "\"")),
                refused("missing answers", SPEC_EXAMPLE.replace("\"answers\"", "\"answerz\"")),
                refused("answers not a list", SPEC_EXAMPLE.replace("\"answers\": [", "\"answers\": 1, \"x\": [")),
                refused("answer not an object", SPEC_EXAMPLE.replace("\"answers\": [", "\"answers\": [\"" + CANARY + "\",")),
                refused("missing attachments", SPEC_EXAMPLE.replace("\"attachments\"", "\"attachmentz\"")),
                refused("answer id uppercase", SPEC_EXAMPLE.replace("\"id\": \"testimony\"", "\"id\": \"" + CANARY + "\"")),
                refused("answer id too long", SPEC_EXAMPLE.replace("\"id\": \"testimony\"", "\"id\": \"" + "a".repeat(65) + "\"")),
                refused("answer id empty", SPEC_EXAMPLE.replace("\"id\": \"testimony\"", "\"id\": \"\"")),
                refused("answer id missing", SPEC_EXAMPLE.replace("\"id\": \"testimony\", ", "")),
                refused("duplicate answer ids", SPEC_EXAMPLE.replace("\"id\": \"consent\"", "\"id\": \"testimony\"")),
                refused("label not a string", SPEC_EXAMPLE.replace("\"label\": \"What happened?\"", "\"label\": 7")),
                refused("value missing", SPEC_EXAMPLE.replace(", \"value\": \"...\"", "")),
                refused("value a number", SPEC_EXAMPLE.replace("\"value\": \"...\"", "\"value\": 42")),
                refused("value null", SPEC_EXAMPLE.replace("\"value\": \"...\"", "\"value\": null")),
                refused("value list with a number", SPEC_EXAMPLE.replace("\"share-with-un\"]", "\"share-with-un\", 7]")),
                refused("value an object", SPEC_EXAMPLE.replace("\"value\": \"...\"", "\"value\": {\"a\": \"" + CANARY + "\"}")),
                refused("unpaired surrogate", SPEC_EXAMPLE.replace("\"value\": \"...\"", "\"value\": \"\\ud800" + CANARY + "\"")),
                refused("sha256 uppercase", SPEC_EXAMPLE.replace(SHA256, SHA256.toUpperCase())),
                refused("sha256 and segments", SPEC_EXAMPLE.replace("\"sha256\"", "\"segments\": [\"" + SHA256 + "\"], \"sha256\"")),
                refused("neither sha256 nor segments", SPEC_EXAMPLE.replace("\"sha256\"", "\"sha257\"")),
                refused("null sha256", SPEC_EXAMPLE.replace("\"" + SHA256 + "\"", "null")),
                refused("empty segments", SPEC_EXAMPLE.replace("\"sha256\": \"" + SHA256 + "\"", "\"segments\": []")),
                refused("segments not a list", SPEC_EXAMPLE.replace("\"sha256\"", "\"segments\"")),
                refused("segment not hex", SPEC_EXAMPLE.replace("\"sha256\": \"" + SHA256 + "\"",
                        "\"segments\": [\"" + SHA256 + "\", \"" + CANARY + SHA256.substring(CANARY.length()) + "\"]")),
                refused("segment a number", SPEC_EXAMPLE.replace("\"sha256\": \"" + SHA256 + "\"", "\"segments\": [1]")),
                refused("sha256 short", SPEC_EXAMPLE.replace(SHA256, SHA256.substring(1))),
                refused("sha256 not hex", SPEC_EXAMPLE.replace(SHA256, CANARY + SHA256.substring(CANARY.length()))),
                refused("negative size", SPEC_EXAMPLE.replace("\"size\": 12345", "\"size\": -1")),
                refused("fractional size", SPEC_EXAMPLE.replace("\"size\": 12345", "\"size\": 1.5")),
                refused("size as string", SPEC_EXAMPLE.replace("\"size\": 12345", "\"size\": \"12345\"")),
                refused("part zero", SPEC_EXAMPLE.replace("\"part\": 1", "\"part\": 0")),
                refused("part too large", SPEC_EXAMPLE.replace("\"part\": 1", "\"part\": 3000000000")),
                refused("duplicate parts", SPEC_EXAMPLE.replace("\"attachments\": [",
                        "\"attachments\": [{\"part\": 1, \"name\": \"a\", \"mediaType\": \"b\", \"size\": 1, \"sha256\": \"" + SHA256 + "\"},")),
                refused("empty name", SPEC_EXAMPLE.replace("\"photo.jpg\"", "\"\"")),
                refused("name too long", SPEC_EXAMPLE.replace("\"photo.jpg\"", "\"" + "사".repeat(256) + "\"")),
                refused("missing media type", SPEC_EXAMPLE.replace("\"mediaType\": \"image/jpeg\", ", "")),
                refused("too many answers", withAnswers(TestimonyDocument.MAX_ANSWERS + 1)),
                refused("too many attachments", withAttachments(TestimonyDocument.MAX_ATTACHMENTS + 1)),
                refused("JSON array", "[" + SPEC_EXAMPLE + "]"),
                refused("JSON string", "\"" + CANARY + "\""),
                refused("JSON number", "42"),
                refused("JSON null", "null"),
                refused("empty input", ""),
                refused("whitespace only", " \n\t"),
                refused("truncated", SPEC_EXAMPLE.substring(0, SPEC_EXAMPLE.length() / 2)),
                refused("trailing content", SPEC_EXAMPLE + CANARY),
                refused("two documents", SPEC_EXAMPLE + SPEC_EXAMPLE),
                refused("duplicate member", SPEC_EXAMPLE.replace("\"version\": 1,", "\"version\": 1, \"type\": \"other\",")),
                refused("comments", "// " + CANARY + "\n" + SPEC_EXAMPLE),
                refused("single quotes", SPEC_EXAMPLE.replace("\"ko\"", "'ko'")),
                refused("garbage", CANARY + " \u0001\u0002 not json at all"),
                refused("deep nesting", SPEC_EXAMPLE.replace("\"version\": 1,",
                        "\"version\": 1, \"deep\": " + "[".repeat(5000) + "]".repeat(5000) + ",")),
                Arguments.of("invalid UTF-8", insertedIntoName((byte) 0xC3, (byte) 0x28)),
                Arguments.of("overlong UTF-8", insertedIntoName((byte) 0xC0, (byte) 0xAF)),
                Arguments.of("UTF-8 encoded surrogate", insertedIntoName((byte) 0xED, (byte) 0xA0, (byte) 0x80)),
                Arguments.of("UTF-16", ("\uFEFF" + SPEC_EXAMPLE).getBytes(StandardCharsets.UTF_16BE)),
                Arguments.of("random binary", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13}),
                Arguments.of("larger than 16 MiB", oversized()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedDocuments")
    void refusedWithAShortMessageThatDoesNotEchoTheInput(String reason, byte[] json) {
        InvalidDocumentException refusal = assertThrows(InvalidDocumentException.class, () -> TestimonyDocument.parse(json));

        assertFalse(refusal.getMessage().isBlank());
        assertTrue(refusal.getMessage().length() < 120, refusal.getMessage());
        assertFalse(refusal.getMessage().contains(CANARY), refusal.getMessage());
        assertNull(refusal.getCause(), "parser exceptions quote the input");
    }

    @Test
    void unsupportedVersionSaysSo() {
        InvalidDocumentException refusal = assertThrows(InvalidDocumentException.class, () -> TestimonyDocument.parse(
                SPEC_EXAMPLE.replace("\"version\": 1", "\"version\": 2").getBytes(StandardCharsets.UTF_8)));

        assertEquals("unsupported version", refusal.getMessage());
    }

    @Test
    void limitsAreInclusive() throws Exception {
        assertEquals(TestimonyDocument.MAX_ANSWERS, TestimonyDocument.parse(utf8(withAnswers(TestimonyDocument.MAX_ANSWERS))).answers().size());
        assertEquals(TestimonyDocument.MAX_ATTACHMENTS,
                TestimonyDocument.parse(utf8(withAttachments(TestimonyDocument.MAX_ATTACHMENTS))).attachments().size());
        String longest = "a".repeat(64);
        String name = "사".repeat(255);
        TestimonyDocument document = TestimonyDocument.parse(SPEC_EXAMPLE.replace("\"id\": \"testimony\"", "\"id\": \"" + longest + "\"")
                .replace("\"photo.jpg\"", "\"" + name + "\"").replace("\"size\": 12345", "\"size\": 9007199254740993")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(longest, document.answers().get(0).id());
        assertEquals(name, document.attachments().get(0).name());
        assertEquals(9007199254740993L, document.attachments().get(0).size());
    }

    @Test
    void constructorsEnforceTheSameLimitsSoTheServerCannotWriteWhatTheOfficeRefuses() {
        assertThrows(IllegalArgumentException.class, () -> new TestimonyDocument("ko", "elsewhere", List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new TestimonyDocument("ko", "server",
                Collections.nCopies(TestimonyDocument.MAX_ANSWERS + 1, Answer.text("a", null, "x")), List.of()));
        assertThrows(IllegalArgumentException.class, () -> Answer.text("Testimony", null, "x"));
        assertThrows(IllegalArgumentException.class, () -> Answer.text("testimony", null, "\uDC00"));
        assertThrows(IllegalArgumentException.class, () -> new Answer("testimony", null, List.of("a", "b"), false));
        assertThrows(IllegalArgumentException.class, () -> new Attachment(1, "a", "b", 1, SHA256.toUpperCase()));
        assertThrows(IllegalArgumentException.class, () -> new Attachment(1, "a", "b", -1, SHA256));
    }

    @Test
    void threeArgumentAnswerWritesOneValueAsAString() {
        assertFalse(new Answer("testimony", null, List.of("x")).listValue());
        assertTrue(new Answer("consent", null, List.of("a", "b")).listValue());
        assertTrue(new Answer("consent", null, List.of()).listValue());
    }

    @Test
    void looksLikeTestimonyOnlyForDocumentsThatNameTheTypeEarly() {
        assertTrue(TestimonyDocument.looksLikeTestimony(KOREAN_AND_RUSSIAN.toJson()));
        assertTrue(TestimonyDocument.looksLikeTestimony(("\uFEFF\r\n\t " + SPEC_EXAMPLE).getBytes(StandardCharsets.UTF_8)));
        assertTrue(TestimonyDocument.looksLikeTestimony(SPEC_EXAMPLE.replace("\"version\": 1", "\"version\": 2")
                .getBytes(StandardCharsets.UTF_8)), "cheap test only; parse decides");

        assertFalse(TestimonyDocument.looksLikeTestimony(new byte[0]));
        assertFalse(TestimonyDocument.looksLikeTestimony("   ".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(TestimonyDocument.looksLikeTestimony(("[" + SPEC_EXAMPLE + "]").getBytes(StandardCharsets.UTF_8)));
        assertFalse(TestimonyDocument.looksLikeTestimony("%PDF-1.7 testimony-intake/testimony".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(TestimonyDocument.looksLikeTestimony("{\"type\": \"something/else\"}".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(TestimonyDocument.looksLikeTestimony(("{\"padding\": \"" + " ".repeat(4096) + "\", \"type\": \""
                + TestimonyDocument.TYPE + "\"}").getBytes(StandardCharsets.US_ASCII)), "type past the first 4 KiB");
        assertFalse(TestimonyDocument.looksLikeTestimony(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}));
    }

    private static Arguments refused(String reason, String json) {
        return Arguments.of(reason, utf8(json));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String withAnswers(int count) {
        StringBuilder answers = new StringBuilder();
        for (int i = 0; i < count; i++) {
            answers.append(i == 0 ? "" : ",").append("{\"id\": \"q").append(i).append("\", \"value\": \"v\"}");
        }
        return SPEC_EXAMPLE.replaceFirst("(?s)\"answers\": \\[.*?\\],\\s*\"attachments\"",
                "\"answers\": [" + answers + "], \"attachments\"");
    }

    private static String withAttachments(int count) {
        StringBuilder attachments = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            attachments.append(i == 1 ? "" : ",").append("{\"part\": ").append(i)
                    .append(", \"name\": \"f\", \"mediaType\": \"image/png\", \"size\": 1, \"sha256\": \"").append(SHA256).append("\"}");
        }
        return SPEC_EXAMPLE.replaceFirst("(?s)\"attachments\": \\[.*?\\]", "\"attachments\": [" + attachments + "]");
    }

    /** The photo's name with raw bytes in the middle; an overlong C0 AF is what lenient decoders turn into '/'. */
    private static byte[] insertedIntoName(byte... raw) {
        String[] halves = SPEC_EXAMPLE.split("photo\\.jpg");
        return concat(concat((halves[0] + "photo").getBytes(StandardCharsets.UTF_8), raw),
                (".jpg" + halves[1]).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] oversized() {
        String padding = "\"padding\": \"" + "x".repeat(TestimonyDocument.MAX_DOCUMENT_BYTES) + "\",";
        return SPEC_EXAMPLE.replace("\"version\": 1,", "\"version\": 1, " + padding).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] first, byte... more) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        joined.writeBytes(first);
        joined.writeBytes(more);
        return joined.toByteArray();
    }
}
