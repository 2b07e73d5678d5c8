package org.testimonyintake.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** FORMAT.md section 10.3: the testimony document's optional {@code reply} member. */
class TestimonyReplyMemberTest {
    private static final String CASE = "00112233445566778899aabbccddeeff";

    @Test
    void aReturningCasesReplyMemberReadsBack() throws Exception {
        TestimonyDocument document = new TestimonyDocument("ko", "server",
                List.of(TestimonyDocument.Answer.text("testimony", null, "TEST-ONLY")), List.of(),
                new TestimonyDocument.Reply(CASE, "-----BEGIN PGP PUBLIC KEY BLOCK-----"));
        TestimonyDocument read = TestimonyDocument.parse(document.toJson());
        assertEquals(document, read);
        assertTrue(new String(document.toJson(), StandardCharsets.UTF_8).contains("\"reply\":{\"case\":\"" + CASE + "\""));
    }

    @Test
    void aDocumentWithoutItIsNotReturningAndWritesNoReplyMember() throws Exception {
        TestimonyDocument document = new TestimonyDocument("en", "server", List.of(), List.of());
        assertEquals(Optional.empty(), TestimonyDocument.parse(document.toJson()).returning());
        assertTrue(!new String(document.toJson(), StandardCharsets.UTF_8).contains("reply"));
    }

    @Test
    void aMalformedReplyMemberIsRefused() {
        for (String reply : List.of("\"yes\"", "{\"case\":\"ABC\",\"key\":\"k\"}", "{\"case\":\"" + CASE + "\"}")) {
            String json = "{\"type\":\"testimony-intake/testimony\",\"version\":1,\"language\":\"en\",\"encryptedBy\":\"server\","
                    + "\"answers\":[],\"attachments\":[],\"reply\":" + reply + "}";
            assertThrows(InvalidDocumentException.class, () -> TestimonyDocument.parse(json.getBytes(StandardCharsets.UTF_8)), reply);
        }
    }
}
