// Encryption in the source's browser (FORMAT.md sections 3 to 5 and 9): the office key checked against the
// fingerprint the page shows, the testimony document padded to its size bucket, attachments padded and encrypted in
// segments. openpgp.js reads the key, encrypts the session key (PKESKv3 for the compat office key) and the testimony
// document; attachments go through the SEIPDv1 writer below, never compressed.
//
// Why segments and a writer of our own: with its JIT off (Tor Browser at "Safer") a browser runs JavaScript about
// a hundred times slower, and the only fast code left is WebCrypto, which hashes whole buffers only. A file is
// never held whole in memory, so one message over it would need its SHA-1 (the MDC) and the manifest's SHA-256 in
// interpreted JavaScript: about 2 MB/s. A segment of 4 MiB is held whole, so WebCrypto hashes it and encrypts it
// (AES-CFB built from AES-CBC), and only an XOR runs in JavaScript. openpgp.js's own streaming also queued the
// whole file in memory (285 MB extra for 200 MB in Chromium).

import * as openpgp from './openpgp.min.mjs';

/** FORMAT.md section 9: no padded plaintext is smaller than this. */
const MIN_PADDED_SIZE = 16384;
const RANDOM_CHUNK = 65536; // the most crypto.getRandomValues gives at once
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PROFILE = {
  preferredCompressionAlgorithm: openpgp.enums.compression.uncompressed,
};

export class KeyMismatch extends Error {}

/** The office certificate from /key, refused unless its primary fingerprint is the one the page shows. */
export async function officeKey(expectedFingerprint) {
  const response = await fetch('/key', { cache: 'no-store', credentials: 'omit', redirect: 'error' });
  if (!response.ok) throw new Error(`the office key could not be fetched (${response.status})`);
  const key = await openpgp.readKey({ armoredKey: await response.text() });
  if (key.getFingerprint().toUpperCase() !== expectedFingerprint.replace(/\s/g, '').toUpperCase()) {
    throw new KeyMismatch('the served key is not the one whose fingerprint the page shows');
  }
  await key.getEncryptionKey(); // throws if no subkey can be encrypted to
  return key;
}

/**
 * FORMAT.md section 9: the size a plaintext of `size` octets is padded to. Padmé (Nikitin et al., "Reducing
 * metadata leakage from encrypted files and communication with PURBs", 2019): at most 12 % larger, and a size
 * of E bits leaks only about log2(E) bits.
 */
export function paddedSize(size) {
  const length = Math.max(size, MIN_PADDED_SIZE);
  const exponent = bitLength(length) - 1;
  const step = 2 ** (exponent - bitLength(exponent));
  return Math.ceil(length / step) * step;
}

function bitLength(n) {
  let bits = 0;
  while (2 ** bits <= n) bits++;
  return bits;
}

/**
 * The testimony document as UTF-8 JSON, its "padding" member filling it to exactly its padded size; with the
 * returning source's `reply` member ({case, key}, FORMAT.md section 10.3) when they asked to come back.
 */
export function testimonyDocument({ language, answers, attachments, reply }) {
  const document = {
    type: 'testimony-intake/testimony', version: 1, language, encryptedBy: 'browser', answers, attachments,
    ...(reply ? { reply } : {}),
    padding: '',
  };
  const encode = () => new TextEncoder().encode(JSON.stringify(document));
  const unpadded = encode().length;
  document.padding = randomBase64(paddedSize(unpadded) - unpadded);
  return encode();
}

function randomBase64(length) {
  let text = '';
  for (let done = 0; done < length; done += RANDOM_CHUNK) {
    const random = crypto.getRandomValues(new Uint8Array(Math.min(RANDOM_CHUNK, length - done)));
    text += Array.from(random, (octet) => BASE64_ALPHABET[octet & 63]).join('');
  }
  return text;
}

/** FORMAT.md section 5: the plaintext of every segment but the last; memory holds a few of them. */
export const SEGMENT_SIZE = 4 << 20;

const AES_BLOCK = 16;
const PREFIX_LENGTH = AES_BLOCK + 2; // RFC 9580 section 5.13.1: a random block, its last two octets repeated
const LITERAL_HEADER_LENGTH = 12; // tag, five-octet length, format b, empty name, date 0
const MDC_LENGTH = 22; // tag, length, SHA-1
const SEIPD_HEADER_LENGTH = 7; // tag, five-octet length, version 1
// A segment's buffer: a zero block (see cfbEncrypt), the encrypted data's prefix, the literal data packet's header,
// the segment, the MDC packet, and room to XOR a whole last block.
const DATA_OFFSET = AES_BLOCK + PREFIX_LENGTH + LITERAL_HEADER_LENGTH;
const SEGMENT_BUFFER_SIZE = DATA_OFFSET + SEGMENT_SIZE + MDC_LENGTH + AES_BLOCK;
// WebCrypto's segment-sized outputs are freed as soon as they are used, by transferring them into a message channel
// nobody reads. Left to the garbage collectors they piled up: 100 MB and more for a large file, in both Firefox and
// Chromium (measured: 130 MB, and 10 to 14 MB when freed so).
const discarded = new MessageChannel();
discarded.port2.close();

