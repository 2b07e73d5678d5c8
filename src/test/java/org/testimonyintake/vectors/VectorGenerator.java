package org.testimonyintake.vectors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.testimonyintake.format.KeyProfile;
import org.testimonyintake.format.MessageEncryptor;
import org.testimonyintake.format.OfficeCertificate;
import org.testimonyintake.interop.GnuPG;
import org.testimonyintake.interop.Sequoia;
import org.testimonyintake.office.DecryptionException.Reason;
import org.testimonyintake.office.OfficeKey;
import org.testimonyintake.office.SecretKeyFile;

/**
 * Writes the decryption test vectors of src/test/resources/vectors. Not part of the test suite: run it by hand after
 * {@code mvn test-compile} to add or remake vectors (see the README in that folder). The TEST-ONLY office key is
 * generated on the first run and reused after that, so new vectors decrypt with the committed key.
 */
public final class VectorGenerator {
    static final String SECRET_KEY_FILE = "TEST-ONLY-office-key.sec.asc";
    static final String CERTIFICATE_FILE = "TEST-ONLY-office-key.pub.asc";
    static final String PASSPHRASE_FILE = "TEST-ONLY-passphrase.txt";
    private static final String PASSPHRASE = "TEST-ONLY passphrase of the committed test vector key";
    /** Length of the encrypted MDC packet that ends every SEIPDv1 message: 2 header octets and a SHA-1 digest. */
    private static final int MDC_LENGTH = 22;
    private static final long BOMB_LIMIT = 1 << 20;

    private static final byte[] KOREAN = "강제노동 벌목장에서 도망쳤다.\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RUSSIAN = "Я бежал с лесозаготовок. Нас было двенадцать.\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BINARY = fixedRandomBytes(1024, 7);

    private final Path directory;
    private final Path scratch;
    private final OfficeCertificate office;
    private final Path certificateFile;
    /** Numbers the scratch files that gpg and sq write, which they refuse to overwrite. */
    private int outputs;

    private VectorGenerator(Path directory, Path scratch, OfficeCertificate office, Path certificateFile) {
        this.directory = directory;
        this.scratch = scratch;
        this.office = office;
        this.certificateFile = certificateFile;
    }

