// Issue 13's phone and accessibility checks in real browsers: every source page, in every language, with JavaScript
// on and off (off: every script request refused, so the page is what a browser without JavaScript shows, while axe
// can still run in it), in a 360 x 740 touch viewport (Chromium device emulation; Firefox ESR with a window of that size). On
// each page axe-core must find no WCAG 2.2 AA violation, nothing may scroll sideways (the full-page screenshot is
// exactly the viewport wide), every tap target is at least 44 x 44 px, and the quick-exit button stays on screen
// after scrolling to the bottom. The received and refusal pages are reached as a source reaches them: by tapping
// through the form. In Chromium the Korean page's text must be drawn by a font that has Hangul (no missing glyphs).
//
// usage: node mobile-suite.mjs CONFIG.json   (written by MobileAccessibilityTest: origin, resultsFile)

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { launch } from './browsers.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const PHONE = { width: 360, height: 740 };
const MIN_TARGET = 44;
const LANGUAGES = ['ko', 'en', 'ru'];
/** A video the server cannot read to clean it: the refusal a phone's broken recording gets. */
const TRUNCATED_VIDEO = fileURLToPath(new URL('../resources/media/truncated.mp4', import.meta.url));

/** The pages a source can see, each reached by `open` on a fresh page; the problems found on it are returned. */
const PAGES = {
  landing: { javaScript: [true, false], open: (page, language) => page.goto(`${config.origin}/?lang=${language}`) },
  form: { javaScript: [true, false], open: (page, language) => page.goto(`${config.origin}/form?lang=${language}`) },
  'not found': { javaScript: [true, false], open: (page, language) => page.goto(`${config.origin}/nowhere?lang=${language}`) },
  received: {
    javaScript: [false],
    arrived: () => location.pathname === '/submit' && !document.querySelector('.problem'),
    async open(page, language) {
      await openForm(page, language);
      await tapAndType(page, '#q-testimony', 'Mobile accessibility check');
      await tapAndWait(page, 'button[type=submit]');
    },
  },
  'refused: no testimony': {
    javaScript: [false],
    arrived: () => document.querySelector('.problem') !== null,
    async open(page, language) {
      await openForm(page, language);
      await page.$eval('#q-testimony', (field) => field.removeAttribute('required')); // what an old browser sends
      await tapAndWait(page, 'button[type=submit]');
    },
  },
  'refused: form expired': {
    javaScript: [false],
    arrived: () => document.querySelector('.problem') !== null && document.querySelector('main a.button') !== null,
    async open(page, language) {
      await openForm(page, language);
      await page.$eval('input[name=form-token]', (token) => { token.value = 'expired'; });
      await tapAndType(page, '#q-testimony', 'Mobile accessibility check');
      await tapAndWait(page, 'button[type=submit]');
    },
  },
  'refused: unreadable video': {
    javaScript: [false],
    arrived: () => document.querySelector('.problem') !== null,
    async open(page, language) {
      await openForm(page, language);
      await tapAndType(page, '#q-testimony', 'Mobile accessibility check');
      await (await page.$('input[type=file]')).uploadFile(TRUNCATED_VIDEO);
      await tapAndWait(page, 'button[type=submit]');
    },
  },
};

async function openForm(page, language) {
  await page.goto(`${config.origin}/form?lang=${language}`);
}

/** Scrolls the element into view and taps it, as a finger would; falls back to a click where touch is missing. */
async function tap(page, selector) {
  const element = await page.waitForSelector(selector);
  await element.scrollIntoView();
  try {
    await element.tap();
  } catch (error) {
    if (!/not supported|not implemented/i.test(String(error))) throw error;
    await element.click();
  }
}

async function tapAndType(page, selector, text) {
  await tap(page, selector);
  await page.keyboard.type(text);
}

async function tapAndWait(page, selector) {
  await Promise.all([page.waitForNavigation(), tap(page, selector)]);
}

