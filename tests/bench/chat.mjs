// Benchmark: chat over the statement store on three of the four validators of `--chain local`.
//
// 1. Delivery latency node 1 -> node 3: MESSAGES (1,000) chat messages posted on node 1 at
//    RATE per second, each timed from its `chat_submit` answer to its arrival in a subscription on
//    node 3; p50/p95/p99. Target p95 <= 1 s.
// 2. Acceptance rate: THROUGHPUT_MESSAGES signed statements (built beforehand, so the figure is the
//    node's, not the signer's) submitted to node 1 with IN_FLIGHT requests in flight; messages
//    per second accepted before the first refusal. Target >= 500/s.
// 3. Memory of the store: statements and bytes it holds (its Prometheus gauges), the node's
//    resident memory before and after, and the size of its ParityDB directory.
//
// Senders are SENDERS accounts with their own chat allowance (each key keeps 64 live messages, so
// the messages in flight are not evicted before they are gossiped). Exits non-zero when a target
// is missed.
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startNode, connect, sleep, ALICE_NODE_KEY, aliceBootnode } from '../lib/node.mjs';
import { providerOf } from '../lib/rpc.mjs';
import { UNIT, submitOk, percentile } from '../lib/chain.mjs';
import {
  postMessage,
  subscribeChat,
  buildStatement,
  encodePayload,
  submitStatement,
} from '../../web/src/chat.js';

const MESSAGES = Number(process.env.CHAT_MESSAGES ?? 1000);
const RATE = Number(process.env.CHAT_RATE ?? 100);
const THROUGHPUT_MESSAGES = Number(process.env.CHAT_THROUGHPUT_MESSAGES ?? 3000);
const IN_FLIGHT = 32;
const SENDERS = 40;
const TARGET_P95_MS = 1000;
const TARGET_RATE = 500;

const rssKiB = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

