// Debian's Chromium and Firefox ESR as the browser tests and the benchmark launch them: fresh profiles (puppeteer
// makes a new one per launch), no background networking, nothing downloaded.

import puppeteer from 'puppeteer-core';

/**
 * What Tor Browser sets at its "Safer" security level: the JavaScript JITs, asm.js, WebAssembly and MathML off,
 * Graphite and SVG-in-OpenType fonts off; and resistFingerprinting, on at every level.
 */
export const TOR_BROWSER_SAFER = {
  'javascript.options.ion': false,
  'javascript.options.baselinejit': false,
  'javascript.options.native_regexp': false,
  'javascript.options.asmjs': false,
  'javascript.options.wasm': false,
  'mathml.disabled': true,
  'gfx.font_rendering.graphite.enabled': false,
  'gfx.font_rendering.opentype_svg.enabled': false,
  'privacy.resistFingerprinting': true,
};

/** Added to puppeteer's own Firefox preferences, which already turn off updates, telemetry and safe browsing. */
const QUIET_FIREFOX = {
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'browser.safebrowsing.downloads.remote.enabled': false,
  'extensions.update.enabled': false,
  'app.normandy.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
};

/** --no-sandbox because tests and CI run as root. */
const QUIET_CHROMIUM = ['--no-sandbox', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-gpu', '--disable-domain-reliability',
  '--disable-features=OptimizationHints,MediaRouter,Translate'];

/**
 * 'chromium' or 'firefox'; prefs are Firefox preferences, extraArgs Chromium switches, protocolTimeout how long (ms)
 * one call into the page may take (puppeteer's default, 180 s, is too short for slow benchmarks).
 */
export function launch(browser, { prefs = {}, extraArgs = [], protocolTimeout = 180_000 } = {}) {
  return browser === 'firefox'
    ? puppeteer.launch({
      browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true, protocolTimeout,
      extraPrefsFirefox: { ...QUIET_FIREFOX, ...prefs },
    })
    : puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, protocolTimeout,
      args: [...QUIET_CHROMIUM, ...extraArgs] });
}
