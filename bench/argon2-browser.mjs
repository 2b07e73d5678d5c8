// Benchmark (issue 9): could a returning source's browser derive the receipt's key itself? FORMAT.md section 10.2
// asks Argon2id at t=8, 64 MiB, p=1 of the receipt. Tor Browser at "Safer" has neither JIT nor WebAssembly, so only
// pure JavaScript can run it: @noble/hashes' argon2id. This times one derivation in Firefox ESR with the JITs and
// WebAssembly off (TOR_BROWSER_SAFER) and with them on, and the same code under Node.js (V8's JIT) for comparison; the
// shell script beside it times native libargon2 as the anchor. Every result is checked against the others' output.
//
// usage: node bench/argon2-browser.mjs [--runs N] [--limit SECONDS]
//   --limit: the longest a full derivation is run for; a variant whose one-pass (t=1) time says it would take
//            longer reports the estimate (8 x the one-pass time: Argon2's cost is linear in passes) instead.

import { createReadStream, existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { argon2id } from '@noble/hashes/argon2.js';
import { TOR_BROWSER_SAFER, launch } from '../src/test/browser/browsers.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const runs = Number(args.runs || 2);
const limitSeconds = Number(args.limit || 900);

/** FORMAT.md section 10.2; a fixed 28-digit receipt and salt, so that every variant must give the same tag. */
const COST = { t: 8, m: 65536, p: 1, dkLen: 64 };
const RECEIPT = '4821093755261184047399526017';
const SALT_HEX = '000102030405060708090a0b0c0d0e0f';

const noble = path.join(root, 'node_modules/@noble/hashes');
const PAGE = `<!DOCTYPE html><meta charset="utf-8"><title>argon2id benchmark</title>
<script type="module">
import { argon2id } from '/noble/argon2.js';
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
window.derive = (receipt, saltHex, cost) => hex(argon2id(new TextEncoder().encode(receipt),
  Uint8Array.from(saltHex.match(/../g), (h) => parseInt(h, 16)), cost));
window.wasm = typeof WebAssembly !== 'undefined';
window.ready = true;
</script>`;
const server = http.createServer((request, response) => {
  const name = request.url.startsWith('/noble/') ? path.basename(request.url) : null;
  if (request.url === '/') {
    response.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
  } else if (name && /^[a-z0-9_]+\.js$/.test(name) && existsSync(path.join(noble, name))) {
    response.writeHead(200, { 'Content-Type': 'text/javascript' });
    createReadStream(path.join(noble, name)).pipe(response);
  } else {
    response.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

async function timed(derive) {
  const start = process.hrtime.bigint();
  const tag = await derive();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, tag };
}

/** One pass first; then full derivations if they fit in the limit, else the estimate from the one pass. */
async function measure(variant, derive) {
  const onePass = await timed(() => derive({ ...COST, t: 1 }));
  const result = { variant, onePassSeconds: Number(onePass.seconds.toFixed(2)) };
  if (onePass.seconds * COST.t > limitSeconds) {
    result.secondsPerDerivation = Number((onePass.seconds * COST.t).toFixed(1));
    result.how = `estimated: ${COST.t} x one pass (over --limit ${limitSeconds} s)`;
  } else {
    const times = [];
    for (let i = 0; i < runs; i++) {
      const run = await timed(() => derive(COST));
      times.push(run.seconds);
      result.tag = run.tag;
    }
    result.secondsPerDerivation = Number(Math.min(...times).toFixed(2));
    result.how = `measured: best of ${runs}`;
  }
  console.log(JSON.stringify(result));
  return result;
}

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const results = [];
try {
  results.push(await measure('node (V8 JIT on), @noble/hashes', async (cost) =>
    hex(argon2id(RECEIPT, Buffer.from(SALT_HEX, 'hex'), cost))));
  const firefox = [['firefox-esr, JIT and WebAssembly off (Tor Browser Safer)', {
    ...TOR_BROWSER_SAFER, 'dom.max_script_run_time': 0 }], ['firefox-esr, JIT on', { 'dom.max_script_run_time': 0 }]];
  for (const [variant, prefs] of firefox) {
    const browser = await launch('firefox', { prefs, protocolTimeout: (limitSeconds * 2 + 600) * 1000 });
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(0);
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      await page.waitForFunction(() => window.ready === true);
      const wasm = await page.evaluate(() => window.wasm);
      const result = await measure(variant, (cost) => page.evaluate((r, s, c) => window.derive(r, s, c), RECEIPT,
        SALT_HEX, cost));
      result.webAssembly = wasm;
      results.push(result);
    } finally {
      await browser.close();
    }
  }
} finally {
  server.close();
}
const tags = new Set(results.filter((r) => r.tag).map((r) => r.tag));
if (tags.size > 1) {
  throw new Error(`the variants disagree on the Argon2id tag: ${[...tags].join(' ')}`);
}
console.log(`tag: ${[...tags][0] || '(no full derivation ran)'}`);
console.table(results.map(({ tag, ...rest }) => rest));
