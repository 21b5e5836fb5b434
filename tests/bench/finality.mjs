// Benchmark: how long a tip takes from submission to finalization, and how many tips per second
// the chain takes at block capacity. Prints the figures and exits non-zero when a target is missed.
//
// Scenarios (SCENARIOS=local,local-default,dev picks some):
//   local          the validators of `--chain local` (Alice, Bob, Charlie, Dave) plus one node that
//                  does not author; tips go through that node's RPC while other transfers load the
//                  chain; target: p95 <= 3 s. Sessions of SESSION_LENGTH blocks (default 1,800, a
//                  production chain's hour; the local spec's own 10 make every 10th block empty:
//                  see localSpec()).
//   local-default  the same network with GRANDPA's default voting rules
//                  (`--grandpa-voting-rule default`): the A/B reference for OLC's "vote for the best
//                  block" rule, measured in the same run.
//   dev            `olc-node --dev` (one validator), the same load; then the throughput flood: tips
//                  from every dev account at once, counted per block; target: >= 1,000 tips/s.
//                  A flood tip the pool accepted and no block ever holds is a failure (`lost`),
//                  never a known miss.
//
// TIPS (default 200) tips per scenario at RATE per second (default 8), LOAD transfers per second
// (default 10) in the background; FLOOD (default 3,000) tips for the throughput.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import {
  startNode,
  connect,
  ALICE_NODE_KEY,
  aliceBootnode,
  waitFinalized,
  sleep,
  NODE_BIN,
} from '../lib/node.mjs';
import { UNIT, submitAndWaitFinalized, percentile } from '../lib/chain.mjs';

const TIPS = Number(process.env.TIPS ?? 200);
const RATE = Number(process.env.RATE ?? 8);
const LOAD = Number(process.env.LOAD ?? 10);
const FLOOD = Number(process.env.FLOOD ?? 3000);
const SESSION_LENGTH = Number(process.env.SESSION_LENGTH ?? 1800);
const SCENARIOS = (process.env.SCENARIOS ?? 'local,local-default,dev').split(',');
const TARGET_P95_MS = 3000;
const TARGET_TIPS_PER_S = 1000;
const BLOCK_MS = 2000;
// Blocks in a row without a tip (and an empty pool) that end the flood's count.
const IDLE_BLOCKS = 3;

const keyring = new Keyring({ type: 'sr25519' });
const account = (uri) => keyring.addFromUri(uri);
const broadcaster = account('//bench-broadcaster').address;
const sink = account('//bench-sink').address;

/** Hands out nonces per sender locally, so that concurrent submissions never reuse one. */
async function nonceBook(api, pairs) {
  const next = new Map();
  for (const pair of pairs) {
    next.set(pair.address, (await api.rpc.system.accountNextIndex(pair.address)).toNumber());
  }
  return (pair) => {
    const n = next.get(pair.address);
    next.set(pair.address, n + 1);
    return n;
  };
}

/**
 * Sends TIPS tips at RATE per second (from tippers in turn) and LOAD transfers per second (from
 * loaders) through `api`; returns the tips' submission -> inclusion and -> finalization times.
 */
async function measure(api, tippers, loaders) {
  const nonce = await nonceBook(api, [...tippers, ...loaders]);
  let loading = true;
  const background = (async () => {
    let i = 0;
    const pending = [];
    while (loading) {
      const from = loaders[i++ % loaders.length];
      pending.push(
        api.tx.balances
          .transferKeepAlive(sink, UNIT)
          .signAndSend(from, { nonce: nonce(from) })
          .catch(() => {}),
      );
      await sleep(1000 / LOAD);
    }
    await Promise.all(pending);
  })();
  const toInclusion = [];
  const toFinality = [];
  const tips = [];
  for (let i = 0; i < TIPS; i++) {
    const from = tippers[i % tippers.length];
    const tx = api.tx.olcToken.tip(broadcaster, UNIT, 1, 'bench', `#${i}`);
    tips.push(
      submitAndWaitFinalized(api, tx, from, { nonce: nonce(from) }).then((r) => {
        if (r.dispatchError) throw new Error(`tip ${i} failed: ${r.dispatchError}`);
        toInclusion.push(r.inBlockAt - r.submittedAt);
        toFinality.push(r.finalizedAt - r.submittedAt);
      }),
    );
    // Poisson arrivals, as independent viewers tip.
    await sleep(-Math.log(1 - Math.random()) * (1000 / RATE));
  }
  await Promise.all(tips);
  loading = false;
  await background;
  return { toInclusion, toFinality };
}

function report(name, { toInclusion, toFinality }) {
  const f = (x) => `${(x / 1000).toFixed(2)} s`;
  const line = (label, v) =>
    `  ${label}: p50 ${f(percentile(v, 50))}, p95 ${f(percentile(v, 95))}, p99 ${f(percentile(v, 99))}, max ${f(Math.max(...v))}`;
  console.log(
    `${name}: ${toFinality.length} tips at ${RATE}/s with ${LOAD} transfers/s of background load`,
  );
  console.log(line('submission -> inclusion   ', toInclusion));
  console.log(line('submission -> finalization', toFinality));
  return percentile(toFinality, 95);
}

