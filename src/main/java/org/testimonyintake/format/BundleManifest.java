package org.testimonyintake.format;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code bundle.json}, the manifest of an export bundle (FORMAT.md section 8). The server writes it; the office tool
 * reads it from a bundle carried in from outside, so reading checks every name before anything is opened by it.
 */
public record BundleManifest(LocalDate created, List<Submission> submissions, List<ForgottenCase> forgotten) {
    public static final String TYPE = "testimony-intake/bundle";
    public static final int VERSION = 1;
    public static final String ENTRY_NAME = "bundle.json";

    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern KEY_ID = Pattern.compile("[0-9A-F]{16}");

    public record Submission(String id, LocalDate received, String encryptedBy, String subkey, List<Part> parts) {
        public Submission {
            parts = List.copyOf(parts);
        }

        /** The ZIP entry of one of its parts. */
        public String entryName(Part part) {
            return id + "/" + part.name();
        }
    }

    public record Part(String name, long size) {
    }

    /** A returning source's case the server forgot (FORMAT.md section 10.7), and the date it did. */
    public record ForgottenCase(String caseId, LocalDate date) {
    }

    public BundleManifest {
        submissions = List.copyOf(submissions);
        forgotten = List.copyOf(forgotten);
    }

    /** A bundle that reports no forgotten case. */
    public BundleManifest(LocalDate created, List<Submission> submissions) {
        this(created, submissions, List.of());
    }

    public static boolean isSubmissionId(String id) {
        return ID.matcher(id).matches();
    }

    public byte[] toJson() {
        List<Object> entries = new ArrayList<>();
        for (Submission submission : submissions) {
            List<Object> parts = new ArrayList<>();
            for (Part part : submission.parts()) {
                parts.add(ordered("name", part.name(), "size", part.size()));
            }
            entries.add(ordered("id", submission.id(), "received", submission.received().toString(),
                    "encryptedBy", submission.encryptedBy(), "subkey", submission.subkey(), "parts", parts));
        }
        Map<String, Object> root = ordered("type", TYPE, "version", VERSION, "created", created.toString(),
                "submissions", entries);
        if (!forgotten.isEmpty()) {
            root.put("forgotten", forgotten.stream()
                    .map(f -> ordered("case", f.caseId(), "date", f.date().toString())).toList());
        }
        try {
            return JSON.std.asBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory cannot fail", e);
        }
    }

    public static BundleManifest parse(byte[] json) throws InvalidDocumentException {
        try {
            Map<String, Object> root = JSON.std.mapFrom(json);
            InvalidDocumentException.require(TYPE.equals(root.get("type")) && Integer.valueOf(VERSION).equals(root.get("version")),
                    "not a version 1 export bundle");
            List<Submission> submissions = new ArrayList<>();
            for (Object entry : (List<?>) root.get("submissions")) {
                Map<?, ?> submission = (Map<?, ?>) entry;
                String id = (String) submission.get("id");
                InvalidDocumentException.require(isSubmissionId(id), "a submission id is malformed");
                List<Part> parts = new ArrayList<>();
                for (Object partEntry : (List<?>) submission.get("parts")) {
                    Map<?, ?> part = (Map<?, ?>) partEntry;
                    String name = (String) part.get("name");
                    InvalidDocumentException.require(PartName.parse(name).isPresent(), "a part name is malformed");
                    parts.add(new Part(name, ((Number) part.get("size")).longValue()));
                }
                InvalidDocumentException.require(parts.stream().anyMatch(p -> p.name().equals(PartName.TESTIMONY.toString())), "a submission has no testimony");
                String subkey = (String) submission.get("subkey");
                InvalidDocumentException.require(KEY_ID.matcher(subkey).matches(), "a subkey id is malformed");
                submissions.add(new Submission(id, LocalDate.parse((String) submission.get("received")),
                        (String) submission.get("encryptedBy"), subkey, parts));
            }
            List<ForgottenCase> forgotten = new ArrayList<>();
            for (Object entry : (List<?>) root.getOrDefault("forgotten", List.of())) {
                Map<?, ?> forgottenCase = (Map<?, ?>) entry;
                String caseId = (String) forgottenCase.get("case");
                InvalidDocumentException.require(ReplyBundle.isId(caseId), "a forgotten case id is malformed");
                forgotten.add(new ForgottenCase(caseId, LocalDate.parse((String) forgottenCase.get("date"))));
            }
            return new BundleManifest(LocalDate.parse((String) root.get("created")), submissions, forgotten);
        } catch (IOException | ClassCastException | NullPointerException | DateTimeParseException e) {
            throw new InvalidDocumentException("the bundle manifest is malformed");
        }
    }

    /** A JSON object whose members keep the order given, as FORMAT.md writes them. */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
