// Encryption in the source's browser (FORMAT.md sections 3 to 5 and 9): the office key checked against the
// fingerprint the page shows, the testimony document padded to its size bucket, attachments padded and encrypted as
// streams. openpgp.js writes PKESKv3 + SEIPDv1 for the compat office key, without compression.

import * as openpgp from './openpgp.min.mjs';
import { Sha256 } from './sha256.mjs';

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
 * An attachment's plaintext as a stream: the file's octets, then random padding to its padded size. The SHA-256
 * and size for the manifest are of the file's octets alone; sha256() answers once the stream was read to its end.
 */
export function paddedPlaintext(blob, onRead) {
  const file = blob.stream().getReader();
  const hash = new Sha256();
  let paddingLeft = paddedSize(blob.size) - blob.size;
  let digest;
  const stream = new ReadableStream({
    async pull(controller) {
      if (digest === undefined) {
        const { value, done } = await file.read();
        if (!done) {
          hash.update(value);
          onRead(value.length);
          controller.enqueue(value);
          return;
        }
        digest = hash.hex();
      }
      if (paddingLeft === 0) {
        controller.close();
        return;
      }
      const padding = crypto.getRandomValues(new Uint8Array(Math.min(RANDOM_CHUNK, paddingLeft)));
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
    sha256() {
      if (digest === undefined) throw new Error('the attachment was not read to its end');
      return digest;
    },
  };
}

/** One OpenPGP message (FORMAT.md section 3) of a plaintext stream, as a stream: one literal packet, no name, date 0. */
export async function encryptStream(plaintext, key) {
  const message = await openpgp.createMessage({ binary: plaintext, format: 'binary', date: new Date(0) });
  return openpgp.encrypt({ message, encryptionKeys: key, format: 'binary', config: PROFILE });
}

/** The same for a plaintext held in memory (the testimony document), as a stream for the upload. */
export async function encryptBytes(plaintext, key) {
  const message = await openpgp.createMessage({ binary: plaintext, format: 'binary', date: new Date(0) });
  const ciphertext = await openpgp.encrypt({ message, encryptionKeys: key, format: 'binary', config: PROFILE });
  return new Blob([ciphertext]).stream();
}

/** An upper bound of the ciphertext size of a padded plaintext: key packets, framing, prefix and MDC. */
export function ciphertextSizeBound(paddedPlaintextSize) {
  return paddedPlaintextSize + Math.ceil(paddedPlaintextSize / 512) * 5 + 1024;
}
