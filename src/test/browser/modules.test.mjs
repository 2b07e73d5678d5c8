// Unit tests of the browser modules, run in Node (which has the same WebCrypto, streams and Blob) by
// BrowserModulesTest with `node --test`: the modules as the build copied them next to openpgp.js.

import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import test from 'node:test';

globalThis.crypto ??= webcrypto; // Node 18 (Debian 12's) has WebCrypto, but not yet as a global as browsers do
const modules = new URL('../../../target/classes/static/js/', import.meta.url);
const openpgp = await import(new URL('openpgp.min.mjs', modules)); // the same instance encrypt.mjs uses
const { Sha1, Sha256 } = await import(new URL('hashes.mjs', modules));
const { encryptStream, paddedPlaintext, paddedSize, testimonyDocument } = await import(new URL('encrypt.mjs', modules));
const { withoutPhotoMetadata } = await import(new URL('photo-metadata.mjs', modules));

const vectors = new URL('../resources/vectors/', import.meta.url);
const publicKey = await openpgp.readKey({ armoredKey: readFileSync(new URL('TEST-ONLY-office-key.pub.asc', vectors), 'utf8') });
const secretKey = await openpgp.decryptKey({
  privateKey: await openpgp.readPrivateKey({ armoredKey: readFileSync(new URL('TEST-ONLY-office-key.sec.asc', vectors), 'utf8') }),
  passphrase: readFileSync(new URL('TEST-ONLY-passphrase.txt', vectors), 'utf8').trim(),
});

test('SHA-1 and SHA-256 agree with Node whatever the input is cut into', () => {
  for (const [name, Hash] of [['sha1', Sha1], ['sha256', Sha256]]) {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 100_000]) {
      const data = randomBytes(length);
      for (const piece of [1, 7, 64, 1000, length || 1]) {
        const hash = new Hash();
        for (let offset = 0; offset < length; offset += piece) hash.update(data.subarray(offset, offset + piece));
        assert.equal(hash.hex(), createHash(name).update(data).digest('hex'), `${name} of ${length} in pieces of ${piece}`);
      }
    }
  }
});

test('padded sizes follow FORMAT.md section 9', () => {
  assert.equal(paddedSize(0), 16384);
  assert.equal(paddedSize(16384), 16384);
  assert.equal(paddedSize(16385), 17408); // E = 14, S = 4: multiples of 1 KiB
  assert.equal(paddedSize(200 * 2 ** 20), 200 * 2 ** 20); // E = 27, S = 5: multiples of 4 MiB
  assert.equal(paddedSize(200 * 2 ** 20 + 1), 204 * 2 ** 20);
  for (let size = 1; size < 2 ** 32; size = Math.ceil(size * 1.37)) {
    const padded = paddedSize(size);
    assert.ok(padded >= size && padded <= Math.max(16384, size * 1.12), `${size} -> ${padded}`);
  }
});

test('the testimony document is exactly its padded size and parses with its padding', () => {
  for (const narrative of ['', '벌목장에서 도망쳤습니다.'.repeat(500), 'x'.repeat(70_000)]) {
    const bytes = testimonyDocument({
      language: 'ko', answers: [{ id: 'testimony', label: '무슨 일이 있었습니까?', value: narrative }], attachments: [],
    });
    const document = JSON.parse(new TextDecoder().decode(bytes));
    assert.equal(document.answers[0].value, narrative);
    assert.match(document.padding, /^[A-Za-z0-9+/]*$/);
    const unpadded = bytes.length - document.padding.length;
    assert.equal(bytes.length, paddedSize(unpadded));
  }
});

