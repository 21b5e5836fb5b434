// Benchmark: time from submitting a tip to its finalization on `olc-node --dev`, over many tips.
// Prints p50/p95/max and compares the p95 with OLC's target (4 s). A script, not a test: the
// figure depends on the machine; scripts/test.sh runs it and prints the result.
import { Keyring } from '@polkadot/keyring';
import { startNode, connect } from '../lib/node.mjs';
import { UNIT, submitAndWaitFinalized, percentile } from '../lib/chain.mjs';

const TIPS = Number(process.env.TIPS ?? 30);
const TARGET_P95_MS = 4000;

const node = await startNode('bench-finality', ['--dev', '--tmp']);
let api;
try {
  api = await connect(node);
  const keyring = new Keyring({ type: 'sr25519' });
  const dave = keyring.addFromUri('//Dave');
  const eve = keyring.addFromUri('//Eve');
  const toInclusion = [];
  const toFinality = [];
  for (let i = 0; i < TIPS; i++) {
    // Submit at a random point of the 2 s slot, as a viewer would.
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 2000)));
    const r = await submitAndWaitFinalized(api, api.tx.olcToken.tip(eve.address, UNIT, 1, 'bench', `#${i}`), dave);
    if (r.dispatchError) throw new Error(`tip ${i} failed: ${r.dispatchError}`);
    toInclusion.push(r.inBlockAt - r.submittedAt);
    toFinality.push(r.finalizedAt - r.submittedAt);
  }
  const f = (x) => `${x.toFixed(0)} ms`;
  const p95 = percentile(toFinality, 95);
  console.log(`finality benchmark: ${TIPS} tips on olc-node --dev (2 s blocks)`);
  console.log(`  submission -> inclusion:    p50 ${f(percentile(toInclusion, 50))}, p95 ${f(percentile(toInclusion, 95))}`);
  console.log(`  submission -> finalization: p50 ${f(percentile(toFinality, 50))}, p95 ${f(p95)}, max ${f(Math.max(...toFinality))}`);
  console.log(`  target p95 < ${TARGET_P95_MS} ms: p95/target = ${(p95 / TARGET_P95_MS).toFixed(2)} (${p95 < TARGET_P95_MS ? 'met' : 'NOT met'})`);
  console.log(`  reference: the solochain template's dev chain (6 s blocks) takes 17-19 s`);
} finally {
  await api?.disconnect();
  await node.stop();
}