/**
 * An attachment in segments (FORMAT.md sections 5 and 9): the file's octets, then random padding to its padded
 * size, cut into segments of SEGMENT_SIZE, each encrypted as a message of its own under one session key. Yields
 * `{ message, sha256, plaintextLength }` per segment: the message's octets, the SHA-256 of the segment's plaintext
 * in hex. The next segment is read only when the caller asks for it. Nothing is allocated per segment but what
 * WebCrypto returns: the segment is read into one buffer, and messages are written into two by turns, so a message
 * stays valid until the segment after the next is asked for (time enough to send it while the next is encrypted).
 */
export async function* encryptedSegments(file, key) {
  const session = await sessionFor(key);
  const source = new PaddedFile(file);
  let plaintext = new Uint8Array(SEGMENT_BUFFER_SIZE);
  // Up to 3 octets in front (see encryptSegment), the headers, then as much as the segment's buffer holds.
  const messageSize = 3 + session.keyPackets.length + SEIPD_HEADER_LENGTH + SEGMENT_BUFFER_SIZE;
  const messages = [new Uint8Array(messageSize), new Uint8Array(messageSize)];
  try {
    for (let segment = 0; ; segment++) {
      let length;
      ({ buffer: plaintext, filled: length } = await source.fill(plaintext, DATA_OFFSET, SEGMENT_SIZE));
      if (length === 0) return;
      yield await encryptSegment(plaintext, length, session, messages[segment % 2]);
    }
  } finally {
    await source.cancel();
  }
}

/** A session key for SEIPDv1 with AES, and its key packets (the PKESK) as every segment's message starts. */
async function sessionFor(key) {
  const { data, algorithm, aeadAlgorithm } = await openpgp.generateSessionKey({ encryptionKeys: key });
  if (aeadAlgorithm || !['aes128', 'aes256'].includes(algorithm)) {
    throw new Error('the office key asks for SEIPDv2, which attachments are not encrypted with here');
  }
  return {
    keyPackets: await openpgp.encryptSessionKey({ data, algorithm, encryptionKeys: key, format: 'binary' }),
    aesKey: await crypto.subtle.importKey('raw', data, 'AES-CBC', false, ['encrypt']),
  };
}

/**
 * One segment's message (FORMAT.md section 3), written into `out`: the PKESK, then a SEIPDv1 packet (RFC 9580
 * section 5.13.1) holding one literal data packet (format b, no name, date 0) and the MDC, with definite lengths.
 * The segment is in `buffer` at DATA_OFFSET; the rest of the plaintext is put around it here.
 */
async function encryptSegment(buffer, length, session, out) {
  const encryptedLength = PREFIX_LENGTH + LITERAL_HEADER_LENGTH + length + MDC_LENGTH;
  const prefix = buffer.subarray(AES_BLOCK, AES_BLOCK + PREFIX_LENGTH);
  crypto.getRandomValues(prefix.subarray(0, AES_BLOCK));
  prefix.copyWithin(AES_BLOCK, AES_BLOCK - 2, AES_BLOCK);
  buffer.set([0xc0 | 11, ...definiteLength(6 + length), 0x62, 0, 0, 0, 0, 0], AES_BLOCK + PREFIX_LENGTH);
  const mdcStart = DATA_OFFSET + length;
  buffer.set([0xd3, 0x14], mdcStart);
  const [mdc, sha256] = await Promise.all([
    crypto.subtle.digest('SHA-1', buffer.subarray(AES_BLOCK, mdcStart + 2)),
    crypto.subtle.digest('SHA-256', buffer.subarray(DATA_OFFSET, mdcStart)),
  ]);
  buffer.set(new Uint8Array(mdc), mdcStart + 2);

  const headerLength = session.keyPackets.length + SEIPD_HEADER_LENGTH;
  const start = (4 - (headerLength % 4)) % 4; // so that the encrypted data starts on a word, for the XOR
  out.set(session.keyPackets, start);
  out.set([0xc0 | 18, ...definiteLength(1 + encryptedLength), 1], start + session.keyPackets.length);
  await cfbEncrypt(session.aesKey, buffer, encryptedLength, out.subarray(start + headerLength));
  return {
    message: out.subarray(start, start + headerLength + encryptedLength),
    sha256: Array.from(new Uint8Array(sha256), (octet) => octet.toString(16).padStart(2, '0')).join(''),
    plaintextLength: length,
  };
}

