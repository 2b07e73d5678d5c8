package org.testimonyintake.intake.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.testimonyintake.fuzz.RandomReads;
import org.testimonyintake.intake.submission.FormPart;
import org.testimonyintake.intake.submission.FormReadFailure;
import org.testimonyintake.intake.submission.SubmissionRefused;

/**
 * The multipart reader on any request body, delivered in reads of any sizes: it yields parts or fails with the form's
 * own refusal ({@link FormReadFailure}), and the verdict, parts included, is the same whatever the reads. Inputs end
 * with the read sizes (FuzzedDataProvider takes numbers from the end); the body is what precedes them.
 */
class MultipartFormFuzzTest {
    static final String BOUNDARY = "----WebKitFormBoundaryFuzzSeedCorpus01";
    private static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;
    /** Far above any fuzz input: the size limit has its own tests, and would make the verdict depend on read sizes. */
    private static final long MAX_REQUEST_BYTES = 1L << 30;

    @FuzzTest(maxDuration = "30s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void readEveryPart(FuzzedDataProvider data) throws Exception {
        int maxRead = data.consumeInt(1, 1 << 17);
        long readSeed = data.consumeLong();
        byte[] body = data.consumeRemainingAsBytes();

        assertEquals(verdict(new ByteArrayInputStream(body)), verdict(new RandomReads(body, maxRead, readSeed)));
    }

    /** Every part, described with a digest of its content, or the refusal: what the service would act on. */
    private static String verdict(InputStream body) throws SubmissionRefused, NoSuchAlgorithmException {
        List<String> parts = new ArrayList<>();
        try {
            Iterator<FormPart> form = MultipartForm.parts(CONTENT_TYPE, body, MAX_REQUEST_BYTES);
            while (form.hasNext()) {
                FormPart part = form.next();
                byte[] content = part.content().readAllBytes();
                parts.add(part.fieldName() + " " + part.fileName() + " " + part.contentType() + " "
                        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
            }
            return String.join("\n", parts);
        } catch (FormReadFailure.Unchecked e) {
            return refusal(e.getCause());
        } catch (FormReadFailure e) {
            return refusal(e);
        } catch (IOException e) {
            throw new AssertionError("not a declared refusal of the form", e);
        }
    }

    private static String refusal(IOException failure) {
        if (failure instanceof FormReadFailure refused) {
            return "refused: " + refused.refusal();
        }
        throw new AssertionError("not a declared refusal of the form", failure);
    }
}
