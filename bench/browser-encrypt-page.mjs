// Runs in the benchmarked browser: the form's own attachment pipeline (encrypt.mjs) on the chosen file, the
// ciphertext counted instead of uploaded. Variants take parts out, to see where the time goes.

import * as openpgp from '/static/js/openpgp.min.mjs';
import { encryptedSegments } from '/static/js/encrypt.mjs';

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
  /** Reading the file's stream into one reused buffer (a BYOB reader), nothing else. */
  async readByob(file) {
    const reader = file.stream().getReader({ mode: 'byob' });
    let buffer = new ArrayBuffer(4 << 20);
    let octets = 0;
    for (;;) {
      const { value, done } = await reader.read(new Uint8Array(buffer));
      if (done) return octets;
      octets += value.length;
      buffer = value.buffer;
    }
  },
  /** Reading the file in 1 MiB slices, nothing else. */
  async readSlices(file) {
    for (let offset = 0; offset < file.size; offset += 1 << 20) {
      await file.slice(offset, offset + (1 << 20)).arrayBuffer();
    }
    return file.size;
  },
  /** What the form does for an attachment: padding, segments, each hashed and encrypted (FORMAT.md section 5). */
  async pipeline(file, key) {
    let octets = 0;
    let segments = 0;
    for await (const segment of encryptedSegments(file, key)) {
      octets += segment.message.length;
      if (window.collectGarbageEvery && ++segments % window.collectGarbageEvery === 0) window.gc();
    }
    return octets;
  },
  /** openpgp.js's own streaming, which the writer replaces: its MDC clone queues the whole file. */
  async openpgpStream(file, key) {
    const message = await openpgp.createMessage({ binary: file.stream(), format: 'binary' });
    return drain(await openpgp.encrypt({ message, encryptionKeys: key, format: 'binary' }));
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
