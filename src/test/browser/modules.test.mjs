// Unit tests of the browser modules, run in Node (which has the same WebCrypto, streams and Blob) by
// BrowserModulesTest with `node --test`: the modules as the build copied them next to openpgp.js.

import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import test from 'node:test';

globalThis.crypto ??= webcrypto; // Node 18 (Debian 12's) has WebCrypto, but not yet as a global as browsers do
const modules = new URL('../../../target/classes/static/js/', import.meta.url);
const openpgp = await import(new URL('openpgp.min.mjs', modules)); // the same instance encrypt.mjs uses
const { SEGMENT_SIZE, encryptedSegments, paddedSize, testimonyDocument } = await import(new URL('encrypt.mjs', modules));
const { withoutPhotoMetadata } = await import(new URL('photo-metadata.mjs', modules));
const { UnreadableMedia, withoutMediaMetadata } = await import(new URL('media-metadata.mjs', modules));

const vectors = new URL('../resources/vectors/', import.meta.url);
const publicKey = await openpgp.readKey({ armoredKey: readFileSync(new URL('TEST-ONLY-office-key.pub.asc', vectors), 'utf8') });
const secretKey = await openpgp.decryptKey({
  privateKey: await openpgp.readPrivateKey({ armoredKey: readFileSync(new URL('TEST-ONLY-office-key.sec.asc', vectors), 'utf8') }),
  passphrase: readFileSync(new URL('TEST-ONLY-passphrase.txt', vectors), 'utf8').trim(),
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

async function segmentsOf(file) {
  const segments = [];
  for await (const segment of encryptedSegments(file, publicKey)) {
    segments.push({ ...segment, ciphertext: segment.message.slice() }); // a message is valid for two segments
  }
  return segments;
}

async function decrypt(ciphertext) {
  const message = await openpgp.readMessage({ binaryMessage: ciphertext });
  return (await openpgp.decrypt({ message, decryptionKeys: secretKey, format: 'binary' })).data;
}

test('an attachment in segments decrypts with openpgp.js, segment by segment, to the file and its padding', async () => {
  const sizes = [0, 1, 15, 16, 17, SEGMENT_SIZE - 53, SEGMENT_SIZE, SEGMENT_SIZE + 17, 3 * SEGMENT_SIZE + 1_000_001];
  for (const size of sizes) {
    const original = randomBytes(size);
    const segments = await segmentsOf(new Blob([original]));
    const plaintexts = [];
    for (const segment of segments) {
      const plaintext = await decrypt(segment.ciphertext);
      assert.equal(plaintext.length, segment.plaintextLength);
      assert.equal(segment.sha256, createHash('sha256').update(plaintext).digest('hex'), `segment hash for ${size}`);
      plaintexts.push(plaintext);
    }
    const joined = Buffer.concat(plaintexts);
    assert.equal(joined.length, paddedSize(size), `padded length for ${size}`);
    assert.equal(segments.length, Math.ceil(paddedSize(size) / SEGMENT_SIZE), `segments for ${size}`);
    assert.deepEqual(joined.subarray(0, size), original, `content for ${size}`);
  }
});

test('the segments share one key packet, and each starts with its own random block', async () => {
  const segments = await segmentsOf(new Blob([randomBytes(2 * SEGMENT_SIZE)]));
  const keyPacketLength = segments[0].ciphertext.length - segments[0].plaintextLength - 52 - 7;
  const keyPackets = segments.map((s) => Buffer.from(s.ciphertext.subarray(0, keyPacketLength)).toString('hex'));
  assert.equal(new Set(keyPackets).size, 1);
  const firstBlocks = segments.map((s) => Buffer.from(s.ciphertext.subarray(keyPacketLength + 7, keyPacketLength + 23)).toString('hex'));
  assert.equal(new Set(firstBlocks).size, segments.length);
});

test('a tampered segment fails its integrity check', async () => {
  const [segment] = await segmentsOf(new Blob([randomBytes(5000)]));
  segment.ciphertext[segment.ciphertext.length - 30] ^= 1;
  await assert.rejects(decrypt(segment.ciphertext));
});

test('a file whose stream is no byte stream is read as well, from chunks of any size', async () => {
  const original = randomBytes(SEGMENT_SIZE + 100_000);
  const chunked = {
    size: original.length,
    stream: () => new ReadableStream({
      offset: 0,
      pull(controller) {
        const end = Math.min(original.length, this.offset + 1 + Math.floor(Math.random() * 300_000));
        controller.enqueue(original.subarray(this.offset, end));
        this.offset = end;
        if (end === original.length) controller.close();
      },
    }),
  };
  const plaintexts = [];
  for (const segment of await segmentsOf(chunked)) plaintexts.push(await decrypt(segment.ciphertext));
  assert.deepEqual(Buffer.concat(plaintexts).subarray(0, original.length), original);
});

test('a file that changes size while it is read is refused', async () => {
  const shrinking = { size: 10_000, stream: () => new Blob([randomBytes(5000)]).stream() };
  await assert.rejects(segmentsOf(shrinking), /changed while it was read/);
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

/** An ISO base media box: a 32-bit size, the type, then the content (Buffers, or strings as ASCII). */
function box(type, ...content) {
  const body = Buffer.concat(content.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : part)));
  const size = Buffer.alloc(4);
  size.writeUInt32BE(8 + body.length);
  return Buffer.concat([size, Buffer.from(type, 'latin1'), body]);
}

/** A full box's version and flags, then 32-bit creation and modification times and a little more. */
function timed(type) {
  return box(type, Buffer.from([0, 0, 0, 0]), Buffer.from('TIMETIME'), 'rest of the header');
}

test('MP4: user data, metadata, uuid and free boxes anywhere become zeroed free boxes; times become 0', async () => {
  const udta = box('udta', box('\xa9xyz', '+37.5665+126.9780/'), box('meta', '\0\0\0\0', box('keys', 'mdta')));
  const stbl = box('stbl', box('stsd', 'Lavc encoder name'), box('stco', 'offsets'));
  const video = Buffer.concat([
    box('ftyp', 'isom', '\0\0\0\0', 'isommp41'),
    box('moov', timed('mvhd'), box('trak', timed('tkhd'), box('mdia', timed('mdhd'), box('minf', stbl)), udta),
      box('uuid', 'XMP GPS'), box('meta', 'keys')),
    box('uuid', '<x:xmpmeta>Seoul</x:xmpmeta>'),
    box('mdat', 'the video itself, with a udta inside: udta'),
  ]);
  const cleaned = await bytesOf(await withoutMediaMetadata(new Blob([video])));
  assert.equal(cleaned.length, video.length);
  for (const gone of ['37.5665', 'mdta', 'XMP GPS', 'Seoul', 'TIMETIME', 'udta', 'uuid', 'meta']) {
    assert.equal(cleaned.subarray(0, cleaned.indexOf('mdat')).includes(gone), false, `${gone} is left`);
  }
  for (const kept of ['Lavc encoder name', 'offsets', 'rest of the header', 'the video itself, with a udta inside: udta']) {
    assert.ok(cleaned.includes(kept), `${kept} is gone`);
  }
  assert.equal(cleaned.toString('latin1').match(/free/g).length, 4); // udta in trak, uuid and meta in moov, uuid
});

test('HEIF: the data of Exif and XMP items becomes zeros, in the file and in idat; the image stays', async () => {
  const fullBox = (type, ...content) => box(type, '\0\0\0\0', ...content);
  const infe = (id, type, ...rest) => box('infe', '\x02\0\0\0', Buffer.from([0, id, 0, 0]), type, 'name\0', ...rest);
  const u16 = (value) => Buffer.from([value >> 8, value & 255]);
  const u32 = (value) => { const b = Buffer.alloc(4); b.writeUInt32BE(value); return b; };
  const exif = 'Exif\0\0MM GPS 37.5665 Samsung';
  const xmp = '<x:xmpmeta>Seoul</x:xmpmeta>';
  const image = 'HEVC image data';
  const ftyp = box('ftyp', 'heic', '\0\0\0\0', 'mif1heic');
  const iinf = fullBox('iinf', u16(3), infe(1, 'hvc1'), infe(2, 'Exif'), infe(3, 'mime', 'application/rdf+xml\0'));
  const idat = box('idat', xmp);
  // iloc version 1: 4-octet offsets and lengths, no base offset; items 1 and 2 in mdat, item 3 in idat
  const ilocOf = (mdatData) => box('iloc', '\x01\0\0\0', u16(0x4400), u16(3),
    u16(1), u16(0), u16(0), u16(1), u32(mdatData), u32(image.length),
    u16(2), u16(0), u16(0), u16(1), u32(mdatData + image.length), u32(exif.length),
    u16(3), u16(1), u16(0), u16(1), u32(0), u32(xmp.length));
  const metaSize = box('meta', '\0\0\0\0', box('hdlr', 'pict'), ilocOf(0), iinf, idat).length;
  const mdatData = ftyp.length + metaSize + 8;
  const meta = box('meta', '\0\0\0\0', box('hdlr', 'pict'), ilocOf(mdatData), iinf, idat);
  const photo = Buffer.concat([ftyp, meta, box('mdat', image, exif)]);
  const cleaned = await bytesOf(await withoutMediaMetadata(new Blob([photo])));
  assert.equal(cleaned.length, photo.length);
  assert.equal(cleaned.includes('Samsung'), false);
  assert.equal(cleaned.includes('Seoul'), false);
  assert.ok(cleaned.includes(image));
  assert.ok(cleaned.includes('application/rdf+xml'));
});

test('video and HEIF: broken boxes are refused, other files pass unchanged', async () => {
  const video = box('moov', box('trak', box('udta', 'x')));
  await assert.rejects(withoutMediaMetadata(new Blob([video.subarray(0, video.length - 3)])), UnreadableMedia);
  await assert.rejects(withoutMediaMetadata(new Blob([box('ftyp', 'isom'), Buffer.from('junk')])), UnreadableMedia);
  const other = new Blob([Buffer.from('%PDF-1.7 a document')]);
  assert.equal(await withoutMediaMetadata(other), other);
});