    public static void main(String[] arguments) throws Exception {
        Path directory = Path.of(arguments.length > 0 ? arguments[0] : "src/test/resources/vectors");
        Path scratch = Files.createTempDirectory("vector-generator-");
        try {
            OfficeKey key = testOnlyOfficeKey(directory);
            new VectorGenerator(directory, scratch, key.certificate(), directory.resolve(CERTIFICATE_FILE)).writeAll();
        } finally {
            try (Stream<Path> files = Files.walk(scratch)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
        System.out.println("vectors written to " + directory.toAbsolutePath());
    }

    private static OfficeKey testOnlyOfficeKey(Path directory) throws Exception {
        Path secret = directory.resolve(SECRET_KEY_FILE);
        if (Files.exists(secret)) {
            return SecretKeyFile.read(secret);
        }
        OfficeKey key = OfficeKey.generate(KeyProfile.COMPAT, "TEST-ONLY office key <test-only@example.invalid>",
                PASSPHRASE.toCharArray());
        SecretKeyFile.createNew(secret, key);
        Files.writeString(directory.resolve(CERTIFICATE_FILE), key.certificate().armored(), StandardCharsets.US_ASCII);
        Files.writeString(directory.resolve(PASSPHRASE_FILE), PASSPHRASE + "\n", StandardCharsets.UTF_8);
        return key;
    }

    private void writeAll() throws Exception {
        OfficeCertificate stranger = OfficeKey.generate(KeyProfile.COMPAT, "Some other office <other@example.invalid>",
                "not kept".toCharArray()).certificate();
        Path strangerFile = Files.writeString(scratch.resolve("stranger.pub.asc"), stranger.armored());
        try (GnuPG gpg = GnuPG.createIn(scratch, "")) {
            gpg.importKey(certificateFile).requireSuccess();
            gpg.importKey(strangerFile).requireSuccess();
            gpg.run("--quick-generate-key", "Sender <sender@example.invalid>", "ed25519", "sign", "never")
                    .requireSuccess();
            writeGnuPGVectors(gpg);
        }
        writeSequoiaVectors(Sequoia.createIn(scratch));
        writeEncryptorVectors(stranger);
        writeNotOpenPGPVectors();
    }

    private void writeGnuPGVectors(GnuPG gpg) throws Exception {
        String office = this.office.primaryFingerprint();
        Path korean = plaintextFile("korean", KOREAN);
        Path russian = plaintextFile("russian", RUSSIAN);
        byte[] compressed = gpg(gpg, korean, "--recipient", office, "--encrypt");
        success("gpg-compressed", "gpg 2.2 defaults: binary, the literal inside a ZIP-compressed packet", KOREAN,
                "gpg --trust-model always --recipient OFFICE --encrypt", compressed);
        success("gpg-armored", "gpg 2.2 with --armor, ZIP-compressed", RUSSIAN,
                "gpg --trust-model always --armor --recipient OFFICE --encrypt",
                gpg(gpg, russian, "--armor", "--recipient", office, "--encrypt"));
        success("gpg-hidden-recipient", "gpg --throw-keyids: the PKESK names key ID 0, every office subkey is tried",
                KOREAN, "gpg --trust-model always --throw-keyids --recipient OFFICE --encrypt",
                gpg(gpg, korean, "--throw-keyids", "--recipient", office, "--encrypt"));
        success("gpg-two-recipients", "two PKESKs, the first for another key: the office finds its own", RUSSIAN,
                "gpg --trust-model always --recipient OTHER --recipient OFFICE --encrypt",
                gpg(gpg, russian, "--recipient", "other@example.invalid", "--recipient", office, "--encrypt"));
        success("gpg-signed", "signed and encrypted by a sender the office does not know: the signature is ignored",
                KOREAN, "gpg --trust-model always --sign --recipient OFFICE --encrypt",
                gpg(gpg, korean, "--local-user", "sender@example.invalid", "--sign", "--recipient", office, "--encrypt"));
        failure("gpg-signed-not-encrypted", "signed but not encrypted: the testimony in the clear", Reason.NOT_OPENPGP,
                "gpg --armor --sign", gpg(gpg, korean, "--armor", "--local-user", "sender@example.invalid", "--sign"));
        failure("tampered-gpg-compressed", "gpg-compressed with one bit flipped in the compressed stream: the"
                + " decompressor or the MDC must refuse it", Reason.INTEGRITY_FAILURE,
                "gpg-compressed with bit 0 flipped 5 bytes before the MDC",
                flipBit(compressed, compressed.length - MDC_LENGTH - 5));
        failure("gpg-compressed-bomb", "8 MiB of zeros that gpg compressed to a few KiB: a reader told to allow"
                + " 1 MiB of plaintext must stop there", Reason.TOO_LARGE, "gpg --trust-model always --recipient"
                + " OFFICE --encrypt, of 8 MiB of zeros", gpg(gpg, plaintextFile("zeros", new byte[8 << 20]),
                "--recipient", office, "--encrypt"), BOMB_LIMIT);
        try (GnuPG symmetric = GnuPG.createIn(scratch, "a shared secret")) {
            failure("gpg-symmetric", "encrypted with a passphrase only (gpg --symmetric), no PKESK at all",
                    Reason.NOT_FOR_THIS_KEY, "gpg --symmetric", gpg(symmetric, korean, "--symmetric"));
        }
    }

    private void writeSequoiaVectors(Sequoia sq) throws Exception {
        success("sq-armored", "sq 0.27 defaults: armored, the literal in a padded (\"pad\") ZIP-compressed packet",
                KOREAN, "sq encrypt --recipient-cert OFFICE", sq(sq, plaintextFile("korean", KOREAN)));
        success("sq-binary", "sq 0.27 with --binary --compression none", RUSSIAN,
                "sq encrypt --binary --compression none --recipient-cert OFFICE",
                sq(sq, plaintextFile("russian", RUSSIAN), "--binary", "--compression", "none"));
    }

    private void writeEncryptorVectors(OfficeCertificate stranger) throws Exception {
        byte[] good = MessageEncryptor.encrypt(office, RUSSIAN);
        String encryptor = "MessageEncryptor.encrypt (PKESKv3, SEIPDv1 AES-256, no compression)";
        success("encryptor-text", "what the intake server writes", RUSSIAN, encryptor, good);
        success("encryptor-binary", "binary plaintext, every kind of byte", BINARY, encryptor,
                MessageEncryptor.encrypt(office, BINARY));
        success("encryptor-empty-plaintext", "an empty literal: a valid, empty testimony", new byte[0], encryptor,
                MessageEncryptor.encrypt(office, new byte[0]));
        success("encryptor-armored", "MessageEncryptor output in ASCII armor", RUSSIAN,
                "encryptor-text armored by Bouncy Castle", armor(good));

        int sessionKeyEnd = packetEnd(good, 0);
        int encryptedBody = sessionKeyEnd + headerLength(good, sessionKeyEnd);
        failure("tampered-body", "one bit flipped inside the encrypted literal data", Reason.INTEGRITY_FAILURE,
                "encryptor-text with bit 0 flipped 10 bytes before the MDC", flipBit(good, good.length - MDC_LENGTH - 10));
        failure("tampered-mdc-digest", "one bit flipped in the last byte, the MDC digest", Reason.INTEGRITY_FAILURE,
                "encryptor-text with bit 0 of the last byte flipped", flipBit(good, good.length - 1));
        failure("tampered-mdc-header", "one bit flipped in the MDC packet header, 22 bytes from the end",
                Reason.INTEGRITY_FAILURE, "encryptor-text with bit 0 of byte length-22 flipped",
                flipBit(good, good.length - MDC_LENGTH));
        failure("tampered-quick-check", "one bit flipped in the 2-byte quick check after the random prefix",
                Reason.INTEGRITY_FAILURE, "encryptor-text with bit 0 of prefix byte 16 flipped",
                flipBit(good, encryptedBody + 1 + 16));
        failure("tampered-session-key", "one bit flipped in the wrapped session key of the PKESK",
                Reason.INTEGRITY_FAILURE, "encryptor-text with bit 0 of the last PKESK byte flipped",
                flipBit(good, sessionKeyEnd - 1));
        failure("truncated", "the last 30 bytes cut off: part of the data and the whole MDC", Reason.INTEGRITY_FAILURE,
                "encryptor-text without its last 30 bytes", Arrays.copyOf(good, good.length - 30));
        failure("truncated-in-pkesk", "cut off inside the PKESK: no encrypted data at all", Reason.NOT_OPENPGP,
                "encryptor-text, first 40 bytes", Arrays.copyOf(good, 40));
        failure("trailing-garbage", "a good message followed by 25 bytes that are not OpenPGP; gpg exits 2"
                + " (\"invalid packet\") and sq refuses (\"Message has been manipulated\")", Reason.INTEGRITY_FAILURE,
                "encryptor-text + \"GARBAGE-AFTER-THE-MESSAGE\"",
                concat(good, "GARBAGE-AFTER-THE-MESSAGE".getBytes(StandardCharsets.US_ASCII)));
        failure("trailing-second-message", "a good message followed by a second good message: only one may be read",
                Reason.INTEGRITY_FAILURE, "encryptor-text, then MessageEncryptor.encrypt of Korean text",
                concat(good, MessageEncryptor.encrypt(office, KOREAN)));
        failure("wrong-recipient", "encrypted to another office key", Reason.NOT_FOR_THIS_KEY,
                "MessageEncryptor.encrypt to a key generated and thrown away", MessageEncryptor.encrypt(stranger, RUSSIAN));
        failure("sed-without-mdc", "legacy Symmetrically Encrypted Data (tag 9), no integrity protection",
                Reason.NOT_INTEGRITY_PROTECTED, "Bouncy Castle PGPEncryptedDataGenerator, integrity packet off",
                encryptWithBouncyCastle(false, RUSSIAN));
        failure("two-literals", "SEIPD holding two literal data packets: which one is the testimony?",
                Reason.NOT_ONE_LITERAL, "Bouncy Castle PGPEncryptedDataGenerator, two literal data packets",
                encryptWithBouncyCastle(true, RUSSIAN, KOREAN));
    }

    private void writeNotOpenPGPVectors() throws Exception {
        failure("empty", "an empty file", Reason.NOT_OPENPGP, "nothing", new byte[0]);
        failure("garbage", "512 random bytes", Reason.NOT_OPENPGP, "java.util.Random with seed 1",
                fixedRandomBytes(512, 1));
        failure("plaintext-armored", "a literal data packet in ASCII armor, not encrypted", Reason.NOT_OPENPGP,
                "Bouncy Castle PGPLiteralDataGenerator, armored", armor(literal(RUSSIAN)));
        failure("office-certificate", "the office certificate sent back instead of a message", Reason.NOT_OPENPGP,
                CERTIFICATE_FILE, office.armored().getBytes(StandardCharsets.US_ASCII));
    }

    private void success(String name, String description, byte[] plaintext, String madeBy, byte[] message)
            throws IOException {
        write(name, description, DecryptionVector.SUCCESS, DecryptionVector.sha256(plaintext), madeBy, message, null);
    }

    private void failure(String name, String description, Reason expected, String madeBy, byte[] message)
            throws IOException {
        failure(name, description, expected, madeBy, message, null);
    }

    private void failure(String name, String description, Reason expected, String madeBy, byte[] message,
                         Long maxPlaintextBytes) throws IOException {
        write(name, description, DecryptionVector.words(expected), null, madeBy, message, maxPlaintextBytes);
    }

    /** Armored messages are kept as they are; binary ones are written in base64. */
    private void write(String name, String description, String expect, String plaintextSha256, String madeBy,
            byte[] message, Long maxPlaintextBytes) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("description", description);
        headers.put("expect", expect);
        if (plaintextSha256 != null) {
            headers.put("plaintext-sha256", plaintextSha256);
        }
        if (maxPlaintextBytes != null) {
            headers.put("max-plaintext-bytes", maxPlaintextBytes.toString());
        }
        headers.put("made-by", madeBy);
        boolean armored = new String(message, StandardCharsets.ISO_8859_1).startsWith("-----BEGIN PGP ");
        headers.put("encoding", armored ? "armor" : "base64");
        Files.writeString(directory.resolve(name + DecryptionVector.FILE_SUFFIX),
                new DecryptionVector(name, headers, message).encoded(), StandardCharsets.UTF_8);
    }

    private byte[] gpg(GnuPG gpg, Path plaintext, String... options) throws Exception {
        Path out = scratch.resolve("gpg-" + ++outputs + ".out");
        List<String> arguments = new ArrayList<>(List.of("--trust-model", "always", "--output", out.toString()));
        arguments.addAll(List.of(options));
        arguments.add(plaintext.toString());
        gpg.run(arguments.toArray(String[]::new)).requireSuccess();
        return Files.readAllBytes(out);
    }

    private byte[] sq(Sequoia sq, Path plaintext, String... options) throws Exception {
        Path out = scratch.resolve("sq-" + ++outputs + ".out");
        sq.encrypt(certificateFile, plaintext, out, options).requireSuccess();
        return Files.readAllBytes(out);
    }

    private Path plaintextFile(String name, byte[] plaintext) throws IOException {
        return Files.write(scratch.resolve(name + ".txt"), plaintext);
    }

    /** A message to the office built directly with Bouncy Castle, for shapes MessageEncryptor never makes. */
    private byte[] encryptWithBouncyCastle(boolean integrityProtected, byte[]... literals) throws Exception {
        PGPEncryptedDataGenerator encryptor = new PGPEncryptedDataGenerator(
                new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(integrityProtected));
        encryptor.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(office.currentEncryptionKey().getPGPPublicKey()));
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        try (OutputStream encrypted = encryptor.open(message, new byte[1 << 16])) {
            for (byte[] literal : literals) {
                encrypted.write(literal(literal));
            }
        }
        return message.toByteArray();
    }