/**
 * `--chain local` with sessions of SESSION_LENGTH blocks (default 1,800: one hour, as on a
 * production chain) instead of the spec's 10. A session-change block holds no transactions
 * (pallet-session claims the whole block's weight for the rotation), so with 10-block sessions a
 * tenth of the tips wait one extra slot: that is the test chains' setting, not what a network's
 * users see (once an hour). Written once, to a temporary file.
 */
let localSpecPath = null;
function localSpec() {
  if (localSpecPath) return localSpecPath;
  const spec = JSON.parse(
    execFileSync(NODE_BIN, ['build-spec', '--chain', 'local'], {
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  const patch = spec.genesis.runtimeGenesis.patch;
  if (patch?.validatorManager?.sessionLength === undefined)
    throw new Error('local spec: no validatorManager.sessionLength in the genesis patch');
  patch.validatorManager.sessionLength = SESSION_LENGTH;
  localSpecPath = join(mkdtempSync(join(tmpdir(), 'olc-bench-')), 'local.json');
  writeFileSync(localSpecPath, JSON.stringify(spec));
  return localSpecPath;
}

/** Starts the validators of the local network (localSpec()) plus an RPC node that does not author. */
async function startLocal(tag, extra) {
  const common = ['--chain', localSpec(), '--tmp', ...extra];
  const key = (n) => n.toString(16).padStart(64, '0');
  const alice = await startNode(`bench-${tag}-alice`, [
    ...common,
    '--alice',
    '--node-key',
    ALICE_NODE_KEY,
  ]);
  const nodes = [alice];
  const boot = ['--bootnodes', aliceBootnode(alice)];
  for (const [i, who] of ['bob', 'charlie', 'dave'].entries()) {
    nodes.push(
      await startNode(`bench-${tag}-${who}`, [
        ...common,
        `--${who}`,
        '--node-key',
        key(i + 2),
        ...boot,
      ]),
    );
  }
  const rpc = await startNode(`bench-${tag}-rpc`, [
    '--chain',
    localSpec(),
    '--tmp',
    '--node-key',
    key(9),
    ...boot,
  ]);
  nodes.push(rpc);
  return { nodes, rpc };
}

async function withNetwork(start, body) {
  const { nodes, rpc } = await start();
  let api;
  try {
    api = await connect(rpc);
    // Measure from a running chain: a few blocks finalized first.
    await waitFinalized(api, 3, 120_000);
    return await body(api);
  } finally {
    await api?.disconnect();
    await Promise.all(nodes.map((n) => n.stop()));
  }
}

/** Signs FLOOD tips from every dev account ahead, submits them at once, counts them per block. */
async function flood(api) {
  const senders = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie'].map(account);
  const nonce = await nonceBook(api, senders);
  const signed = [];
  const genesisHash = api.genesisHash;
  const runtimeVersion = api.runtimeVersion;
  for (let i = 0; i < FLOOD; i++) {
    const from = senders[i % senders.length];
    const tx = api.tx.olcToken.tip(broadcaster, UNIT, 1, 'flood', `#${i}`);
    // Immortal and signed offline: no RPC call per transaction.
    signed.push(
      tx.sign(from, {
        nonce: nonce(from),
        era: 0,
        blockHash: genesisHash,
        genesisHash,
        runtimeVersion,
      }),
    );
  }
  const perBlock = [];
  let seen = 0;
  let idle = 0;
  // Counts until every tip is in a block, or until IDLE_BLOCKS blocks in a row had none while the
  // pool is empty (a session-change block holds no transactions: pallet-session claims the whole
  // block's weight for the rotation, every 10th block on the dev chain).
  const done = new Promise((resolve) => {
    const unsub = api.rpc.chain.subscribeNewHeads(async (header) => {
      const events = await (await api.at(header.hash)).query.system.events();
      const tips = events.filter(
        ({ event }) => event.section === 'olcToken' && event.method === 'Tipped',
      ).length;
      if (tips > 0 || seen > 0) perBlock.push({ number: header.number.toNumber(), tips });
      seen += tips;
      idle = tips > 0 ? 0 : idle + 1;
      const pending = (await api.rpc.author.pendingExtrinsics()).length;
      if (seen >= FLOOD || (seen > 0 && idle >= IDLE_BLOCKS && pending === 0) || idle >= 30) {
        (await unsub)();
        resolve();
      }
    });
  });
  const started = performance.now();
  // One submission stream per sender keeps each sender's nonces in order at the pool.
  const rejected = [];
  await Promise.all(
    senders.map(async (_, s) => {
      for (let i = s; i < FLOOD; i += senders.length) {
        await api.rpc.author.submitExtrinsic(signed[i]).catch((e) => rejected.push(e.message));
      }
    }),
  );
  const submitSeconds = (performance.now() - started) / 1000;
  await done;
  const first = perBlock.findIndex((b) => b.tips > 0);
  const last = perBlock.findLastIndex((b) => b.tips > 0);
  const span = perBlock.slice(first, last + 1);
  const max = Math.max(...span.map((b) => b.tips));
  // Sustained: the blocks built while the pool never ran dry, i.e. all but the first (the flood
  // began mid-slot) and the last (the flood's remainder), session-change blocks included.
  const body = span.length > 2 ? span.slice(1, -1) : span;
  const sustained = body.reduce((a, b) => a + b.tips, 0) / ((body.length * BLOCK_MS) / 1000);
  const lost = FLOOD - rejected.length - seen;
  console.log(
    `throughput (dev): ${FLOOD} tips from ${senders.length} accounts submitted in ${submitSeconds.toFixed(1)} s` +
      `${rejected.length ? ` (${rejected.length} refused by the pool: ${rejected[0]})` : ''}`,
  );
  console.log(
    `  tips per block: ${span.map((b) => b.tips).join(', ')} (max ${max}, ${BLOCK_MS / 1000} s blocks; ` +
      `${body.filter((b) => b.tips === 0).length} empty session-change block(s) in the sustained span)`,
  );
  console.log(
    `  sustained: ${sustained.toFixed(0)} tips/s; peak block ${(max / (BLOCK_MS / 1000)).toFixed(0)} tips/s; ` +
      `${seen} of ${FLOOD} tips in blocks, ${lost} accepted and never in a block`,
  );
  if (lost > 0) misses.push(`lost: ${lost} accepted tips of the flood never reached a block`);
  return sustained;
}

// Exit codes: 0 all targets met; 1 a target missed; 2 tips lost (accepted, never in a block).
// Targets known to be missed (named in KNOWN_MISSES, e.g. `throughput`) are reported but do not
// make the exit code non-zero.
const KNOWN_MISSES = (process.env.KNOWN_MISSES ?? '').split(',').filter(Boolean);
const misses = [];
const p95s = {};
if (SCENARIOS.includes('local')) {
  p95s.local = await withNetwork(
    () => startLocal('local', []),
    async (api) => {
      const authorities = (await api.query.aura.authorities()).length;
      const p95 = report(
        `local (${authorities} validators + 1 RPC node, OLC voting rule, sessions of ${SESSION_LENGTH} blocks)`,
        await measure(
          api,
          ['//Alice', '//Bob', '//Charlie', '//Dave'].map(account),
          ['//Eve', '//Ferdie'].map(account),
        ),
      );
      if (p95 > TARGET_P95_MS)
        misses.push(`finality: local p95 ${(p95 / 1000).toFixed(2)} s > ${TARGET_P95_MS / 1000} s`);
      return p95;
    },
  );
}
if (SCENARIOS.includes('local-default')) {
  p95s.default = await withNetwork(
    () => startLocal('default', ['--grandpa-voting-rule', 'default']),
    async (api) =>
      report(
        `local-default (the same network, GRANDPA default voting rules, sessions of ${SESSION_LENGTH} blocks)`,
        await measure(
          api,
          ['//Alice', '//Bob', '//Charlie', '//Dave'].map(account),
          ['//Eve', '//Ferdie'].map(account),
        ),
      ),
  );
}
if (SCENARIOS.includes('dev')) {
  await withNetwork(
    async () => {
      const node = await startNode('bench-finality-dev', ['--dev', '--tmp']);
      return { nodes: [node], rpc: node };
    },
    async (api) => {
      p95s.dev = report(
        'dev (1 validator)',
        await measure(
          api,
          ['//Alice', '//Bob', '//Charlie', '//Dave'].map(account),
          ['//Eve', '//Ferdie'].map(account),
        ),
      );
      const sustained = await flood(api);
      if (sustained < TARGET_TIPS_PER_S)
        misses.push(`throughput: ${sustained.toFixed(0)} tips/s < ${TARGET_TIPS_PER_S}`);
    },
  );
}
if (p95s.local !== undefined && p95s.default !== undefined) {
  console.log(
    `A/B: finality p95 with OLC's rule / with the default rules = ${(p95s.local / p95s.default).toFixed(2)}`,
  );
}
console.log(
  `targets: finality p95 <= ${TARGET_P95_MS / 1000} s on the local network; >= ${TARGET_TIPS_PER_S} tips/s sustained`,
);
if (misses.length) {
  console.log(`TARGETS MISSED: ${misses.join('; ')}`);
  // Lost tips are a failure of their own (exit 2): never retried, never a known miss.
  if (misses.some((m) => m.startsWith('lost:'))) process.exit(2);
  const gating = misses.filter((m) => !KNOWN_MISSES.includes(m.split(':')[0]));
  if (gating.length) process.exit(1);
  console.log(`(known and documented as open: ${KNOWN_MISSES.join(', ')}; not failing the run)`);
  process.exit(0);
}
console.log('all targets met');
process.exit(0);
