// Benchmark (issue 4): encryption of a large attachment in the browser, streamed, as the form does it, in Firefox ESR
// with JIT off (Tor Browser "Safer") and Chromium with JIT on. Reports MB/s and the browser's extra memory: the
// peak, while encrypting, of the anonymous and shared memory (Pss_Anon + Pss_Shmem) of all its processes, less the
// same before; extraPssMB adds the page cache of mapped files (the attachment itself, which the kernel can drop).
//
// usage: node bench/browser-encrypt.mjs [--size MB] [--browsers firefox,chromium] [--variants pipeline,...]
//                                      [--collect-garbage N]   (Chromium: a full GC every N segments, to tell garbage
//                                                               from memory the code holds)
// Needs `mvn -B -q package -DskipTests` (or any build) first: it serves target/classes/static/js.

import { createReadStream, readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { TOR_BROWSER_SAFER, launch } from '../src/test/browser/browsers.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const sizeMB = Number(args.size || 200);
const browsers = (args.browsers || 'firefox,chromium').split(',');
const variants = (args.variants || 'pipeline').split(',');
const collectGarbageEvery = Number(args['collect-garbage'] || 0);

const KEY = path.join(root, 'src/test/resources/vectors/TEST-ONLY-office-key.pub.asc');
const files = {
  '/bench/browser-encrypt.html': [path.join(root, 'bench/browser-encrypt.html'), 'text/html'],
  '/bench/browser-encrypt-page.mjs': [path.join(root, 'bench/browser-encrypt-page.mjs'), 'text/javascript'],
  '/key': [KEY, 'text/plain'],
};
for (const name of readdirSync(path.join(root, 'target/classes/static/js'))) {
  files[`/static/js/${name}`] = [path.join(root, 'target/classes/static/js', name), 'text/javascript'];
}
const server = http.createServer((request, response) => {
  const file = files[request.url];
  if (!file) { response.writeHead(404).end(); return; }
  response.writeHead(200, { 'Content-Type': file[1] });
  createReadStream(file[0]).pipe(response);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

const work = mkdtempSync(path.join(os.tmpdir(), 'browser-encrypt-'));
const input = path.join(work, `attachment-${sizeMB}MB.bin`);
writeFileSync(input, randomBytes(sizeMB * 1e6)); // random: incompressible, like a video

/**
 * Memory of a process and all its descendants, in bytes: all of its proportional set size, and the part that is
 * not page cache of mapped files (anonymous and shared memory), which is what the browser allocated itself.
 */
function memory(rootPid) {
  const children = new Map();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) || []), Number(entry)]);
    } catch { /* gone meanwhile */ }
  }
  const total = { pss: 0, allocated: 0 };
  for (const pending = [rootPid]; pending.length; ) {
    const pid = pending.pop();
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kB = (field) => Number(rollup.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] || 0) * 1024;
      total.pss += kB('Pss');
      total.allocated += kB('Pss_Anon') + kB('Pss_Shmem');
    } catch { /* gone meanwhile */ }
    pending.push(...(children.get(pid) || []));
  }
  return total;
}

const results = [];
try {
  for (const browserName of browsers) {
    for (const variant of variants) {
      const browser = await launch(browserName, {
        prefs: browserName === 'firefox' ? TOR_BROWSER_SAFER : {},
        extraArgs: collectGarbageEvery ? ['--js-flags=--expose-gc'] : [],
      });
      try {
        const page = await browser.newPage();
        await page.goto(`http://127.0.0.1:${server.address().port}/bench/browser-encrypt.html`);
        await page.waitForFunction(() => window.ready === true);
        await (await page.$('#file')).uploadFile(input);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const pid = browser.process().pid;
        const baseline = memory(pid);
        const peak = { ...baseline };
        const sampler = setInterval(() => {
          const now = memory(pid);
          peak.pss = Math.max(peak.pss, now.pss);
          peak.allocated = Math.max(peak.allocated, now.allocated);
        }, 100);
        const run = await page.evaluate((name, every) => window.runVariant(name, every), variant, collectGarbageEvery);
        clearInterval(sampler);
        const result = {
          browser: browserName === 'firefox' ? 'firefox-esr, JIT off (Safer)' : 'chromium, JIT on',
          variant,
          sizeMB,
          seconds: Number(run.seconds.toFixed(2)),
          mbPerSecond: Number((run.size / 1e6 / run.seconds).toFixed(1)),
          extraMemoryMB: Number(((peak.allocated - baseline.allocated) / 1e6).toFixed(1)),
          extraPssMB: Number(((peak.pss - baseline.pss) / 1e6).toFixed(1)),
          ciphertextMB: Number((run.octets / 1e6).toFixed(1)),
        };
        results.push(result);
        console.log(JSON.stringify(result));
      } finally {
        await browser.close();
      }
    }
  }
} finally {
  server.close();
  rmSync(work, { recursive: true, force: true });
}
console.table(results);
