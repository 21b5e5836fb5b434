// Debian's Chromium driven by playwright-core (no downloaded browser), with a stand-in
// polkadot.js extension: `window.injectedWeb3['olc-test-signer']` offers dev accounts, and its
// signer calls back into the test, which signs with the dev keyring (or refuses when told to).
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OUT_DIR } from './node.mjs';

/** Debian's chromium binary (/usr/bin/chromium is a wrapper script around it). */
export const CHROMIUM =
  process.env.OLC_CHROMIUM ??
  ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((path) => existsSync(path));

export const SHOTS_DIR = join(OUT_DIR, 'web');

export function launchBrowser() {
  if (!CHROMIUM)
    throw new Error("chromium is not installed (scripts/setup.sh installs Debian's chromium)");
  mkdirSync(SHOTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--autoplay-policy=no-user-gesture-required',
      '--disable-gpu',
      '--mute-audio',
    ],
  });
}

/** Whether `url` stays on this machine (loopback, or in-page data:/blob:). */
export function isLocal(url) {
  if (/^(data|blob|about|chrome-error):/.test(url)) return true;
  try {
    const { hostname } = new URL(url);
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
}

/**
 * A browser context ("a person") whose extension offers `pairs` (keyring pairs signed with
 * `api`'s registry). Returns { context, page, signer: { refuse, requests }, offLoopback }:
 * `signer.refuse = true` makes the extension refuse; `signer.requests` counts signature
 * requests; `offLoopback` collects every request URL that left loopback.
 */
export async function person(browser, api, pairs, { reducedMotion = 'no-preference' } = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    reducedMotion,
    acceptDownloads: true,
  });
  const signer = { refuse: false, requests: 0 };
  const offLoopback = [];
  context.on('request', (request) => {
    if (!isLocal(request.url())) offLoopback.push(request.url());
  });
  context.on('websocket', (ws) => {
    if (!isLocal(ws.url().replace(/^ws/, 'http'))) offLoopback.push(ws.url());
  });
  await context.exposeBinding('__olcTestSign', async (_source, payload) => {
    signer.requests += 1;
    if (signer.refuse) throw new Error('Cancelled by the user');
    const pair = pairs.find((p) => p.address === payload.address);
    if (!pair) throw new Error(`no key for ${payload.address}`);
    const extrinsicPayload = api.registry.createType('ExtrinsicPayload', payload, {
      version: payload.version,
    });
    return { id: signer.requests, signature: extrinsicPayload.sign(pair).signature };
  });
  const accounts = pairs.map((pair) => ({
    address: pair.address,
    name: pair.meta?.name ?? '',
    type: 'sr25519',
  }));
  await context.addInitScript((offered) => {
    window.injectedWeb3 = {
      'olc-test-signer': {
        version: '0.0.1',
        enable: async () => ({
          accounts: {
            get: async () => offered,
            subscribe: (cb) => {
              cb(offered);
              return () => {};
            },
          },
          signer: {
            signPayload: (payload) => window.__olcTestSign(payload),
            signRaw: async () => {
              throw new Error('Cancelled by the user');
            },
          },
        }),
      },
    };
  }, accounts);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
  return { context, page, signer, offLoopback };
}

/** Saves a screenshot of `page` as tests/out/web/<name>.png. */
export const shot = (page, name) =>
  page.screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true });
