// End to end in a real browser: the OpenLive web app (web/) in Debian's Chromium, driven by
// playwright-core, against a real `olc-node --dev` (Alice), a transcoder worker node (Charlie,
// `olc-node --transcoder`, which also serves the pages), and a test-pattern broadcast from Bob.
// Each person is a browser context with a stand-in polkadot.js extension whose signer calls back
// into the test (dev keyring; it can be told to refuse). Every check saves screenshots under
// tests/out/web/. One chain for all checks; the checks wait on events, not on sleeps.
//
// People: A (Ferdie, also offered Bob's account to see the own-stream rule), B (a viewer without
// a wallet), S (Dave in the studio), O (the OBS overlay of Dave's stream, from a static host).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { startNode, connect, waitFor, freePort, sleep, ALICE_NODE_KEY } from './lib/node.mjs';
import { rpcCall, providerOf } from './lib/rpc.mjs';
import {
  startBroadcast,
  startWorkerNode,
  TEST_PROFILES as PROFILES,
  TEST_SOURCE as SOURCE,
} from './lib/transcoder.mjs';
import { UNIT, submitOk } from './lib/chain.mjs';
import { launchBrowser, person, shot, SHOTS_DIR } from './lib/browser.mjs';
import { subscribeChat } from '../web/src/chat.js';

const here = dirname(fileURLToPath(import.meta.url));
const DIST = join(here, '..', 'web', 'dist');
const PRICE = 1_000_000n;
const MAINTAINERS = 13;

let alice;
let api;
let keys;
let charlie; // { node, port, basePath, url, ports }
let broadcast;
let browser;
let streamId;
let staticHost;
let maintainersReady;
const people = {};
const started = Date.now();
const stage = (what) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${what}`);
const rpc = (method, ...params) => rpcCall(api, method, ...params);
const ok = (tx, signer, options) => submitOk(api, tx, signer, options);
const finalizedNumber = async () =>
  (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();

/** A static file server for web/dist/ (the "any static host" case). */
function serveStatic(root) {
  const types = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript',
    '.css': 'text/css',
  };
  const server = createServer((request, response) => {
    const path = join(root, decodeURIComponent(new URL(request.url, 'http://x').pathname));
    if (!path.startsWith(root) || !existsSync(path)) {
      response.writeHead(404).end();
      return;
    }
    response
      .writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' })
      .end(readFileSync(path));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        close: () => server.close(),
      }),
    ),
  );
}

/** The page URL on the transcoder (or, with OLC_WEB_STATIC=1, on the static host). */
function pageUrl(page, params) {
  const query = new URLSearchParams({ ...params, rpc: alice.wsUrl });
  return process.env.OLC_WEB_STATIC
    ? `${staticHost.url}/${page}.html?${query}`
    : `${charlie.url}/${page}?${query}`;
}

async function startCharlie() {
  charlie.node = await startWorkerNode('Charlie', {
    alice,
    port: charlie.port,
    basePath: charlie.basePath,
    ports: charlie.ports,
    log: 'web-worker-charlie',
  });
  charlie.ports = {
    rpcPort: charlie.node.rpcPort,
    p2pPort: charlie.node.p2pPort,
    prometheusPort: charlie.node.prometheusPort,
  };
}

/** Funds 13 maintainers and lets them join; resolves once they are full (after probation). */
async function prepareMaintainers(keyring) {
  const maintainers = Array.from({ length: MAINTAINERS }, (_, i) =>
    keyring.addFromUri(`//WebMaintainer${i + 1}`),
  );
  const first = (await api.rpc.system.accountNextIndex(keys.alice.address)).toNumber();
  await Promise.all(
    maintainers.map((m, i) =>
      ok(api.tx.balances.transferKeepAlive(m.address, 20_000n * UNIT), keys.alice, {
        nonce: first + i,
      }),
    ),
  );
  await Promise.all(maintainers.map((m) => ok(api.tx.reporting.joinMaintainers(), m)));
  await waitFor(
    '13 full maintainers',
    async () => (await rpc('reporting_fullMaintainers')).length >= MAINTAINERS,
    120_000,
  );
}