/** What is wrong with the page on screen, as sentences; empty if nothing. */
async function problemsOf(page, browserName, language) {
  const problems = [];
  const lang = await page.$eval('html', (html) => html.lang);
  if (lang !== language) problems.push(`<html lang="${lang}">`);

  await page.evaluate(axeSource);
  const violations = await page.evaluate(async (tags) => {
    const results = await globalThis.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  }, WCAG_22_AA);
  problems.push(...violations.map((v) => `axe ${v}`));

  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  if (widths.scroll > widths.client) problems.push(`scrolls sideways: ${widths.scroll} px wide in ${widths.client} px`);
  const screenshot = await page.screenshot({ fullPage: true });
  const shotWidth = screenshot.readUInt32BE(16); // PNG IHDR width; the viewport less a scroll bar if one is drawn
  if (shotWidth !== widths.client) problems.push(`full-page screenshot is ${shotWidth} px wide, not ${widths.client}`);

  const small = await page.evaluate((min) => {
    const targets = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), textarea, summary')];
    return targets.flatMap((element) => {
      if (element.closest('[hidden]') || element.getClientRects().length === 0) return [];
      const box = (element.closest('label') || element).getBoundingClientRect(); // a label's whole box is its tap target
      return box.width >= min && box.height >= min ? []
        : [`${element.outerHTML.slice(0, 60)}: ${Math.round(box.width)} x ${Math.round(box.height)}`];
    });
  }, MIN_TARGET);
  problems.push(...small.map((s) => `tap target under ${MIN_TARGET} px: ${s}`));

  const exit = await page.evaluate(() => {
    scrollTo(0, document.documentElement.scrollHeight);
    const box = document.querySelector('.quick-exit').getBoundingClientRect();
    return { top: box.top, bottom: box.bottom, height: innerHeight };
  });
  if (exit.top < 0 || exit.bottom > exit.height) problems.push('the quick-exit button is off screen at the bottom of the page');

  if (browserName === 'chromium' && language === 'ko') problems.push(...await hangulWithoutFont(page));
  return problems;
}

/** Text nodes with Hangul drawn by fonts that have no Hangul, by Chromium's own account of the fonts it used. */
async function hangulWithoutFont(page) {
  const session = await page.createCDPSession();
  try {
    await session.send('DOM.enable');
    await session.send('CSS.enable');
    const { root } = await session.send('DOM.getDocument', { depth: -1 });
    const problems = [];
    let measured = 0;
    const visit = async (node) => {
      if (node.localName === 'head') return;
      if (node.nodeType === 1 && /[\uac00-\ud7a3]/.test(await textOf(session, node)) && node.children?.some((c) => c.nodeType === 3)) {
        const { fonts } = await session.send('CSS.getPlatformFontsForNode', { nodeId: node.nodeId });
        if (fonts.length) measured++;
        const without = fonts.filter((font) => !/CJK|KR|Korean|Gothic|Nanum/i.test(font.familyName) && font.glyphCount > 0 && !font.isCustomFont);
        // A Latin font may draw the spaces and digits; what counts is that a Hangul font drew something here.
        if (fonts.length && !fonts.some((font) => /CJK|KR|Korean|Gothic|Nanum/i.test(font.familyName))) {
          problems.push(`Hangul in <${node.localName}> drawn without a Korean font: ${without.map((f) => f.familyName).join(', ')}`);
        }
      }
      for (const child of node.children || []) await visit(child);
    };
    await visit(root);
    return measured ? problems : ['no Hangul text on the page was measured'];
  } finally {
    await session.detach();
  }
}

async function textOf(session, node) {
  return (node.children || []).filter((c) => c.nodeType === 3).map((c) => c.nodeValue).join('');
}

async function refuseScripts(page) {
  await page.setRequestInterception(true);
  page.on('request', (request) => (/\.m?js(\?|$)/.test(new URL(request.url()).pathname)
    ? request.abort() : request.continue()));
}

async function checkBrowser(browserName) {
  const results = [];
  for (const javaScript of [true, false]) {
    const browser = await launch(browserName, { extraArgs: [`--window-size=${PHONE.width},${PHONE.height}`] });
    try {
      for (const [name, { javaScript: modes, open, arrived = () => true }] of Object.entries(PAGES)) {
        if (!modes.includes(javaScript)) continue;
        for (const language of LANGUAGES) {
          const label = `${browserName}, JavaScript ${javaScript ? 'on' : 'off'}, ${language}: ${name}`;
          const started = Date.now();
          const page = await browser.newPage();
          try {
            await page.setViewport({ ...PHONE, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
            if (!javaScript) await refuseScripts(page);
            await open(page, language);
            const problems = await page.evaluate(arrived) ? await problemsOf(page, browserName, language)
              : [`not the ${name} page: ${page.url()}`];
            results.push({ name: label, passed: problems.length === 0, millis: Date.now() - started, problem: problems.join('\n  ') });
          } catch (error) {
            results.push({ name: label, passed: false, millis: Date.now() - started, problem: String(error?.stack || error) });
          } finally {
            await page.close();
          }
          const last = results[results.length - 1];
          console.log(`${last.passed ? 'ok' : 'FAILED'} ${label} (${last.millis} ms)${last.passed ? '' : `\n  ${last.problem}`}`);
        }
      }
    } finally {
      await browser.close();
    }
  }
  return results;
}

const results = [];
for (const browserName of config.browsers) results.push(...await checkBrowser(browserName));
writeFileSync(config.resultsFile, JSON.stringify(results, null, 2));
const failed = results.filter((r) => !r.passed).length;
console.log(`mobile: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