    private static byte[] literal(byte[] content) throws IOException {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        try (OutputStream out = new PGPLiteralDataGenerator().open(packet, PGPLiteralData.BINARY, "", content.length,
                new Date(0))) {
            out.write(content);
        }
        return packet.toByteArray();
    }

    private static byte[] armor(byte[] binary) throws IOException {
        ByteArrayOutputStream armored = new ByteArrayOutputStream();
        try (ArmoredOutputStream out = ArmoredOutputStream.builder().clearHeaders().build(armored)) {
            out.write(binary);
        }
        return armored.toByteArray();
    }

    private static byte[] flipBit(byte[] message, int index) {
        byte[] tampered = message.clone();
        tampered[index] ^= 0x01;
        return tampered;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static byte[] fixedRandomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Where the packet starting at {@code offset} ends; definite lengths only (what BC writes for a PKESK). */
    private static int packetEnd(byte[] message, int offset) {
        int header = headerLength(message, offset);
        int first = message[offset + 1] & 0xff;
        int bodyLength;
        if ((message[offset] & 0x40) == 0) { // legacy format: length type in the tag octet
            int lengthType = message[offset] & 0x03;
            bodyLength = lengthType == 0 ? first : ((first << 8) | (message[offset + 2] & 0xff));
        } else if (first < 192) {
            bodyLength = first;
        } else if (first < 224) {
            bodyLength = ((first - 192) << 8) + (message[offset + 2] & 0xff) + 192;
        } else {
            throw new IllegalArgumentException("partial or five-octet length at " + offset);
        }
        return offset + header + bodyLength;
    }

    /** Octets of tag and length of the packet at {@code offset}; a partial length counts as one octet. */
    private static int headerLength(byte[] message, int offset) {
        int first = message[offset + 1] & 0xff;
        if ((message[offset] & 0x40) == 0) {
            return new int[] {2, 3, 5, 1}[message[offset] & 0x03];
        }
        return first < 192 || first >= 224 && first < 255 ? 2 : first < 224 ? 3 : 6;
    }
}