before(async () => {
  alice = await startNode('web-alice', ['--dev', '--tmp', '--node-key', ALICE_NODE_KEY]);
  api = await connect(alice);
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  keys = Object.fromEntries(
    ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((name) => [
      name.toLowerCase(),
      keyring.addFromUri(`//${name}`, { name }),
    ]),
  );
  const port = await freePort();
  charlie = {
    port,
    basePath: mkdtempSync(join(tmpdir(), 'olc-web-charlie-')),
    url: `http://127.0.0.1:${port}`,
    ports: {},
  };
  await startCharlie();
  staticHost = await serveStatic(DIST);
  // Charlie registers as the only transcoder; maintainers join meanwhile (probation: 20 s).
  await ok(api.tx.stakingDelegation.bond(2_000n * UNIT, keys.charlie.address), keys.charlie);
  await ok(
    api.tx.stakingDelegation.registerTranscoder(100_000_000, 0, PRICE, charlie.url),
    keys.charlie,
  );
  maintainersReady = prepareMaintainers(keyring);
  maintainersReady.catch(() => {});
  await waitFor(
    'Charlie active',
    async () => (await rpc('stakingDelegation_activeSet')).length === 1,
    60_000,
  );
  const created = await ok(
    api.tx.jobs.createStream('小明的直播 · web test', keys.bob.publicKey),
    keys.bob,
  );
  streamId = created.events
    .find(({ event }) => api.events.jobs.StreamCreated.is(event))
    .event.data.streamId.toHex();
  await ok(api.tx.jobs.createJob(streamId, PROFILES, PRICE, 1n * UNIT), keys.bob);
  await waitFor(
    "the job's assignment",
    async () => (await rpc('jobs_openJobsOfStream', streamId)).some((j) => j.assignment),
    60_000,
  );
  broadcast = startBroadcast('web-broadcast', [
    '--input',
    SOURCE,
    '--seed',
    '//Bob',
    '--stream-id',
    streamId,
    '--rpc',
    alice.wsUrl,
    '--segments',
    '1500',
    '--realtime',
  ]);
  browser = await launchBrowser();
  people.a = await person(browser, api, [keys.ferdie, keys.bob]);
  // B reads Chinese and prefers reduced motion.
  people.b = await person(browser, api, [], { reducedMotion: 'reduce' });
  stage('chain, transcoder, broadcast and browser up');
});

after(async () => {
  await browser?.close();
  broadcast?.stop();
  staticHost?.close();
  await charlie?.node?.stop();
  if (charlie) rmSync(charlie.basePath, { recursive: true, force: true });
  await api?.disconnect();
  await alice?.stop();
});

/**
 * Samples `probe()` (what a page shows) and then the finalized head, every 50 ms until block
 * `number` is final. Fails if a sample taken while `number` was not yet final (by the chain's own
 * later reading) broke `allowedBeforeFinality(shown)`; returns how many such samples there were,
 * so a caller can tell the check was not vacuous.
 */
async function watchUntilFinal(number, probe, allowedBeforeFinality, what) {
  let before = 0;
  for (;;) {
    const shown = await probe();
    const finalized = await finalizedNumber();
    if (finalized >= number) return before;
    before += 1;
    assert.ok(
      allowedBeforeFinality(shown),
      `${what}: ${JSON.stringify(shown)} while block #${number} is not final (head #${finalized})`,
    );
    await sleep(50);
  }
}

/** Resolves once the page's video has played a frame; returns the time it took from `since`. */
async function firstFrame(page, since) {
  await page.waitForFunction(
    () => {
      const video = document.querySelector('[data-testid="player"]');
      return video && video.readyState >= 2 && video.currentTime > 0;
    },
    null,
    { timeout: 30_000, polling: 100 },
  );
  return Date.now() - since;
}

test('the viewer page plays: first frame and latency readout within 10 s, a manual quality switch', async () => {
  const { a, b } = people;
  const url = pageUrl('watch', { stream: streamId });
  // The first segments must exist before a first-frame time means anything.
  await waitFor(
    'the first HLS segments',
    async () => {
      const response = await fetch(
        `${charlie.url}/hls/${streamId}/${PROFILES[1].name}/index.m3u8`,
      ).catch(() => null);
      return response?.ok && ((await response.text()).match(/\.ts/g) ?? []).length >= 2;
    },
    60_000,
  );
  const opened = Date.now();
  await a.page.goto(url);
  const frameMs = await firstFrame(a.page, opened);
  await a.page.waitForFunction(
    () => Number(document.querySelector('[data-testid="latency"]').dataset.seconds) >= 0,
    null,
    { timeout: 10_000, polling: 100 },
  );
  const readoutMs = Date.now() - opened;
  const latency = Number(await a.page.getAttribute('[data-testid="latency"]', 'data-seconds'));
  stage(`first frame after ${frameMs} ms, latency readout after ${readoutMs} ms: ${latency} s`);
  assert.ok(frameMs <= 10_000, `first frame after ${frameMs} ms`);
  assert.ok(
    readoutMs <= 10_000 && latency <= 10,
    `latency ${latency} s, shown after ${readoutMs} ms`,
  );
  await assert.doesNotReject(a.page.waitForSelector('text=小明的直播 · web test'));
  await shot(a.page, '01-watch-playing');

  // The menu offers Auto and the job's renditions; choosing 144p switches the picture to 144 lines.
  const options = await a.page.$$eval('[data-testid="quality"] option', (els) =>
    els.map((el) => el.textContent),
  );
  assert.deepEqual(options.sort(), ['144p', '288p', 'Auto'].sort());
  const index = await a.page.$eval(
    '[data-testid="quality"]',
    (el) => [...el.options].find((o) => o.textContent === '144p').value,
  );
  await a.page.selectOption('[data-testid="quality"]', index);
  await a.page.waitForFunction(
    () => document.querySelector('[data-testid="player"]').videoHeight === 144,
    null,
    { timeout: 20_000 },
  );
  assert.equal(await a.page.getAttribute('#player', 'data-rendition'), '144p');
  await shot(a.page, '02-watch-quality-144p');

  await b.page.goto(`${url}&lang=zh-CN`);
  await firstFrame(b.page, Date.now());
  assert.equal(await b.page.textContent('[data-testid="tip-send"]'), '打赏');
  await shot(b.page, '03-viewer-b-playing');
});