await cryptoWaitReady();
const basePath = mkdtempSync(join(tmpdir(), 'olc-chat-bench-'));
const common = ['--chain', 'local', '--rpc-cors', 'all'];
const nodes = [];
const apis = [];
let failed; // set once the figures are in (an exception before that exits non-zero by itself)
try {
  const key = (n) => n.toString(16).padStart(64, '0');
  const n1 = await startNode('bench-chat-alice', [
    ...common,
    '--base-path',
    basePath,
    '--alice',
    '--node-key',
    ALICE_NODE_KEY,
  ]);
  nodes.push(n1);
  nodes.push(
    await startNode('bench-chat-bob', [
      ...common,
      '--tmp',
      '--bob',
      '--node-key',
      key(2),
      '--bootnodes',
      aliceBootnode(n1),
    ]),
  );
  nodes.push(
    await startNode('bench-chat-charlie', [
      ...common,
      '--tmp',
      '--charlie',
      '--node-key',
      key(3),
      '--bootnodes',
      aliceBootnode(n1),
    ]),
  );
  for (const node of nodes) apis.push(await connect(node));
  const [api1, , api3] = apis;

  // Setup: a stream, SENDERS funded accounts with a chat allowance each.
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api1.registry.chainSS58 });
  const alice = keyring.addFromUri('//Alice');
  const senders = Array.from({ length: SENDERS }, (_, i) => keyring.addFromUri(`//ChatBench${i}`));
  const created = await submitOk(
    api1,
    api1.tx.jobs.createStream('chat bench', alice.publicKey),
    alice,
  );
  const streamId = created.events
    .find(({ event }) => api1.events.jobs.StreamCreated.is(event))
    .event.data.streamId.toHex();
  let nonce = (await api1.rpc.system.accountNextIndex(alice.address)).toNumber();
  await Promise.all(
    senders.map((s) =>
      submitOk(api1, api1.tx.balances.transferKeepAlive(s.address, 100n * UNIT), alice, {
        nonce: nonce++,
      }),
    ),
  );
  await Promise.all(senders.map((s) => submitOk(api1, api1.tx.chat.takeAllowance(), s)));
  // Wait until node 3 is gossiping with node 1: one message through.
  const arrivals = new Map();
  const unsubscribe = await subscribeChat(providerOf(api3), streamId, (entry) => {
    if (entry.message) arrivals.set(entry.message.text, performance.now());
  });
  await postMessage(providerOf(api1), senders[0], streamId, { text: 'warm-up' });
  while (!arrivals.has('warm-up')) await sleep(50);

  const rssBefore = rssKiB(n1.process.pid);

  // 1. Latency.
  const submittedAt = new Map();
  const started = performance.now();
  let refusedInLatency = 0;
  const pending = [];
  for (let i = 0; i < MESSAGES; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const text = `latency #${i}`;
    pending.push(
      postMessage(providerOf(api1), senders[i % SENDERS], streamId, {
        text,
        nickname: 'bench',
        segmentSeq: i,
      }).then((answer) => {
        if (answer.status !== 'new') refusedInLatency++;
        submittedAt.set(text, performance.now());
      }),
    );
  }
  await Promise.all(pending);
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline && [...submittedAt.keys()].some((t) => !arrivals.has(t)))
    await sleep(100);
  const latencies = [];
  let lost = 0;
  for (const [text, at] of submittedAt) {
    if (arrivals.has(text)) latencies.push(Math.max(0, arrivals.get(text) - at));
    else lost++;
  }
  await unsubscribe();

  // 2. Acceptance rate: statements signed beforehand.
  const statements = Array.from({ length: THROUGHPUT_MESSAGES }, (_, i) =>
    buildStatement(
      api1,
      senders[i % SENDERS],
      streamId,
      encodePayload(api1, { text: `throughput #${i}`, nickname: 'bench' }),
    ),
  );
  let next = 0;
  let accepted = 0;
  let firstRefusal = null;
  let acceptedBeforeRefusal = 0;
  let refusalAt = null;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < statements.length) {
        const i = next++;
        const answer = await submitStatement(providerOf(api1), statements[i]);
        if (answer.status === 'new') {
          accepted++;
          if (firstRefusal === null) acceptedBeforeRefusal++;
        } else if (firstRefusal === null) {
          firstRefusal = answer;
          refusalAt = performance.now();
        }
      }
    }),
  );
  const elapsed = ((refusalAt ?? performance.now()) - t0) / 1000;
  const rate = acceptedBeforeRefusal / elapsed;

  // 3. Memory: what the store holds (a fresh subscription gets every stored message first).
  let stored = 0;
  let storedBytes = 0;
  const count = await subscribeChat(providerOf(api1), streamId, (entry) => {
    stored++;
    storedBytes += entry.statement.length;
  });
  await sleep(1_500);
  await count();
  const rssAfter = rssKiB(n1.process.pid);
  const storeDir = execFileSync('sh', ['-c', `du -sk ${basePath}/chains/*/statements | cut -f1`])
    .toString()
    .trim();

  const ms = (x) => `${x.toFixed(0)} ms`;
  const p95 = percentile(latencies, 95);
  console.log(`chat benchmark: three of four validators of --chain local, ${SENDERS} senders`);
  console.log(
    `  delivery node 1 -> node 3, ${MESSAGES} messages at ${RATE}/s: p50 ${ms(percentile(latencies, 50))}, p95 ${ms(p95)}, p99 ${ms(percentile(latencies, 99))}, max ${ms(Math.max(...latencies))}; lost ${lost}, refused ${refusedInLatency}`,
  );
  console.log(
    `    target p95 <= ${TARGET_P95_MS} ms: ${p95 <= TARGET_P95_MS ? 'met' : 'NOT met'} (gossip rounds run every 1 s: a message waits for the next round)`,
  );
  console.log(
    `  accepted by node 1: ${accepted}/${THROUGHPUT_MESSAGES} (${IN_FLIGHT} in flight), ${rate.toFixed(0)} messages/s before the first refusal${firstRefusal ? ` (${JSON.stringify(firstRefusal)} after ${acceptedBeforeRefusal})` : ' (none refused)'}`,
  );
  console.log(`    target >= ${TARGET_RATE}/s: ${rate >= TARGET_RATE ? 'met' : 'NOT met'}`);
  console.log(
    `  store on node 1 after the run: ${stored} statements (${SENDERS} senders x 64 live each at most), ${(storedBytes / 1024).toFixed(0)} KiB encoded; ParityDB directory ${(Number(storeDir) / 1024).toFixed(1)} MiB; node RSS ${(rssBefore / 1024).toFixed(0)} MiB before the runs, ${(rssAfter / 1024).toFixed(0)} MiB after`,
  );
  failed = !(p95 <= TARGET_P95_MS && rate >= TARGET_RATE && lost === 0 && refusedInLatency === 0);
} finally {
  for (const api of apis) await api.disconnect();
  for (const node of nodes) await node.stop();
  rmSync(basePath, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