/**
 * AES in CFB mode with a zero IV (OpenPGP's, no resynchronisation) in WebCrypto: encrypts the `length` octets
 * after the buffer's first block, which must be zero, into `out` (word-aligned, with room for a whole last block).
 * CBC-encrypting that zero block followed by the plaintext blocks but the last yields E(C[i-1]) for every block i,
 * which is CFB's keystream: C[i] = P[i] XOR E(C[i-1]).
 */
async function cfbEncrypt(aesKey, buffer, length, out) {
  const words = Math.ceil(length / AES_BLOCK) * (AES_BLOCK / 4);
  const cbc = await crypto.subtle.encrypt(
    { name: 'AES-CBC', iv: new Uint8Array(AES_BLOCK) }, aesKey, buffer.subarray(0, words * 4));
  const keystream = new Int32Array(cbc, 0, words);
  const plaintext = new Int32Array(buffer.buffer, buffer.byteOffset + AES_BLOCK, words);
  const ciphertext = new Int32Array(out.buffer, out.byteOffset, words);
  for (let i = 0; i < words; i++) ciphertext[i] = keystream[i] ^ plaintext[i]; // the one loop in JavaScript
  discarded.port1.postMessage(null, [cbc]);
}

/** RFC 9580 section 4.2.1: a five-octet length. */
function definiteLength(length) {
  return [0xff, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff];
}

/**
 * A file's octets and then random padding to its padded size (FORMAT.md section 9), read into a given buffer. Where
 * the browser offers it (both Firefox and Chromium do), a BYOB reader reads the file straight into that buffer, so
 * reading makes no garbage; else the browser's chunks are copied in.
 */
class PaddedFile {
  #reader;
  #byob;
  #size;
  #read = 0;
  #pending = new Uint8Array(0);
  #paddingLeft;

  constructor(file) {
    const stream = file.stream();
    try {
      this.#reader = stream.getReader({ mode: 'byob' });
      this.#byob = true;
    } catch (notAByteStream) {
      this.#reader = stream.getReader();
      this.#byob = false;
    }
    this.#size = file.size;
    this.#paddingLeft = paddedSize(file.size) - file.size;
  }

  /**
   * Fills `length` octets of `buffer` (a Uint8Array over a whole ArrayBuffer) from `offset` as far as the padded
   * file goes. Returns `{ buffer, filled }`: the same memory, under a new name after a BYOB read took it over, and
   * how many octets were filled, 0 after the end.
   */
  async fill(buffer, offset, length) {
    let filled = 0;
    while (filled < length && this.#read < this.#size) {
      const wanted = Math.min(length - filled, this.#size - this.#read);
      const { value, done } = await this.#readInto(new Uint8Array(buffer.buffer, offset + filled, wanted));
      if (done) throw new Error('the file ended before its size: it changed while it was read');
      buffer = new Uint8Array(value.buffer);
      filled += value.length;
      this.#read += value.length;
    }
    const padding = Math.min(this.#paddingLeft, length - filled);
    const paddingStart = offset + filled;
    for (let done = 0; done < padding; done += RANDOM_CHUNK) {
      crypto.getRandomValues(buffer.subarray(paddingStart + done, paddingStart + Math.min(padding, done + RANDOM_CHUNK)));
    }
    this.#paddingLeft -= padding;
    return { buffer, filled: filled + padding };
  }

  /** A BYOB read, or its equivalent from the default reader's chunks. */
  async #readInto(view) {
    if (this.#byob) return this.#reader.read(view);
    if (this.#pending.length === 0) {
      const { value, done } = await this.#reader.read();
      if (done) return { done };
      this.#pending = value;
    }
    const taken = Math.min(this.#pending.length, view.length);
    view.set(this.#pending.subarray(0, taken));
    this.#pending = this.#pending.subarray(taken);
    return { value: view.subarray(0, taken), done: false };
  }

  cancel() {
    return this.#reader.cancel();
  }
}

/** One message of a plaintext held in memory (the testimony document). */
export async function encryptBytes(plaintext, key) {
  const message = await openpgp.createMessage({ binary: plaintext, format: 'binary', date: new Date(0) });
  return openpgp.encrypt({ message, encryptionKeys: key, format: 'binary', config: PROFILE });
}

/** An upper bound of the ciphertext size of an attachment's padded plaintext: per segment key packets and headers. */
export function ciphertextSizeBound(paddedPlaintextSize) {
  return paddedPlaintextSize + Math.ceil(paddedPlaintextSize / SEGMENT_SIZE) * 1024;
}
