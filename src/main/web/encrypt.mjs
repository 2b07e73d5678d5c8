// Encryption in the source's browser (FORMAT.md sections 3 to 5 and 9): the office key checked against the
// fingerprint the page shows, the testimony document padded to its size bucket, attachments padded and encrypted as
// streams. openpgp.js reads the key, encrypts the session key (PKESKv3 for the compat office key) and the testimony
// document; attachments stream through the SEIPDv1 writer below, never compressed.
//
// Why not openpgp.js's own streaming for attachments: it hashes the MDC of a stream with SHA-1 in JavaScript (WebCrypto
// hashes only whole buffers), and feeds that hash from a passive clone of the plaintext that nothing reads until the
// last ciphertext octet is out, so the clone queues the whole file in memory (measured: 285 MB extra for 200 MB in
// Chromium). The writer below hashes and encrypts each 1 MiB chunk before it reads the next: memory stays at a few
// chunks, AES runs in WebCrypto, and only SHA-1 and SHA-256 run in JavaScript.

import * as openpgp from './openpgp.min.mjs';
import { Sha1, Sha256 } from './hashes.mjs';

/** FORMAT.md section 9: no padded plaintext is smaller than this. */
const MIN_PADDED_SIZE = 16384;
const CHUNK_SIZE = 1 << 20; // one WebCrypto call per MiB: its fixed cost is then small, and so is the memory held
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

