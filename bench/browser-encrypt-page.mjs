// Runs in the benchmarked browser: the form's own attachment pipeline (encrypt.mjs) on the chosen file, the
// ciphertext drained and counted instead of uploaded. Variants take parts out, to see where the time goes.

import * as openpgp from '/static/js/openpgp.min.mjs';
import { encryptStream, paddedPlaintext } from '/static/js/encrypt.mjs';
import { Sha256 } from '/static/js/hashes.mjs';

async function drain(stream) {
  const reader = stream.getReader();
  let octets = 0;
  for (let chunks = 1; ; chunks++) {
    const { value, done } = await reader.read();
    if (done) return octets;
    octets += value.length;
    if (window.collectGarbageEvery && chunks % window.collectGarbageEvery === 0) window.gc();
  }
}

const variants = {
  /** Reading the file's stream, nothing else. */
  async readStream(file) {
    return drain(file.stream());
  },
  /** Reading the file in 1 MiB slices, nothing else. */
  async readSlices(file) {
    for (let offset = 0; offset < file.size; offset += 1 << 20) {
      await file.slice(offset, offset + (1 << 20)).arrayBuffer();
    }
    return file.size;
  },
  /** What the form does for an attachment: padding, SHA-256 for the manifest, openpgp.js streaming encryption. */
  async pipeline(file, key) {
    const plaintext = paddedPlaintext(file, () => {});
    const octets = await drain(await encryptStream(plaintext.stream, plaintext.paddedSize, key));
    plaintext.sha256();
    return octets;
  },
  /** The SEIPDv1 writer alone on the file's stream: SHA-1 in JavaScript, AES in WebCrypto. */
  async seipdStream(file, key) {
    return drain(await encryptStream(file.stream(), file.size, key));
  },
  /** openpgp.js's own streaming, which the writer replaces: its MDC clone queues the whole file. */
  async openpgpStream(file, key) {
    const message = await openpgp.createMessage({ binary: file.stream(), format: 'binary' });
    return drain(await openpgp.encrypt({ message, encryptionKeys: key, format: 'binary' }));
  },
  /** The manifest's SHA-256 alone. */
  async sha256(file) {
    const hash = new Sha256();
    const reader = file.stream().getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      hash.update(value);
    }
    hash.hex();
    return file.size;
  },
  /** openpgp.js on the whole file in memory (WebCrypto also hashes the MDC): the fast path streaming cannot take. */
  async wholeBuffer(file, key) {
    const message = await openpgp.createMessage({ binary: new Uint8Array(await file.arrayBuffer()), format: 'binary' });
    return (await openpgp.encrypt({ message, encryptionKeys: key, format: 'binary' })).length;
  },
};

/** With --collect-garbage N (Chromium only), a full GC every N chunks: what is left is what the code holds. */
window.runVariant = async (name, collectGarbageEvery) => {
  window.collectGarbageEvery = collectGarbageEvery;
  const key = await openpgp.readKey({ armoredKey: await (await fetch('/key')).text() });
  const file = document.getElementById('file').files[0];
  const started = performance.now();
  const octets = await variants[name](file, key);
  return { seconds: (performance.now() - started) / 1000, octets, size: file.size };
};
window.ready = true;
