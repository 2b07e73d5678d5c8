// Streaming SHA-1 (for the MDC of SEIPDv1, FORMAT.md section 3) and SHA-256 (for the attachment manifest, section 4),
// FIPS 180-4. WebCrypto hashes only a whole buffer at once, and an attachment is never held whole in memory. The
// compression functions are plain functions over 32-bit integers: they are the hot loops, with or without a JIT.

/** Buffers input into 64-octet blocks for a compression function. */
class BlockHash {
  #compress;
  #state;
  #block = new Uint8Array(64);
  #blockLength = 0;
  #length = 0;

  constructor(compress, initialState) {
    this.#compress = compress;
    this.#state = new Int32Array(initialState);
  }

  update(bytes) {
    this.#length += bytes.length;
    let offset = 0;
    if (this.#blockLength > 0) {
      offset = Math.min(64 - this.#blockLength, bytes.length);
      this.#block.set(bytes.subarray(0, offset), this.#blockLength);
      this.#blockLength += offset;
      if (this.#blockLength < 64) return;
      this.#compress(this.#state, this.#block, 0, 64);
      this.#blockLength = 0;
    }
    const whole = offset + Math.floor((bytes.length - offset) / 64) * 64;
    this.#compress(this.#state, bytes, offset, whole);
    this.#block.set(bytes.subarray(whole));
    this.#blockLength = bytes.length - whole;
  }

  /** The digest, big-endian; the hash takes no more input afterwards. */
  digest() {
    const bitLength = this.#length * 8;
    const tail = new Uint8Array(this.#blockLength < 56 ? 64 : 128);
    tail.set(this.#block.subarray(0, this.#blockLength));
    tail[this.#blockLength] = 0x80;
    const view = new DataView(tail.buffer);
    view.setUint32(tail.length - 8, Math.floor(bitLength / 2 ** 32));
    view.setUint32(tail.length - 4, bitLength >>> 0);
    this.#compress(this.#state, tail, 0, tail.length);
    const digest = new Uint8Array(this.#state.length * 4);
    this.#state.forEach((word, i) => new DataView(digest.buffer).setInt32(4 * i, word));
    return digest;
  }

  hex() {
    return Array.from(this.digest(), (octet) => octet.toString(16).padStart(2, '0')).join('');
  }
}

export class Sha1 extends BlockHash {
  constructor() {
    super(compressSha1, [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
  }
}

export class Sha256 extends BlockHash {
  constructor() {
    super(compressSha256,
      [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  }
}

const W1 = new Int32Array(80);

function compressSha1(state, bytes, from, to) {
  const w = W1;
  let h0 = state[0], h1 = state[1], h2 = state[2], h3 = state[3], h4 = state[4];
  for (let p = from; p < to; p += 64) {
    for (let i = 0; i < 16; i++) {
      const j = p + 4 * i;
      w[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
    }
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, t;
    for (let i = 0; i < 20; i++) {
      t = ((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + w[i] + 0x5a827999 | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    for (let i = 20; i < 40; i++) {
      t = ((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[i] + 0x6ed9eba1 | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    for (let i = 40; i < 60; i++) {
      t = ((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + w[i] - 0x70e44324 | 0; // + 0x8f1bbcdc
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    for (let i = 60; i < 80; i++) {
      t = ((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[i] - 0x359d3e2a | 0; // + 0xca62c1d6
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    h0 = h0 + a | 0; h1 = h1 + b | 0; h2 = h2 + c | 0; h3 = h3 + d | 0; h4 = h4 + e | 0;
  }
  state[0] = h0; state[1] = h1; state[2] = h2; state[3] = h3; state[4] = h4;
}

const K256 = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
].map((k) => k | 0); // as 32-bit integers, so that the arithmetic stays in 32 bits
const W256 = new Int32Array(64);

function compressSha256(state, bytes, from, to) {
  const w = W256;
  let h0 = state[0], h1 = state[1], h2 = state[2], h3 = state[3];
  let h4 = state[4], h5 = state[5], h6 = state[6], h7 = state[7];
  for (let p = from; p < to; p += 64) {
    for (let i = 0; i < 16; i++) {
      const j = p + 4 * i;
      w[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
    }
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15], b = w[i - 2];
      w[i] = (((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10)) + w[i - 7]
        + (((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3)) + w[i - 16] | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let i = 0; i < 64; i++) {
      const t1 = h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7)))
        + ((e & f) ^ (~e & g)) + K256[i] + w[i] | 0;
      const t2 = (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10)))
        + ((a & b) ^ (a & c) ^ (b & c)) | 0;
      h = g; g = f; f = e; e = d + t1 | 0;
      d = c; c = b; b = a; a = t1 + t2 | 0;
    }
    h0 = h0 + a | 0; h1 = h1 + b | 0; h2 = h2 + c | 0; h3 = h3 + d | 0;
    h4 = h4 + e | 0; h5 = h5 + f | 0; h6 = h6 + g | 0; h7 = h7 + h | 0;
  }
  state[0] = h0; state[1] = h1; state[2] = h2; state[3] = h3;
  state[4] = h4; state[5] = h5; state[6] = h6; state[7] = h7;
}
