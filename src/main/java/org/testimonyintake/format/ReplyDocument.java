package org.testimonyintake.format;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plaintext of {@code reply.json.pgp} (FORMAT.md section 10.5): the office's message to a returning source and
 * the files that come with it. The server reads it only in memory, for the source who gave the receipt.
 */
public record ReplyDocument(String message, List<Attachment> attachments) {
    public static final String TYPE = "testimony-intake/reply";
    public static final int VERSION = 1;
    public static final int MAX_BYTES = 1 << 20;
    public static final int MAX_ATTACHMENTS = 20;

    public record Attachment(int part, String name, String mediaType, long size, String sha256) {
        /** The part that carries it: {@code attachment-<n>.pgp}. */
        public String partName() {
            return "attachment-" + part + ".pgp";
        }
    }

    public ReplyDocument {
        attachments = List.copyOf(attachments);
    }

    public byte[] toJson() {
        List<Object> files = new ArrayList<>();
        for (Attachment attachment : attachments) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("part", attachment.part());
            file.put("name", attachment.name());
            file.put("mediaType", attachment.mediaType());
            file.put("size", attachment.size());
            file.put("sha256", attachment.sha256());
            files.add(file);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("type", TYPE);
        root.put("version", VERSION);
        root.put("message", message);
        root.put("attachments", files);
        try {
            return JSON.std.asBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory cannot fail", e);
        }
    }

    public static ReplyDocument parse(byte[] json) throws InvalidDocumentException {
        try {
            Map<String, Object> root = JSON.std.mapFrom(json);
            if (!TYPE.equals(root.get("type")) || !Integer.valueOf(VERSION).equals(root.get("version"))) {
                throw new InvalidDocumentException("not a version 1 reply");
            }
            List<Attachment> attachments = new ArrayList<>();
            for (Object entry : (List<?>) root.getOrDefault("attachments", List.of())) {
                Map<?, ?> file = (Map<?, ?>) entry;
                attachments.add(new Attachment(((Number) file.get("part")).intValue(), (String) file.get("name"),
                        (String) file.get("mediaType"), ((Number) file.get("size")).longValue(), (String) file.get("sha256")));
            }
            if (attachments.size() > MAX_ATTACHMENTS) {
                throw new InvalidDocumentException("a reply has too many attachments");
            }
            return new ReplyDocument((String) root.get("message"), attachments);
        } catch (IOException | ClassCastException | NullPointerException e) {
            throw new InvalidDocumentException("a reply is malformed");
        }
    }
}
