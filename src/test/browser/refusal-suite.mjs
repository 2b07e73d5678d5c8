// A JavaScript-off submission with a file over the limit, in Debian's Chromium and in Firefox ESR with Tor Browser's
// "Safer" preferences: the browser must show the localized refusal page, not a connection reset. The browsers talk to
// the intake server directly (a proxy would read the whole body itself and hide the reset). RefusedUploadBrowserTest
// starts the server with small limits, writes the config and checks the results.
//
// usage: node refusal-suite.mjs CONFIG.json   (results go to config.resultsFile)

import { readFileSync, writeFileSync } from 'node:fs';
import { TOR_BROWSER_SAFER, launch } from './browsers.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const origin = `http://127.0.0.1:${config.serverPort}`;

/** Fills the form with one file, submits it with JavaScript off and returns the page the browser ends on. */
async function submitWithJavaScriptOff(browserName, file) {
  const browser = await launch(browserName, {
    // Firefox: Tor Browser's "Safest" level turns JavaScript off entirely; here the preference does it.
    prefs: { ...TOR_BROWSER_SAFER, 'javascript.enabled': false },
  });
  try {
    const page = await browser.newPage();
    if (browserName === 'chromium') await page.setJavaScriptEnabled(false);
    await page.goto(`${origin}/form?lang=ko`);
    await page.type('#q-testimony', '벌목장에서 도망쳤습니다.');
    await (await page.$('input[type=file]')).uploadFile(file);
    // The keyboard, not a click: Firefox with JavaScript off ignores puppeteer's synthesized clicks.
    await page.focus('button[type=submit]');
    await page.keyboard.press('Enter');
    const shown = await pageAfterSubmitting(page, `${origin}/form?lang=ko`);
    return { url: page.url(), html: shown };
  } finally {
    await browser.close();
  }
}

/** Waits until the browser left the form for a page (the answer, or its own error page) and returns its HTML. */
async function pageAfterSubmitting(page, formUrl) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (page.url() !== formUrl) {
      const html = await page.content().catch(() => '');
      if (html.includes('</h1>') || /^(about|chrome-error):/.test(page.url())) return html;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the browser showed no page within 90 s of submitting');
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const results = [];
for (const browserName of ['chromium', 'firefox']) {
  for (const [what, upload] of Object.entries(config.uploads)) {
    const name = `${browserName}: ${what}`;
    const started = Date.now();
    try {
      const shown = await submitWithJavaScriptOff(browserName, upload.file);
      const excerpt = shown.html.replace(/\s+/g, ' ').slice(0, 400);
      check(shown.html.includes(config.texts.refusedTitle),
        `not the refusal page but ${shown.url}: ${excerpt}`);
      check(shown.html.includes(upload.reason), `not the reason "${upload.reason}": ${excerpt}`);
      results.push({ name, passed: true, millis: Date.now() - started });
      console.log(`ok ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      results.push({ name, passed: false, millis: Date.now() - started, problem: String(error?.stack || error) });
      console.log(`FAILED ${name} (${Date.now() - started} ms): ${error?.stack || error}`);
    }
  }
}
writeFileSync(config.resultsFile, JSON.stringify(results, null, 2));
const failed = results.filter((r) => !r.passed).length;
console.log(`refusals in browsers: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