test('an attachment streamed through the SEIPDv1 writer decrypts with openpgp.js to the file and its padding', async () => {
  for (const size of [0, 1, 15, 16, 17, (1 << 20) - 1, 1 << 20, (1 << 20) + 17, 3_000_001]) {
    const file = new Blob([randomBytes(size)]);
    const plaintext = paddedPlaintext(file, () => {});
    const chunks = [];
    const reader = (await encryptStream(plaintext.stream, plaintext.paddedSize, publicKey)).getReader();
    for (let read; !(read = await reader.read()).done; ) chunks.push(read.value.slice());
    const message = await openpgp.readMessage({ binaryMessage: new Uint8Array(Buffer.concat(chunks)) });
    const { data } = await openpgp.decrypt({ message, decryptionKeys: secretKey, format: 'binary' });
    const original = new Uint8Array(await file.arrayBuffer());
    assert.equal(data.length, plaintext.paddedSize, `padded length for ${size}`);
    assert.deepEqual(data.subarray(0, size), original, `content for ${size}`);
    assert.equal(plaintext.sha256(), createHash('sha256').update(original).digest('hex'));
  }
});

test('a tampered ciphertext from the writer fails its integrity check', async () => {
  const plaintext = paddedPlaintext(new Blob([randomBytes(5000)]), () => {});
  const chunks = [];
  const reader = (await encryptStream(plaintext.stream, plaintext.paddedSize, publicKey)).getReader();
  for (let read; !(read = await reader.read()).done; ) chunks.push(read.value.slice());
  const ciphertext = Buffer.concat(chunks);
  ciphertext[ciphertext.length - 30] ^= 1;
  const message = await openpgp.readMessage({ binaryMessage: new Uint8Array(ciphertext) });
  await assert.rejects(openpgp.decrypt({ message, decryptionKeys: secretKey, format: 'binary' }));
});

/** A PNG whose chunks are named by `types`, each with a little data; CRCs are not checked by the filter. */
function png(types) {
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  for (const type of types) {
    const data = Buffer.from(`${type} data`);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    parts.push(length, Buffer.from(type, 'ascii'), data, Buffer.alloc(4));
  }
  return Buffer.concat(parts);
}

async function bytesOf(blob) {
  return Buffer.from(await blob.arrayBuffer());
}

test('PNG: text, EXIF, time and colour profiles are removed, image chunks kept, nothing after IEND', async () => {
  const kept = ['IHDR', 'PLTE', 'tRNS', 'gAMA', 'IDAT', 'IDAT', 'IEND'];
  const photo = png(['IHDR', 'eXIf', 'iCCP', 'PLTE', 'tRNS', 'tEXt', 'gAMA', 'iTXt', 'IDAT', 'zTXt', 'IDAT', 'tIME', 'prVt', 'IEND']);
  const cleaned = await bytesOf(await withoutPhotoMetadata(new Blob([photo, Buffer.from('trailer')])));
  assert.deepEqual(cleaned, png(kept));
});

test('JPEG: APP1 to APP15 but Adobe, COM and what follows EOI are removed; scans with stuffing survive', async () => {
  const segment = (marker, body) => Buffer.concat([Buffer.from([0xff, marker, 0, body.length + 2]), Buffer.from(body)]);
  const jfif = segment(0xe0, 'JFIF\0 v1');
  const exif = segment(0xe1, 'Exif\0\0 GPS 48 28 5 N');
  const xmp = segment(0xe1, 'http://ns.adobe.com/xap/1.0/\0<x/>');
  const icc = segment(0xe2, 'ICC_PROFILE\0 Samsung');
  const adobe = segment(0xee, 'Adobe colour');
  const comment = segment(0xfe, 'taken by Kim');
  const tables = segment(0xdb, 'quantization');
  const frame = segment(0xc0, 'frame');
  const scanHeader = segment(0xda, 'scan');
  const entropy = Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xff, 0xd9]); // stuffing, RST0, fill
  const photo = Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, exif, xmp, icc, adobe, comment, tables, frame,
    scanHeader, entropy, Buffer.from('after the end: a second image with its own EXIF')]);
  const expected = Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, adobe, tables, frame, scanHeader, entropy]);
  assert.deepEqual(await bytesOf(await withoutPhotoMetadata(new Blob([photo]))), expected);
});

test('other files pass unchanged', async () => {
  const file = new Blob([Buffer.from('%PDF-1.7 a document')]);
  assert.equal(await withoutPhotoMetadata(file), file);
});
