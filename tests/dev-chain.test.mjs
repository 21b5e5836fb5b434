// End to end: README command 1 (scripts/dev.sh) brings up a dev chain that @polkadot/api reaches
// at ws://127.0.0.1:9944, that finalizes blocks, and whose RPC answers local pages (CORS).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { connect, waitFinalized, OUT_DIR, sleep, NODE_BIN } from './lib/node.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
let child;
let exited = null;
let api;

before(async () => {
  mkdirSync(OUT_DIR, { recursive: true });
  const log = createWriteStream(join(OUT_DIR, 'dev-sh.log'));
  // dev.sh sets up and builds first (a no-op when the build is current), then execs olc-node.
  child = spawn('bash', [join(repo, 'scripts', 'dev.sh')], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Both streams go to one file, which neither may close: dev.sh's node and its setup step
  // write to either until the very end.
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  process.on('exit', () => {
    if (!exited) child.kill('SIGKILL');
  });
  const node = {
    name: 'dev-sh',
    wsUrl: 'ws://127.0.0.1:9944',
    get exited() {
      return exited;
    },
  };
  api = await connect(node, 15 * 60_000);
});

after(async () => {
  await api?.disconnect();
  if (child && !exited) {
    child.kill('SIGINT');
    for (let i = 0; i < 100 && !exited; i++) await sleep(100);
    if (!exited) child.kill('SIGKILL');
  }
});

test('scripts/dev.sh: a dev chain on ws://127.0.0.1:9944 that finalizes blocks', async () => {
  const chain = await api.rpc.system.chain();
  assert.equal(chain.toString(), 'OpenLive Coin Development');
  const start = await api.rpc.chain.getFinalizedHead();
  const startNumber = (await api.rpc.chain.getHeader(start)).number.toNumber();
  const header = await waitFinalized(api, startNumber + 3, 30_000);
  assert.ok(header.number.toNumber() >= startNumber + 3);
  const alice = await api.query.system.account('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
  assert.ok(alice.data.free.toBigInt() > 0n, 'dev accounts are funded');
});

test("the dev chain's RPC allows requests from local pages (CORS)", async () => {
  // The page the dev transcoder serves (scripts/dev.sh's DEV_RPC_CORS; other origins are refused).
  const origin = 'http://localhost:8935';
  const res = await fetch('http://127.0.0.1:9944', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'system_chain', params: [] }),
  });
  assert.equal(res.status, 200);
  const allowed = res.headers.get('access-control-allow-origin');
  assert.ok(allowed === '*' || allowed === origin, `access-control-allow-origin: ${allowed}`);
  assert.equal((await res.json()).result, 'OpenLive Coin Development');
});

test('the node and its runtime carry no benchmarks (production build; scripts/bench.sh builds them)', async () => {
  // A runtime API's id is the first 8 bytes of the blake2-256 hash of its name.
  const apiId = (name) => u8aToHex(blake2AsU8a(name, 64));
  const apis = api.runtimeVersion.apis.map(([id]) => id.toHex());
  assert.ok(apis.includes(apiId('Core')), `the runtime lists its APIs: ${apis}`);
  assert.ok(!apis.includes(apiId('Benchmark')), 'the runtime does not implement the Benchmark API');
  const call = await fetch('http://127.0.0.1:9944', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: 1,
      jsonrpc: '2.0',
      method: 'state_call',
      params: ['Benchmark_benchmark_metadata', '0x00'],
    }),
  });
  const answer = await call.json();
  assert.ok(
    answer.error,
    `state_call Benchmark_benchmark_metadata is refused: ${JSON.stringify(answer)}`,
  );
  const cli = spawnSync(NODE_BIN, ['benchmark', 'pallet', '--help'], { encoding: 'utf8' });
  assert.notEqual(cli.status, 0, 'olc-node has no `benchmark` subcommand');
  assert.match(cli.stderr, /unrecognized subcommand 'benchmark'/);
});