/** The testimony document as UTF-8 JSON, its "padding" member filling it to exactly its padded size. */
export function testimonyDocument({ language, answers, attachments }) {
  const document = {
    type: 'testimony-intake/testimony', version: 1, language, encryptedBy: 'browser', answers, attachments,
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

/**
 * An attachment's plaintext as a stream of chunks of up to 1 MiB: the file's octets, then random padding to its
 * padded size. The SHA-256 and size for the manifest are of the file's octets alone; sha256() answers once the stream
 * was read to its end. A chunk of the file is valid only until the next one is read: the file is read into one
 * buffer over and over, so that a large file makes no garbage (encryptStream is done with a chunk when it reads on).
 */
export function paddedPlaintext(blob, onRead) {
  const file = chunkReader(blob);
  const hash = new Sha256();
  let paddingLeft = paddedSize(blob.size) - blob.size;
  let digest;
  const stream = new ReadableStream({
    async pull(controller) {
      if (digest === undefined) {
        const chunk = await file.next();
        if (chunk) {
          hash.update(chunk);
          onRead(chunk.length);
          controller.enqueue(chunk);
          return;
        }
        digest = hash.hex();
      }
      if (paddingLeft === 0) {
        controller.close();
        return;
      }
      const padding = new Uint8Array(Math.min(CHUNK_SIZE, paddingLeft));
      for (let offset = 0; offset < padding.length; offset += RANDOM_CHUNK) {
        crypto.getRandomValues(padding.subarray(offset, offset + RANDOM_CHUNK));
      }
      paddingLeft -= padding.length;
      onRead(padding.length);
      controller.enqueue(padding);
    },
    cancel(reason) {
      return file.cancel(reason);
    },
  }, { highWaterMark: 0 });
  return {
    stream,
    size: blob.size,
    paddedSize: paddedSize(blob.size),
    sha256() {
      if (digest === undefined) throw new Error('the attachment was not read to its end');
      return digest;
    },
  };
}

const AES_BLOCK = 16;
const MAX_DEFINITE_LENGTH = 2 ** 32 - 1;

/**
 * One OpenPGP message (FORMAT.md section 3) of a plaintext stream of `length` octets, as a stream: the PKESK from
 * openpgp.js, then a SEIPDv1 packet (RFC 9580 section 5.13.1) written here, holding one literal data packet (format
 * b, no name, date 0) and the MDC. The length is known beforehand, so both packets carry definite lengths.
 */
export async function encryptStream(plaintext, length, key) {
  const { data: sessionKey, algorithm, aeadAlgorithm } = await openpgp.generateSessionKey({ encryptionKeys: key });
  if (aeadAlgorithm || !['aes128', 'aes256'].includes(algorithm)) {
    throw new Error('the office key asks for SEIPDv2, which attachments cannot be streamed in here');
  }
  const keyPackets = await openpgp.encryptSessionKey({ data: sessionKey, algorithm, encryptionKeys: key, format: 'binary' });
  const cfb = new CfbEncryptor(await crypto.subtle.importKey('raw', sessionKey, 'AES-CBC', false, ['encrypt']));
  const prefix = crypto.getRandomValues(new Uint8Array(AES_BLOCK + 2));
  prefix.set(prefix.subarray(AES_BLOCK - 2, AES_BLOCK), AES_BLOCK); // the quick check: last two octets repeated
  const literalHeader = concat([[0xc0 | 11], definiteLength(6 + length), [0x62, 0, 0, 0, 0, 0]]);
  const encryptedLength = prefix.length + literalHeader.length + length + 22;
  const seipdHeader = concat([[0xc0 | 18], definiteLength(1 + encryptedLength), [1]]);
  const mdc = new Sha1();
  const source = plaintext.getReader();
  let read = -1; // not started

  return new ReadableStream({
    async pull(controller) {
      if (read < 0) {
        const head = concat([prefix, literalHeader]);
        mdc.update(head);
        controller.enqueue(concat([keyPackets, seipdHeader, await cfb.update(head)]));
        read = 0;
        return;
      }
      const chunk = await nextChunk(source);
      if (chunk) {
        read += chunk.length;
        if (read > length) throw new Error('the plaintext is longer than announced');
        mdc.update(chunk);
        controller.enqueue(await cfb.update(chunk));
        return;
      }
      if (read !== length) throw new Error('the plaintext is shorter than announced');
      const mdcPacket = new Uint8Array([0xd3, 0x14]);
      mdc.update(mdcPacket);
      controller.enqueue(concat([await cfb.update(concat([mdcPacket, mdc.digest()])), await cfb.finish()]));
      controller.close();
    },
    cancel(reason) {
      return source.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/**
 * AES in CFB mode with a zero IV (OpenPGP's, no resynchronisation), in WebCrypto: CBC-encrypting the previous
 * ciphertext block followed by the plaintext blocks but the last yields E(C[i-1]) for every block i, which is the
 * keystream; C[i] = P[i] XOR E(C[i-1]). Blocks are encrypted as whole blocks arrive; finish() does the last part-block.
 */
class CfbEncryptor {
  #key;
  #previous = new Uint8Array(AES_BLOCK);
  #pending = new Uint8Array(0);
  #chained = new Uint8Array(0);

  constructor(key) {
    this.#key = key;
  }

  async update(plaintext) {
    const data = this.#pending.length ? concat([this.#pending, plaintext]) : plaintext;
    const whole = data.length - (data.length % AES_BLOCK);
    this.#pending = data.slice(whole);
    return whole ? this.#encrypt(data.subarray(0, whole)) : new Uint8Array(0);
  }

  async finish() {
    const rest = this.#pending;
    this.#pending = new Uint8Array(0);
    if (!rest.length) return rest;
    const padded = new Uint8Array(AES_BLOCK);
    padded.set(rest);
    return (await this.#encrypt(padded)).slice(0, rest.length);
  }

  /** The ciphertext of whole blocks, in the buffer WebCrypto returned: no other buffer is made per chunk. */
  async #encrypt(blocks) {
    if (this.#chained.length < blocks.length) this.#chained = new Uint8Array(blocks.length);
    const chained = this.#chained.subarray(0, blocks.length); // WebCrypto copies it: it can be reused
    chained.set(this.#previous);
    chained.set(blocks.subarray(0, blocks.length - AES_BLOCK), AES_BLOCK);
    const ciphertext = new Uint8Array(await crypto.subtle.encrypt(
      { name: 'AES-CBC', iv: new Uint8Array(AES_BLOCK) }, this.#key, chained), 0, blocks.length);
    const plaintext = blocks.byteOffset % 4 === 0 ? blocks : blocks.slice(); // aligned, to XOR a word at a time
    const keystream = new Int32Array(ciphertext.buffer, 0, blocks.length / 4);
    const words = new Int32Array(plaintext.buffer, plaintext.byteOffset, blocks.length / 4);
    for (let i = 0; i < keystream.length; i++) keystream[i] ^= words[i];
    this.#previous = ciphertext.slice(blocks.length - AES_BLOCK);
    return ciphertext;
  }
}

/** RFC 9580 section 4.2.1: a five-octet length. */
function definiteLength(length) {
  if (length > MAX_DEFINITE_LENGTH) throw new Error('a file of 4 GiB or more cannot be sent');
  return [0xff, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff];
}

/** The next CHUNK_SIZE octets or so of a stream (a chunk that is large enough as it is), or null at its end. */
async function nextChunk(reader) {
  const parts = [];
  let length = 0;
  while (length < CHUNK_SIZE) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    length += value.length;
  }
  return length === 0 ? null : parts.length === 1 ? parts[0] : concat(parts);
}

function concat(parts) {
  const whole = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let position = 0;
  for (const part of parts) {
    whole.set(part, position);
    position += part.length;
  }
  return whole;
}

/** Reads a Blob in chunks of CHUNK_SIZE into one reused buffer (a BYOB reader), or as the browser hands them out. */
function chunkReader(blob) {
  const stream = blob.stream();
  let reader;
  try {
    reader = stream.getReader({ mode: 'byob' });
  } catch (notAByteStream) {
    reader = stream.getReader();
    return { next: () => nextChunk(reader), cancel: (reason) => reader.cancel(reason) };
  }
  let buffer = new ArrayBuffer(CHUNK_SIZE);
  let ended = false;
  return {
    async next() {
      let filled = 0;
      while (filled < CHUNK_SIZE && !ended) {
        const { value, done } = await reader.read(new Uint8Array(buffer, filled, CHUNK_SIZE - filled));
        ended = done;
        if (value) {
          buffer = value.buffer; // the read detached the old one: the same memory comes back under a new name
          filled += value.length;
        }
      }
      return filled ? new Uint8Array(buffer, 0, filled) : null;
    },
    cancel: (reason) => reader.cancel(reason),
  };
}

/** The same for a plaintext held in memory (the testimony document), as a stream for the upload. */
export async function encryptBytes(plaintext, key) {
  const message = await openpgp.createMessage({ binary: plaintext, format: 'binary', date: new Date(0) });
  const ciphertext = await openpgp.encrypt({ message, encryptionKeys: key, format: 'binary', config: PROFILE });
  return new Blob([ciphertext]).stream();
}

/** An upper bound of the ciphertext size of a padded plaintext: key packets, headers, prefix and MDC. */
export function ciphertextSizeBound(paddedPlaintextSize) {
  return paddedPlaintextSize + 1024;
}