test('A tips 5 OLC with gift 3 as 小明: pending, then final; B sees the effect only at finality; verify', async () => {
  const { a, b } = people;
  await a.page.click('[data-testid="wallet-connect"]');
  await a.page.waitForSelector('[data-testid="wallet-account"]:not([hidden])');
  await a.page.selectOption('[data-testid="tip-gift"]', '3');
  await a.page.fill('[data-testid="tip-amount"]', '5');
  await a.page.fill('[data-testid="tip-nickname"]', '小明');
  await a.page.fill('[data-testid="tip-message"]', '加油！great stream');
  await a.page.waitForFunction(
    () => /\d/.test(document.querySelector('[data-testid="tip-fee"]').textContent),
    null,
    { timeout: 20_000 },
  );
  const fee = await a.page.textContent('[data-testid="tip-fee"]');
  assert.match(fee, /fee ≈ 0\.\d+ OLC/);
  await shot(a.page, '04-tip-form-fee');

  const requestsBefore = a.signer.requests;
  const sent = Date.now();
  await a.page.click('[data-testid="tip-send"]');
  await a.page.waitForFunction(
    () => document.querySelector('[data-testid="tip-status"]').dataset.kind === 'pending',
    null,
    { timeout: 10_000, polling: 50 },
  );
  const pendingMs = Date.now() - sent;
  const pendingText = await a.page.textContent('[data-testid="tip-status"]');
  const block = Number(/pending · block #(\d+)/.exec(pendingText)[1]);
  // Nothing on B's screen while the block is not final.
  const [samples] = await Promise.all([
    watchUntilFinal(
      block,
      () => b.page.$$eval('[data-testid="gift-effect"]', (els) => els.length),
      (count) => count === 0,
      "B's effects",
    ),
    shot(a.page, '05-tip-pending'),
  ]);
  stage(
    `pending in block #${block} after ${pendingMs} ms; B showed no effect in ${samples} samples before finality`,
  );
  assert.ok(samples >= 1, 'B was watched before finality');
  assert.equal(a.signer.requests, requestsBefore + 1);
  assert.ok(pendingMs <= 4_000, `pending after ${pendingMs} ms (one 2 s block plus signing)`);

  await a.page.waitForFunction(
    () => document.querySelector('[data-testid="tip-status"]').dataset.kind === 'final',
    null,
    { timeout: 20_000, polling: 50 },
  );
  assert.match(
    await a.page.textContent('[data-testid="tip-status"]'),
    new RegExp(`final · block #${block}`),
  );
  await shot(a.page, '06-tip-final');

  await b.page.waitForSelector('[data-testid="gift-effect"]:has-text("小明")', { timeout: 20_000 });
  assert.ok((await finalizedNumber()) >= block, 'the effect appeared after finality');
  const effect = b.page.locator('[data-testid="gift-effect"]', { hasText: '小明' });
  assert.match(await effect.textContent(), /5 OLC/);
  assert.equal(await effect.getAttribute('data-block'), String(block));
  assert.match(
    await effect.getAttribute('class'),
    /\btier-3\b.*\bstill\b/,
    'gift 3 is tier 3, still for reduced motion',
  );
  await shot(b.page, '07-viewer-b-effect');

  // The broadcaster's balance rose by exactly 5 OLC in that block (Bob signs nothing on chain).
  const hash = await api.rpc.chain.getBlockHash(block);
  const parent = (await api.rpc.chain.getHeader(hash)).parentHash;
  const freeAt = async (at) =>
    (await (await api.at(at)).query.system.account(keys.bob.address)).data.free.toBigInt();
  assert.equal((await freeAt(hash)) - (await freeAt(parent)), 5n * UNIT);

  await effect.locator('[data-testid="gift-verify"]').click();
  await b.page.waitForFunction(
    () => document.querySelector('[data-testid="gift-verify"][data-verified]'),
    null,
    { timeout: 10_000 },
  );
  assert.equal(
    await effect.locator('[data-testid="gift-verify"]').getAttribute('data-verified'),
    'yes',
  );
  assert.match(
    await effect.locator('[data-testid="gift-verify"]').textContent(),
    new RegExp(`#${block}$`),
  );
  await shot(b.page, '08-viewer-b-verified');
});

test('a refused signature shows "cancelled" and sends nothing; an amount above the balance is refused before signing', async () => {
  const { a } = people;
  const nonce = (await api.rpc.system.accountNextIndex(keys.ferdie.address)).toNumber();
  a.signer.refuse = true;
  const requests = a.signer.requests;
  await a.page.fill('[data-testid="tip-amount"]', '6');
  await a.page.click('[data-testid="tip-send"]');
  await a.page.waitForFunction(
    () => document.querySelector('[data-testid="tip-status"]').dataset.kind === 'cancelled',
    null,
    { timeout: 10_000 },
  );
  assert.match(await a.page.textContent('[data-testid="tip-status"]'), /cancelled/);
  assert.equal(a.signer.requests, requests + 1, 'the extension was asked once');
  await shot(a.page, '09-tip-cancelled');
  a.signer.refuse = false;
  // Nothing reached the pool or a block: Ferdie's nonce stays while two blocks pass.
  const now = await finalizedNumber();
  await waitFor(
    'two more finalized blocks',
    async () => (await finalizedNumber()) >= now + 2,
    30_000,
  );
  assert.equal((await api.rpc.author.pendingExtrinsics()).length, 0);
  assert.equal((await api.rpc.system.accountNextIndex(keys.ferdie.address)).toNumber(), nonce);

  await a.page.fill('[data-testid="tip-amount"]', '5000000');
  await a.page.click('[data-testid="tip-send"]');
  await a.page.waitForFunction(
    () => document.querySelector('[data-testid="tip-status"]').dataset.kind === 'error',
    null,
    { timeout: 10_000 },
  );
  assert.match(
    await a.page.textContent('[data-testid="tip-status"]'),
    /Not enough OLC: the tip plus the fee is 5000000\.\d+ OLC, your spendable balance is \d+/,
  );
  assert.equal(a.signer.requests, requests + 1, 'not asked to sign');
  await shot(a.page, '10-tip-too-much');
});

test("a report carries the segment and receipt hash as evidence and is filed; one's own stream offers no report", async () => {
  const { a } = people;
  await maintainersReady;
  await a.page.waitForSelector('[data-testid="report-open"]:visible');
  await a.page.click('[data-testid="report-open"]');
  await a.page.waitForFunction(
    () =>
      /^seq=\d+ receipt=0x[0-9a-f]{64}$/.test(
        document.querySelector('[data-testid="report-evidence"]').value,
      ),
    null,
    { timeout: 10_000 },
  );
  const evidence = await a.page.inputValue('[data-testid="report-evidence"]');
  assert.match(await a.page.textContent('[data-testid="report-deposit"]'), /100 OLC/);
  await a.page.selectOption('[data-testid="report-reason"]', '2');
  await shot(a.page, '11-report-dialog');
  await a.page.click('[data-testid="report-send"]');
  await a.page.waitForFunction(
    () => document.querySelector('[data-testid="report-status"]').dataset.kind === 'final',
    null,
    { timeout: 20_000 },
  );
  const text = await a.page.textContent('[data-testid="report-status"]');
  const [, id, block] = /Report #(\d+) filed in block #(\d+)/.exec(text);
  const events = await (
    await api.at(await api.rpc.chain.getBlockHash(Number(block)))
  ).query.system.events();
  const reported = events.find(({ event }) => api.events.reporting.Reported.is(event));
  assert.ok(reported, 'reporting.Reported in the block');
  assert.equal(reported.event.data.reportId.toString(), id);
  assert.equal(reported.event.data.streamId.toHex(), streamId);
  assert.equal(reported.event.data.reason.toNumber(), 2);
  const stored = (await api.query.reporting.reports(Number(id))).unwrap();
  assert.equal(
    stored.evidence.toUtf8(),
    evidence,
    'the evidence on chain is what the page filled in',
  );
  await shot(a.page, '12-report-filed');
  await a.page.keyboard.press('Escape');

  // Bob's studio shows the report against his stream, with its evidence.
  const r = (people.r = await person(browser, api, [keys.bob]));
  await r.page.goto(pageUrl('studio', {}));
  await r.page.click('[data-testid="wallet-connect"]');
  await r.page.click(`button[data-stream-id="${streamId}"]`);
  await r.page.waitForFunction(
    (text) => document.querySelector('[data-testid="stream-report"]')?.textContent.includes(text),
    evidence,
    { timeout: 20_000 },
  );
  assert.match(
    await r.page.textContent('[data-testid="stream-report"]'),
    new RegExp(`report #${id} \\(Spam or scam\\), open`),
  );
  // The tips feed reads recent history: 小明's 5 OLC rocket, final, from before the page opened.
  const earlier = await r.page.waitForSelector(
    `[data-testid="tip-row"][data-amount="${5n * UNIT}"][data-status="final"]`,
    { timeout: 20_000 },
  );
  assert.match(await earlier.textContent(), /小明/);
  await shot(r.page, '12b-studio-report-under-review');
  await r.context.close();

  // Bob (the owner) is offered no report button.
  await a.page.selectOption('[data-testid="wallet-account"]', '1');
  await a.page.waitForFunction(() => document.querySelector('#report').dataset.own === 'yes');
  assert.equal(await a.page.isVisible('[data-testid="report-open"]'), false);
  await shot(a.page, '13-own-stream-no-report');
  await a.page.selectOption('[data-testid="wallet-account"]', '0');
});

test("chat: A enables chat once through the wallet; A's danmaku reaches B (no wallet) in the chat panel, over the video and on the overlay, with no prompt per message", async () => {
  const { a, b } = people;
  const chatState = (page, state) =>
    page.waitForFunction((s) => document.querySelector('#chat').dataset.chatState === s, state, {
      timeout: 20_000,
    });
  // B watches without a wallet: the panel asks for one; A (Ferdie connected) is offered "enable chat".
  await chatState(b.page, 'watch');
  await chatState(a.page, 'enable');
  assert.equal(await b.page.isVisible('[data-testid="chat-enable"]'), false);
  assert.equal(
    (await api.query.chat.allowances(keys.ferdie.address)).isSome,
    false,
    'Ferdie has no allowance yet',
  );
  await shot(a.page, '13c-chat-enable-offered');

  const requests = a.signer.requests;
  await a.page.click('[data-testid="chat-enable"]');
  await a.page.waitForFunction(
    () => document.querySelector('#chat').dataset.chatState === 'ready',
    null,
    { timeout: 60_000 },
  );
  assert.equal(a.signer.requests, requests + 2, 'two wallet prompts: takeAllowance and setChatKey');
  assert.equal(
    (await api.query.chat.allowances(keys.ferdie.address)).isSome,
    true,
    'Ferdie holds a chat allowance',
  );
  // The page's key (kept in A's localStorage) is the chat key authorised for Ferdie on chain.
  const chatKeys = (await api.query.chat.chatKeys.entries()).filter(([, who]) =>
    who.unwrap().eq(keys.ferdie.address),
  );
  assert.equal(chatKeys.length, 1, 'one chat key for Ferdie');
  const chatKey = chatKeys[0][0].args[0].toHex();
  const stored = await a.page.evaluate(
    (address) => localStorage.getItem(`olc.chatKey.${address}`),
    keys.ferdie.address,
  );
  assert.match(stored, /^0x[0-9a-f]{128}$/, 'the secret stays in the browser');

  // The test also listens at the node: the statement is signed by that chat key.
  const atNode = [];
  const unsubscribe = await subscribeChat(providerOf(api), streamId, (entry) => atNode.push(entry));
  // B also has the stream's OBS overlay open (danmaku only, no panel).
  const overlay = await b.context.newPage();
  await overlay.goto(pageUrl('overlay', { stream: streamId }));
  await overlay.waitForFunction(() => document.body.dataset.ready === 'yes', null, {
    timeout: 20_000,
  });
  for (const [n, text] of [
    [1, `弹幕 from A ${Date.now()}`],
    [2, 'second danmaku, still no prompt'],
  ]) {
    const inPanel = b.page.waitForSelector(`[data-testid="chat-message"]:has-text("${text}")`, {
      timeout: 15_000,
    });
    const overVideo = b.page.waitForSelector(
      `#danmaku [data-testid="danmaku"]:has-text("${text}")`,
      { timeout: 15_000 },
    );
    const sent = Date.now();
    await a.page.fill('[data-testid="chat-input"]', text);
    await a.page.click('[data-testid="chat-send"]');
    const onOverlay =
      n === 1 &&
      overlay.waitForSelector(`[data-testid="danmaku"]:has-text("${text}")`, { timeout: 15_000 });
    const [item] = await Promise.all([inPanel, overVideo, onOverlay]);
    stage(`danmaku ${n} shown in B after ${Date.now() - sent} ms`);
    assert.match(await item.textContent(), /^Ferdie /, "shown with the wallet account's name");
    if (n === 1)
      await Promise.all([
        shot(b.page, '13d-chat-danmaku-in-b'),
        shot(overlay, '13e-chat-danmaku-overlay'),
      ]);
    await a.page.waitForSelector(`[data-testid="chat-message"]:has-text("${text}")`, {
      timeout: 5_000,
    });
    await waitFor(
      'the statement at the node',
      async () => atNode.some((e) => e.message?.text === text),
      10_000,
    );
    const entry = atNode.find((e) => e.message?.text === text);
    assert.equal(entry.signer, chatKey);
    assert.deepEqual(entry.message.kind, { danmaku: { position: 'scroll', colour: 0xffffff } });
    assert.equal(entry.message.nickname, 'Ferdie');
  }
  assert.equal(a.signer.requests, requests + 2, 'sending asked the wallet nothing');
  assert.equal(
    await b.page.$$eval('[data-testid="chat-message"]', (els) => els.length),
    2,
    'each message shown once',
  );
  await overlay.close();
  await unsubscribe();
});

test("moderation: the owner mutes A from his studio's chat list; the mute is on chain; A's next message is refused and B never gets it", async () => {
  const { a, b } = people;
  // Bob (the stream's owner) opens the studio and selects the stream: its live chat, no wallet needed to read.
  // Bob's stream was reported above: his balance is frozen until the report is resolved (issue 12
  // item 7); only OLC received since is spendable, so he gets some for the fee.
  stage(
    `Bob's account before the mute: ${JSON.stringify((await api.query.system.account(keys.bob.address)).data.toHuman())}`,
  );
  await ok(api.tx.balances.transferKeepAlive(keys.bob.address, 10n * UNIT), keys.alice);
  const m = (people.m = await person(browser, api, [keys.bob]));
  await m.page.goto(pageUrl('studio', {}));
  await m.page.click('[data-testid="wallet-connect"]');
  await m.page.click(`button[data-stream-id="${streamId}"]`);
  // A's earlier danmaku are listed with a mute button for their sender (Ferdie's account, not the chat key).
  const muteButton = m.page.locator(
    `[data-testid="studio-chat-message"]:has-text("second danmaku, still no prompt") [data-testid="chat-mute"]`,
  );
  await muteButton.waitFor({ timeout: 20_000 });
  assert.ok(
    api
      .createType('AccountId', await muteButton.getAttribute('data-account'))
      .eq(keys.ferdie.address),
    'the sender is Ferdie',
  );
  assert.match(await m.page.textContent('[data-testid="muted-list"]'), /Nobody is muted/);
  await shot(m.page, '13f-studio-chat-moderation');

  const requests = m.signer.requests;
  await muteButton.click();
  await m.page
    .waitForFunction(
      () =>
        ['final', 'failed', 'cancelled'].includes(
          document.querySelector('[data-testid="mute-status"]').dataset.kind,
        ),
      null,
      { timeout: 30_000 },
    )
    .catch(async (error) => {
      await shot(m.page, '13g-studio-mute-timeout');
      throw new Error(
        `${error.message}; mute status: ${await m.page.textContent('[data-testid="mute-status"]')}, prompts ${m.signer.requests - requests}`,
      );
    });
  assert.equal(
    await m.page.getAttribute('[data-testid="mute-status"]', 'data-kind'),
    'final',
    await m.page.textContent('[data-testid="mute-status"]'),
  );
  assert.match(await m.page.textContent('[data-testid="mute-status"]'), /done · block #\d+/);
  assert.equal(m.signer.requests, requests + 1, 'one wallet prompt: Chat.mute');
  assert.equal(
    (await api.query.chat.muted(streamId, keys.ferdie.address)).isSome,
    true,
    'Chat.Muted holds Ferdie on the stream',
  );
  const muted = await m.page.waitForSelector(
    '[data-testid="muted-account"] [data-testid="chat-unmute"]',
    { timeout: 20_000 },
  );
  assert.ok(
    api
      .createType(
        'AccountId',
        await m.page.getAttribute('[data-testid="muted-account"]', 'data-account'),
      )
      .eq(keys.ferdie.address),
  );
  assert.ok(muted, 'the muted list offers unmute');
  await shot(m.page, '13g-studio-muted');

  // A's next message is refused by the node (A's page says so) and reaches neither B nor the node's store.
  const text = `muted danmaku ${Date.now()}`;
  const atNode = [];
  const unsubscribe = await subscribeChat(providerOf(api), streamId, (entry) => atNode.push(entry));
  await a.page.fill('[data-testid="chat-input"]', text);
  await a.page.click('[data-testid="chat-send"]');
  await a.page.waitForFunction(
    () => /muted/.test(document.querySelector('[data-testid="chat-note"]').textContent),
    null,
    { timeout: 15_000 },
  );
  assert.match(await a.page.textContent('[data-testid="chat-note"]'), /Not sent: muted/);
  await shot(a.page, '13h-chat-refused-muted');
  await sleep(3_000); // a few gossip rounds
  assert.equal(
    await b.page.$$eval(
      '[data-testid="chat-message"]',
      (els, t) => els.filter((el) => el.textContent.includes(t)).length,
      text,
    ),
    0,
    'B did not receive it',
  );
  assert.equal(
    await m.page.$$eval(
      '[data-testid="studio-chat-message"]',
      (els, t) => els.filter((el) => el.textContent.includes(t)).length,
      text,
    ),
    0,
    'nor the studio',
  );
  assert.equal(atNode.filter((e) => e.message?.text === text).length, 0, "nor the node's store");
  await unsubscribe();
  await shot(b.page, '13i-viewer-b-no-muted-message');

  // Unmute lifts it: Chat.Muted no longer holds Ferdie and the studio's list is empty again.
  await m.page.evaluate(() => {
    delete document.querySelector('[data-testid="mute-status"]').dataset.kind;
  });
  await m.page.click('[data-testid="chat-unmute"]');
  await m.page.waitForFunction(
    () =>
      ['final', 'failed', 'cancelled'].includes(
        document.querySelector('[data-testid="mute-status"]').dataset.kind,
      ),
    null,
    { timeout: 30_000 },
  );
  assert.equal(
    await m.page.getAttribute('[data-testid="mute-status"]', 'data-kind'),
    'final',
    await m.page.textContent('[data-testid="mute-status"]'),
  );
  assert.equal(
    (await api.query.chat.muted(streamId, keys.ferdie.address)).isSome,
    false,
    'the mute is lifted on chain',
  );
  await m.page.waitForFunction(
    () => !document.querySelector('[data-testid="muted-account"]'),
    null,
    { timeout: 20_000 },
  );
  await shot(m.page, '13j-studio-unmuted');
  await m.context.close();
});

test('the studio creates a stream and a job; its tips feed and CSV match the chain; the overlay shows only finalized tips', async () => {
  const s = (people.s = await person(browser, api, [keys.dave]));
  const o = (people.o = await person(browser, api, []));
  await s.page.goto(pageUrl('studio', {}));
  await s.page.click('[data-testid="wallet-connect"]');
  await s.page.waitForSelector('[data-testid="stream-title"]:visible');
  await s.page.fill('[data-testid="stream-title"]', 'Dave 的工作室');
  await s.page.click('[data-testid="stream-create"]');
  await s.page.waitForFunction(
    () =>
      /^0x[0-9a-f]{64}$/.test(
        document.querySelector('[data-testid="stream-id"]')?.textContent ?? '',
      ),
    null,
    { timeout: 20_000 },
  );
  const daveStream = await s.page.textContent('[data-testid="stream-id"]');
  const onChain = await rpc('jobs_stream', daveStream);
  assert.equal(onChain.title, 'Dave 的工作室');
  // The stream records the studio account's own key as its segment key (issue 12 item 8).
  const segmentKey = (await api.query.jobs.streams(daveStream)).unwrap().segmentKey.toHex();
  assert.equal(
    segmentKey,
    api.createType('AccountId', keys.dave.address).toHex(),
    "Dave's key signs the segments",
  );
  assert.ok(onChain.owner, 'owner on chain');
  await s.page.uncheck('[data-testid="profile-360p"]');
  await s.page.uncheck('[data-testid="profile-240p"]');
  await s.page.check('[data-testid="profile-144p"]');
  await s.page.click('[data-testid="job-create"]');
  await s.page.waitForFunction(
    () => document.querySelector('[data-testid="job-status"]').dataset.jobId,
    null,
    { timeout: 20_000 },
  );
  const jobId = Number(await s.page.getAttribute('[data-testid="job-status"]', 'data-job-id'));
  const job = await rpc('jobs_job', jobId);
  assert.equal(job.streamId, daveStream);
  assert.deepEqual(
    job.profiles.map((p) => p.name),
    ['144p'],
  );
  assert.match(
    await s.page.textContent('[data-testid="ingest"]'),
    new RegExp(`--stream-id ${daveStream}`),
  );
  await s.page.waitForSelector(`.job-health[data-job-id="${jobId}"]`, { timeout: 20_000 });
  await shot(s.page, '14-studio-stream-job');
  // Top up by 2 OLC: the deposit on chain grows by exactly that.
  const row = s.page.locator(`.job-health[data-job-id="${jobId}"]`);
  const actionDone = () =>
    s.page.waitForFunction(
      (id) =>
        document.querySelector(`.job-health[data-job-id="${id}"] [data-testid="job-action-status"]`)
          .dataset.kind === 'final',
      jobId,
      { timeout: 20_000 },
    );
  await row.locator('[data-testid="job-topup-amount"]').fill('2');
  await row.locator('[data-testid="job-topup"]').click();
  await actionDone();
  assert.equal(BigInt((await rpc('jobs_job', jobId)).deposit), BigInt(job.deposit) + 2n * UNIT);
  await s.page.waitForFunction(
    ([id, deposit]) =>
      document.querySelector(`.job-health[data-job-id="${id}"]`).dataset.deposit === deposit,
    [jobId, String(BigInt(job.deposit) + 2n * UNIT)],
    { timeout: 20_000 },
  );

  // The overlay of Dave's stream, from a static host (the bundle needs only ?rpc=).
  const query = new URLSearchParams({ stream: daveStream, rpc: alice.wsUrl });
  await o.page.goto(`${staticHost.url}/overlay.html?${query}`);
  await o.page.waitForFunction(() => document.body.dataset.ready === 'yes', null, {
    timeout: 20_000,
  });

  // Tips to Dave from the test: Alice (3 OLC), then Eve (3.5 OLC) and Alice again (1 OLC, the
  // same gift and nickname) in one go. At inclusion the studio lists a tip as included (not final)
  // and the overlay shows nothing of it; at finality both show it; Alice's repeat shows as ×2.
  const tips = [];
  const sendTip = (from, amount, nickname) =>
    new Promise((resolve, reject) => {
      api.tx.olcToken
        .tip(keys.dave.address, amount, 2, nickname, 'from the test')
        .signAndSend(from, ({ status, dispatchError }) => {
          if (dispatchError) reject(new Error(dispatchError.toString()));
          if (status.isInBlock) resolve({ hash: status.asInBlock.toHex(), amount, nickname });
        })
        .catch(reject);
    });
  const rounds = [
    [[keys.alice, 3n * UNIT, 'Alice 爱丽丝']],
    [
      [keys.eve, (7n * UNIT) / 2n, 'Eve'],
      [keys.alice, 1n * UNIT, 'Alice 爱丽丝'],
    ],
  ];
  for (const round of rounds) {
    const included = await Promise.all(
      round.map(([from, amount, nickname]) => sendTip(from, amount, nickname)),
    );
    for (const { hash, amount, nickname } of included) {
      const number = (await api.rpc.chain.getHeader(hash)).number.toNumber();
      const row = await s.page.waitForSelector(`[data-testid="tip-row"][data-amount="${amount}"]`, {
        timeout: 20_000,
      });
      const before = await watchUntilFinal(
        number,
        async () => ({
          row: await row.getAttribute('data-status'),
          overlay: await o.page.$$eval(
            '[data-testid="gift-effect"]',
            (els, n) => els.filter((el) => el.textContent.includes(n)).length,
            nickname,
          ),
        }),
        ({ row: status, overlay }) =>
          status === 'included' && (round !== rounds[0] || overlay === 0),
        'the studio shows it included, the overlay nothing',
      );
      if (round === rounds[0]) assert.ok(before >= 1, 'watched before finality');
      tips.push({ number, amount, nickname });
    }
    for (const { nickname } of included) {
      await o.page.waitForSelector(`[data-testid="gift-effect"]:has-text("${nickname}")`, {
        timeout: 20_000,
      });
    }
  }
  const repeat = await o.page.waitForSelector(
    '[data-testid="gift-effect"][data-count="2"]:has-text("Alice 爱丽丝")',
    { timeout: 10_000 },
  );
  assert.match(await repeat.textContent(), /4 OLC ×2/, 'a repeat adds up');
  // OBS composites the page: nothing but the effects may be opaque.
  assert.deepEqual(
    await o.page.evaluate(() =>
      [document.documentElement, document.body].map((el) => getComputedStyle(el).backgroundColor),
    ),
    ['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)'],
  );
  await o.page.screenshot({
    path: join(SHOTS_DIR, '15-overlay-finalized-tips.png'),
    omitBackground: true,
  });
  await s.page.waitForFunction(
    (count) =>
      document.querySelectorAll('[data-testid="tip-row"][data-status="final"]').length >= count,
    tips.length,
    { timeout: 20_000 },
  );
  await shot(s.page, '16-studio-tips-feed');
  const total = tips.reduce((sum, tip) => sum + tip.amount, 0n);
  assert.equal(
    await s.page.getAttribute('[data-testid="tips-total"]', 'data-total'),
    String(total),
  );
  assert.match(
    await s.page.textContent('[data-testid="leaderboard"]'),
    /Alice 爱丽丝 · 4 OLC.*Eve · 3\.5 OLC/s,
  );

  const [download] = await Promise.all([
    s.page.waitForEvent('download'),
    s.page.click('[data-testid="csv-export"]'),
  ]);
  const csv = readFileSync(await download.path(), 'utf8')
    .trim()
    .split('\n');
  assert.equal(
    csv[0],
    'block_number,block_hash,event_index,from,to,amount_planck,amount_olc,gift,nickname,message,status',
  );
  const rows = csv.slice(1).map((line) => line.split(','));
  assert.equal(rows.length, tips.length);
  for (const row of rows) {
    const [number, hash, index, , , planck, , gift, nickname, , status] = row;
    const tip = tips.find((t) => t.number === Number(number) && t.amount === BigInt(planck));
    assert.ok(tip, `CSV row ${row} is a tip the test sent`);
    assert.equal(
      hash,
      (await api.rpc.chain.getBlockHash(tip.number)).toHex(),
      'the CSV names the canonical block',
    );
    assert.equal(status, 'final');
    assert.equal(nickname, `"${tip.nickname}"`);
    // Re-verify the row from the chain: the event at that index is this tip.
    const events = await (await api.at(hash)).query.system.events();
    const { event } = events[Number(index)];
    assert.ok(api.events.olcToken.Tipped.is(event));
    assert.equal(event.data.amount.toBigInt(), BigInt(planck));
    assert.equal(event.data.gift.toNumber(), Number(gift));
  }

  // End the job from the studio.
  await s.page.evaluate(() => {
    for (const el of document.querySelectorAll('[data-testid="job-action-status"]'))
      delete el.dataset.kind;
  });
  await row.locator('[data-testid="job-end"]').click();
  await actionDone();
  assert.equal((await rpc('jobs_job', jobId)).status, 'ended');
  await s.page.waitForSelector(`.job-health[data-job-id="${jobId}"][data-status="ended"]`, {
    timeout: 20_000,
  });
  await shot(s.page, '16b-studio-job-ended');
});

test('the transcoder stops: the page shows offline; it restarts: the page plays again', async () => {
  const { b } = people;
  await charlie.node.kill();
  await b.page.waitForFunction(
    () => document.querySelector('#player').dataset.state === 'offline',
    null,
    { timeout: 30_000 },
  );
  await shot(b.page, '17-offline');
  await startCharlie();
  await b.page.waitForFunction(
    () => document.querySelector('#player').dataset.state === 'live',
    null,
    { timeout: 60_000 },
  );
  const at = await b.page.$eval('[data-testid="player"]', (v) => v.currentTime);
  await b.page.waitForFunction(
    (t) => document.querySelector('[data-testid="player"]').currentTime > t + 1,
    at,
    { timeout: 20_000 },
  );
  await shot(b.page, '18-playing-again');
});

test('the broadcaster ends the stream: the page shows it ended', async () => {
  const { b } = people;
  // Bob's stream was reported above: his balance is frozen until the report is resolved (issue 12
  // item 7), and only OLC received since is spendable, so he gets some for the fee.
  await ok(api.tx.balances.transferKeepAlive(keys.bob.address, 10n * UNIT), keys.alice);
  await ok(api.tx.jobs.endStream(streamId), keys.bob);
  await b.page.waitForFunction(
    () => document.querySelector('#player').dataset.state === 'ended',
    null,
    { timeout: 30_000 },
  );
  assert.match(await b.page.textContent('.player-state'), /直播已结束/);
  await shot(b.page, '19-ended');
});

test('no request of any page left the loopback', () => {
  const pages = Object.keys(people);
  assert.deepEqual(pages.sort(), ['a', 'b', 'm', 'o', 'r', 's'], 'every person took part');
  assert.deepEqual(
    Object.values(people).flatMap((p) => p.offLoopback),
    [],
  );
});
