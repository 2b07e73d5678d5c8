package org.testimonyintake.intake.submission;

import java.io.InputStream;
import java.util.Optional;

/** One part of a multipart form as it streams in; its content can be read once, before the next part. */
public interface FormPart {
    String fieldName();

    /** Present for file inputs (possibly empty when no file was chosen); the name is untrusted. */
    Optional<String> fileName();

    String contentType();

    InputStream content();
}
