// The browser cases of issue 4 in real browsers: Debian's Chromium and Firefox ESR (the base of Tor Browser), driven
// by puppeteer-core (Firefox over WebDriver BiDi), each with a fresh profile and no background networking. Every
// request passes a recording proxy in front of the intake server. BrowserEncryptionTest starts the server, runs this
// script and then decrypts what arrived; this script checks what the browsers sent and showed.
//
// usage: node browser-suite.mjs CONFIG.json   (written by BrowserEncryptionTest; results go to config.resultsFile)

import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { TOR_BROWSER_SAFER, launch } from './browsers.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

/** The proxy every browser talks to: it records each request and can play an attacker or a broken connection. */
function startProxy(serverPort) {
  const state = { requests: [], substituteKey: null, cutNextResumedChunk: false, cuts: 0 };
  const proxy = http.createServer((request, response) => {
    const record = { method: request.method, url: request.url, chunks: [] };
    state.requests.push(record);
    if (state.substituteKey && request.method === 'GET' && request.url.startsWith('/key')) {
      response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(state.substituteKey);
      return;
    }
    const upstream = http.request({
      host: '127.0.0.1', port: serverPort, method: request.method, path: request.url, headers: request.headers,
    }, (answer) => {
      response.writeHead(answer.statusCode, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    const length = Number(request.headers['content-length'] || 0);
    const cut = state.cutNextResumedChunk && request.method === 'POST'
      && /^\/api\/uploads\/[0-9a-f]+\?offset=/.test(request.url) && length > 2;
    if (cut) state.cutNextResumedChunk = false;
    let forwarded = 0;
    request.on('data', (chunk) => {
      record.chunks.push(chunk);
      if (cut && forwarded + chunk.length >= length / 2) {
        upstream.write(chunk.subarray(0, Math.floor(length / 2) - forwarded));
        state.cuts++;
        upstream.destroy(); // the connection drops halfway through the chunk, for the server and the browser
        request.socket.destroy();
        return;
      }
      forwarded += chunk.length;
      upstream.write(chunk);
    });
    request.on('end', () => upstream.end());
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve({ proxy, state })));
}

/** Runs one case in a fresh browser; returns what a check needs: requests, page text, outcome. */
async function visit(browserName, { prefs, javaScript = true, language = 'ko', fill, path = '/form' }) {
  const browser = await launch(browserName, { prefs });
  const urls = [];
  const firstRequest = proxyState.requests.length;
  try {
    const page = await browser.newPage();
    page.on('request', (request) => urls.push(request.url()));
    if (!javaScript) await page.setJavaScriptEnabled(false);
    await page.goto(`${origin}${path}?lang=${language}`);
    await fill(page);
    await page.click('button[type=submit]');
    const outcome = await waitForOutcome(page, javaScript);
    return { ...outcome, urls, requests: proxyState.requests.slice(firstRequest) };
  } finally {
    await browser.close();
  }
}

/** Waits until the page either left for the confirmation or shows a problem. */
async function waitForOutcome(page, javaScript) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const url = page.url();
    if (/\/(submit|api\/submissions\/uploaded)\?/.test(url)) {
      await page.waitForSelector('h1', { timeout: 30_000 });
      return { finishedAt: new URL(url).pathname, html: await page.content() };
    }
    if (javaScript) {
      const alert = await page.$eval('[role=alert]', (el) => (el.hidden ? '' : el.textContent)).catch(() => '');
      if (alert) return { alert };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('neither a confirmation nor a problem within 90 s');
}

function questionnaire(marker, attachments = [], { keepMetadata = false } = {}) {
  return async (page) => {
    await page.type('#q-testimony', `벌목장에서 도망쳤습니다. ${marker}`);
    await page.type('#q-when', '2019년 겨울');
    await page.click('input[name=relation][value=witness]');
    await page.click('input[name=consent][value=quote-anonymously]');
    if (attachments.length) await (await page.$('input[type=file]')).uploadFile(...attachments);
    if (keepMetadata) await page.click('#keep-metadata');
  };
}

function bodiesContaining(requests, marker) {
  const needle = Buffer.from(marker, 'utf8');
  return requests.filter((r) => Buffer.concat(r.chunks).includes(needle)).map((r) => `${r.method} ${r.url}`);
}

function requireOnlyOurOrigin(urls) {
  const elsewhere = urls.filter((url) => !url.startsWith(`${origin}/`) && !/^(data|blob|about):/.test(url));
  if (elsewhere.length) throw new Error(`requests to other origins: ${elsewhere.join(', ')}`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function browserEncrypted(result, marker) {
  check(result.finishedAt === '/api/submissions/uploaded', `no confirmation: ${result.alert || result.finishedAt}`);
  check(result.html.includes(config.texts.encryptedInBrowser), 'the confirmation does not say "encrypted in your browser"');
  const leaks = bodiesContaining(result.requests, marker);
  check(leaks.length === 0, `the plaintext marker was sent: ${leaks}`);
  requireOnlyOurOrigin(result.urls);
}

const cases = {
  async 'chromium: Korean questionnaire with a file, encrypted in the browser'() {
    const marker = config.markers.chromium;
    browserEncrypted(await visit('chromium', { fill: questionnaire(marker, [config.files.document]) }), marker);
  },
  async 'firefox-esr at Tor Browser "Safer" (JIT off): the same'() {
    const marker = config.markers.firefox;
    const result = await visit('firefox', { prefs: TOR_BROWSER_SAFER, fill: questionnaire(marker, [config.files.document]) });
    browserEncrypted(result, marker);
  },
  async 'chromium with JavaScript disabled: the server encrypts'() {
    const marker = config.markers.noScript;
    const result = await visit('chromium', { javaScript: false, fill: questionnaire(marker, [config.files.document]) });
    check(result.finishedAt === '/submit', `no confirmation: ${result.finishedAt}`);
    check(result.html.includes(config.texts.encryptedOnServer), 'the confirmation does not say the server encrypted it');
    requireOnlyOurOrigin(result.urls);
  },
  async 'chromium with JavaScript disabled: a source asks to come back, gets a receipt and opens /return with it'() {
    const marker = config.markers.returning;
    const fill = questionnaire(marker, [config.files.document]);
    const result = await visit('chromium', {
      javaScript: false,
      fill: async (page) => { await fill(page); await page.click('input[name=returning]'); },
    });
    check(result.finishedAt === '/submit', `no confirmation: ${result.finishedAt}`);
    const receipt = /<p class="receipt" lang="en">([0-9 ]{34})<\/p>/.exec(result.html)?.[1];
    check(receipt, 'the confirmation shows no receipt');
    check(result.html.includes(config.texts.receiptWarning), 'the receipt comes without its warning');
    const browser = await launch('chromium', {});
    try {
      const page = await browser.newPage();
      await page.setJavaScriptEnabled(false);
      await page.goto(`${origin}/return?lang=ko`);
      await page.type('#receipt', receipt.replaceAll(' ', '-'));
      await Promise.all([page.waitForNavigation({ timeout: 60_000 }), page.click('button[type=submit]')]);
      const html = await page.content();
      check(html.includes(config.texts.noReplies), 'the receipt did not open the case');
      check(html.includes('name="receipt"'), 'no follow-up form on the case page');
    } finally {
      await browser.close();
    }
    requireOnlyOurOrigin(result.urls);
  },
  async 'a served key that is not the one on the page: nothing is sent'() {
    const marker = config.markers.wrongKey;
    proxyState.substituteKey = readFileSync(config.files.otherKey, 'utf8');
    try {
      const result = await visit('chromium', { fill: questionnaire(marker, [config.files.document]) });
      check(result.alert && result.alert.includes(config.texts.keyMismatch), `no warning: ${JSON.stringify(result.alert || result.finishedAt)}`);
      const posts = result.requests.filter((r) => r.method === 'POST');
      check(posts.length === 0, `sent: ${posts.map((r) => r.url).join(', ')}`);
    } finally {
      proxyState.substituteKey = null;
    }
  },
  async 'an upload cut halfway resumes'() {
    const marker = config.markers.resumed;
    proxyState.cutNextResumedChunk = true;
    const result = await visit('chromium', { fill: questionnaire(marker, [config.files.large]) });
    check(proxyState.cuts === 1, 'no chunk was cut');
    browserEncrypted(result, marker);
  },
  async 'photo metadata: removed by default'() {
    const marker = config.markers.photoStripped;
    browserEncrypted(await visit('chromium', { fill: questionnaire(marker, [config.files.photo]) }), marker);
  },
  async 'MP4, QuickTime, HEIC and JPEG metadata: kept when the source chooses'() {
    const marker = config.markers.keptChromium;
    const result = await visit('chromium', { fill: questionnaire(marker, config.files.kept, { keepMetadata: true }) });
    browserEncrypted(result, marker);
  },
  async 'MP4, QuickTime, HEIC and JPEG metadata: kept in firefox-esr at Tor Browser "Safer" when the source chooses'() {
    const marker = config.markers.keptFirefox;
    const fill = questionnaire(marker, config.files.kept, { keepMetadata: true });
    browserEncrypted(await visit('firefox', { prefs: TOR_BROWSER_SAFER, fill }), marker);
  },
  async 'video and HEIC metadata: removed in Chromium'() {
    const marker = config.markers.mediaChromium;
    const fill = questionnaire(marker, [config.files.video, config.files.heic]);
    browserEncrypted(await visit('chromium', { fill }), marker);
  },
  async 'video and HEIC metadata: removed in firefox-esr at Tor Browser "Safer"'() {
    const marker = config.markers.mediaFirefox;
    const fill = questionnaire(marker, [config.files.video, config.files.heic]);
    browserEncrypted(await visit('firefox', { prefs: TOR_BROWSER_SAFER, fill }), marker);
  },
  async 'video and HEIC metadata: removed by the server with JavaScript disabled'() {
    const marker = config.markers.mediaNoScript;
    const fill = questionnaire(marker, [config.files.video, config.files.heic]);
    const result = await visit('chromium', { javaScript: false, fill });
    check(result.finishedAt === '/submit', `no confirmation: ${result.finishedAt}`);
  },
  async 'MP4, QuickTime, HEIC and JPEG metadata: kept by the server with JavaScript disabled when the source chooses'() {
    const marker = config.markers.keptNoScript;
    const fill = questionnaire(marker, config.files.kept, { keepMetadata: true });
    const result = await visit('chromium', { javaScript: false, fill });
    check(result.finishedAt === '/submit', `no confirmation: ${result.finishedAt}`);
  },
};

const { proxy, state: proxyState } = await startProxy(config.serverPort);
const origin = `http://127.0.0.1:${proxy.address().port}`;
const results = [];
for (const [name, run] of Object.entries(cases)) {
  const started = Date.now();
  try {
    await run();
    results.push({ name, passed: true, millis: Date.now() - started });
    console.log(`ok ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, passed: false, millis: Date.now() - started, problem: String(error?.stack || error) });
    console.log(`FAILED ${name} (${Date.now() - started} ms): ${error?.stack || error}`);
  }
}
proxy.close();
writeFileSync(config.resultsFile, JSON.stringify(results, null, 2));
const failed = results.filter((r) => !r.passed).length;
console.log(`browsers: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
