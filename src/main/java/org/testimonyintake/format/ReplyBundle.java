package org.testimonyintake.format;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;

/**
 * The reply bundle of FORMAT.md section 10.5: replies carried from the office to the server, in a ZIP file whose
 * manifest {@code replies.json} is signed by the office primary key. {@link #read} verifies that signature and every
 * part's size and SHA-256 before anything is returned; a bundle that fails any check yields nothing.
 */
public record ReplyBundle(LocalDate created, List<Reply> replies) {
    public static final String TYPE = "testimony-intake/replies";
    public static final int VERSION = 1;
    public static final String MANIFEST = "replies.json";
    public static final String SIGNATURE = "replies.json.sig";
    public static final String DOCUMENT_PART = "reply.json.pgp";
    /** A reply bundle is read into memory whole: replies are letters, not archives. */
    public static final int MAX_BYTES = 64 << 20;

    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern PART = Pattern.compile("reply\\.json\\.pgp|attachment-[1-9][0-9]?\\.pgp");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public record Reply(String id, String caseId, List<Part> parts) {
        public Reply {
            parts = List.copyOf(parts);
        }

        public String entryName(Part part) {
            return id + "/" + part.name();
        }
    }

    public record Part(String name, long size, String sha256) {
    }

    /** A bundle whose signature and parts were checked: the manifest and each part's octets by entry name. */
    public record Verified(ReplyBundle manifest, Map<String, byte[]> entries) {
        public byte[] part(Reply reply, Part part) {
            return entries.get(reply.entryName(part));
        }
    }

    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public byte[] toJson() {
        List<Object> entries = new ArrayList<>();
        for (Reply reply : replies) {
            List<Object> parts = new ArrayList<>();
            for (Part part : reply.parts()) {
                parts.add(BundleManifest.ordered("name", part.name(), "size", part.size(), "sha256", part.sha256()));
            }
            entries.add(BundleManifest.ordered("id", reply.id(), "case", reply.caseId(), "parts", parts));
        }
        try {
            return JSON.std.asBytes(BundleManifest.ordered("type", TYPE, "version", VERSION, "created", created.toString(), "replies", entries));
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory cannot fail", e);
        }
    }

    public static ReplyBundle parse(byte[] json) throws InvalidDocumentException {
        try {
            Map<String, Object> root = JSON.std.mapFrom(json);
            InvalidDocumentException.require(TYPE.equals(root.get("type")) && Integer.valueOf(VERSION).equals(root.get("version")),
                    "not a version 1 reply bundle");
            List<Reply> replies = new ArrayList<>();
            for (Object entry : (List<?>) root.get("replies")) {
                Map<?, ?> reply = (Map<?, ?>) entry;
                String id = (String) reply.get("id");
                String caseId = (String) reply.get("case");
                InvalidDocumentException.require(isId(id) && isId(caseId), "a reply or case id is malformed");
                List<Part> parts = new ArrayList<>();
                for (Object partEntry : (List<?>) reply.get("parts")) {
                    Map<?, ?> part = (Map<?, ?>) partEntry;
                    String name = (String) part.get("name");
                    String sha256 = (String) part.get("sha256");
                    InvalidDocumentException.require(PART.matcher(name).matches() && SHA256.matcher(sha256).matches(), "a part is malformed");
                    parts.add(new Part(name, ((Number) part.get("size")).longValue(), sha256));
                }
                InvalidDocumentException.require(!parts.isEmpty() && parts.get(0).name().equals(DOCUMENT_PART), "a reply has no reply.json.pgp first");
                replies.add(new Reply(id, caseId, parts));
            }
            return new ReplyBundle(LocalDate.parse((String) root.get("created")), replies);
        } catch (IOException | ClassCastException | NullPointerException | DateTimeParseException e) {
            throw new InvalidDocumentException("the reply bundle manifest is malformed");
        }
    }

    /**
     * Reads a reply bundle and checks it whole: the manifest's signature by {@code office}'s primary key, then that
     * the entries are exactly the manifest, the signature and the listed parts, each with its size and SHA-256.
     */
    public static Verified read(Path bundle, OfficeCertificate office) throws InvalidDocumentException, IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            long total = 0;
            for (ZipEntry entry : Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    byte[] data = in.readNBytes(MAX_BYTES + 1);
                    total += data.length;
                    InvalidDocumentException.require(total <= MAX_BYTES, "the reply bundle is larger than 64 MiB");
                    InvalidDocumentException.require(entries.put(entry.getName(), data) == null, "the reply bundle repeats an entry");
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new InvalidDocumentException("this is not a reply bundle (not a ZIP file)");
        }
        byte[] manifestJson = entries.get(MANIFEST);
        byte[] signature = entries.get(SIGNATURE);
        InvalidDocumentException.require(manifestJson != null && signature != null, "this is not a signed reply bundle");
        requireOfficeSignature(manifestJson, signature, office.openPGPCertificate().getPrimaryKey().getPGPPublicKey());
        ReplyBundle manifest = parse(manifestJson);
        Set<String> expected = new HashSet<>(List.of(MANIFEST, SIGNATURE));
        for (Reply reply : manifest.replies()) {
            for (Part part : reply.parts()) {
                byte[] data = entries.get(reply.entryName(part));
                InvalidDocumentException.require(data != null && data.length == part.size() && sha256(data).equals(part.sha256()),
                        "a part of the reply bundle is missing or altered");
                InvalidDocumentException.require(expected.add(reply.entryName(part)), "the reply bundle lists a part twice");
            }
        }
        InvalidDocumentException.require(expected.equals(entries.keySet()), "the reply bundle holds entries its manifest does not list");
        return new Verified(manifest, Map.copyOf(entries));
    }

    /** One binary-document signature, SHA-256 or stronger, by the office primary key and no other. */
    private static void requireOfficeSignature(byte[] signed, byte[] encodedSignature, PGPPublicKey primary)
            throws InvalidDocumentException {
        try {
            Object packets = new PGPObjectFactory(new ByteArrayInputStream(encodedSignature),
                    KeyProfile.implementation().keyFingerPrintCalculator()).nextObject();
            InvalidDocumentException.require(packets instanceof PGPSignatureList list && list.size() == 1, "the reply bundle's signature is malformed");
            PGPSignature signature = ((PGPSignatureList) packets).get(0);
            boolean byPrimary = signature.getKeyIdentifiers().stream().anyMatch(id -> id.matches(primary.getKeyIdentifier()));
            InvalidDocumentException.require(byPrimary && signature.getSignatureType() == PGPSignature.BINARY_DOCUMENT
                    && Arrays.asList(HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA384, HashAlgorithmTags.SHA512)
                    .contains(signature.getHashAlgorithm()), "the reply bundle is not signed by the office key");
            signature.init(new JcaPGPContentVerifierBuilderProvider().setProvider(new BouncyCastleProvider()), primary);
            signature.update(signed);
            InvalidDocumentException.require(signature.verify(), "the reply bundle's signature does not verify: it was altered or forged");
        } catch (IOException | PGPException | RuntimeException e) {
            throw new InvalidDocumentException("the reply bundle's signature is malformed");
        }
    }
}
