// Issue 9 with JavaScript on, in Firefox ESR at Tor Browser's "Safer" level: a source ticks "I want to come back",
// sends a testimony with a file (encrypted in the browser), and the confirmation shows the receipt. Then, with that
// receipt, on /return, the source reads the office's reply and adds a follow-up with a file. ReturningEndToEndTest
// runs this script once per step (config.step), doing the office's part in between.
//
// usage: node returning-suite.mjs CONFIG.json   (origin, step, resultsFile, marker, file, receipt, replyMarker)

import { readFileSync, writeFileSync } from 'node:fs';
import { TOR_BROWSER_SAFER, launch } from './browsers.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const RECEIPT = /<p class="receipt" lang="en">([0-9 ]{34})<\/p>/;

async function inFirefox(use) {
  const browser = await launch('firefox', { prefs: TOR_BROWSER_SAFER });
  try {
    return await use(await browser.newPage());
  } finally {
    await browser.close();
  }
}

async function submitAndWait(page) {
  await Promise.all([page.waitForNavigation({ timeout: 120_000 }), page.click('button[type=submit]')]);
  return page.content();
}

const steps = {
  async first() {
    return inFirefox(async (page) => {
      await page.goto(`${config.origin}/form?lang=ko`);
      await page.type('#q-testimony', `TEST-ONLY 벌목장 ${config.marker}`);
      await (await page.$('input[type=file]')).uploadFile(config.file);
      await page.click('input[name=returning]');
      const html = await submitAndWait(page);
      if (!page.url().includes('/api/submissions/uploaded')) throw new Error(`not sent by the script: ${page.url()}`);
      const receipt = RECEIPT.exec(html)?.[1];
      if (!receipt) throw new Error(`no receipt on the confirmation: ${html.slice(0, 2000)}`);
      return { receipt };
    });
  },
  async followUp() {
    return inFirefox(async (page) => {
      await page.goto(`${config.origin}/return?lang=ko`);
      await page.type('#receipt', config.receipt);
      const started = Date.now();
      const html = await submitAndWait(page);
      const returnMillis = Date.now() - started;
      if (!html.includes(config.replyMarkerHtml)) throw new Error('the reply is not on the case page');
      await page.type('#q-testimony', `TEST-ONLY 덧붙임 ${config.marker}`);
      await (await page.$('input[type=file]')).uploadFile(config.file);
      const received = await submitAndWait(page);
      if (!received.includes(config.followUpText)) throw new Error('the follow-up was not confirmed');
      return { returnMillis };
    });
  },
};

const results = [];
try {
  const outcome = await steps[config.step]();
  results.push({ name: config.step, passed: true, ...outcome });
  console.log(`ok ${config.step} ${JSON.stringify({ ...outcome, receipt: undefined })}`);
} catch (error) {
  results.push({ name: config.step, passed: false, problem: String(error?.stack || error) });
  console.log(`FAILED ${config.step}: ${error?.stack || error}`);
}
writeFileSync(config.resultsFile, JSON.stringify(results));
process.exit(results[0].passed ? 0 : 1);
