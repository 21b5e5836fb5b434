// Starts real olc-node processes on free loopback ports and connects @polkadot/api to them.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, createWriteStream } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { RPC, registerProvider } from './rpc.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = join(here, '..', 'out');

/** A fixed node key for Alice so other nodes know her address; its libp2p peer id below. */
export const ALICE_NODE_KEY = '0000000000000000000000000000000000000000000000000000000000000001';
export const ALICE_PEER_ID = '12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp';

/** The bootnode address of `alice` (started with ALICE_NODE_KEY). */
export const aliceBootnode = (alice) => `/ip4/127.0.0.1/tcp/${alice.p2pPort}/p2p/${ALICE_PEER_ID}`;

/** The node binary: $OLC_NODE_BIN (set by scripts/test.sh) or the default shared target dir. */
export const NODE_BIN = process.env.OLC_NODE_BIN ?? '/var/tmp/olc-target/release/olc-node';

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Every process started here kills its child on exit; a test file may start a dozen.
process.setMaxListeners(50);

/**
 * Spawns `olc-node` with `args` plus free RPC/p2p/Prometheus ports (or the `ports` given, to
 * restart a node where it was). Its output goes to tests/out/<name>.log (appended on a restart).
 * Returns { name, rpcPort, p2pPort, prometheusPort, wsUrl, process, stop(), kill() }.
 */
export async function startNode(name, args, ports = {}) {
  mkdirSync(OUT_DIR, { recursive: true });
  const rpcPort = ports.rpcPort ?? (await freePort());
  const p2pPort = ports.p2pPort ?? (await freePort());
  const prometheusPort = ports.prometheusPort ?? (await freePort());
  const log = createWriteStream(join(OUT_DIR, `${name}.log`), { flags: ports.rpcPort ? 'a' : 'w' });
  const child = spawn(
    NODE_BIN,
    [
      ...args,
      '--rpc-port',
      String(rpcPort),
      '--port',
      String(p2pPort),
      '--prometheus-port',
      String(prometheusPort),
      '--no-telemetry',
      '--no-mdns',
      // Extra flags for every node of a run, e.g. OLC_NODE_ARGS='--pool-type fork-aware' or
      // OLC_NODE_ARGS='--log sync=debug,txpool=debug' for a failing run.
      ...(process.env.OLC_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const node = {
    name,
    rpcPort,
    p2pPort,
    prometheusPort,
    wsUrl: `ws://127.0.0.1:${rpcPort}`,
    process: child,
    get exited() {
      return exited;
    },
    async stop() {
      if (exited) return;
      child.kill('SIGINT');
      for (let i = 0; i < 100 && !exited; i++) await sleep(100);
      if (!exited) child.kill('SIGKILL');
    },
    /** Kills the process at once (SIGKILL), as a crash would. */
    async kill() {
      if (exited) return;
      child.kill('SIGKILL');
      for (let i = 0; i < 100 && !exited; i++) await sleep(100);
    },
  };
  process.on('exit', () => {
    if (!exited) child.kill('SIGKILL');
  });
  return node;
}

/** Connects @polkadot/api (with the node's custom RPC, tests/lib/rpc.mjs) to `node`, retrying until its RPC server answers (60 s at most). */
export async function connect(node, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (node.exited)
      throw new Error(
        `${node.name} exited early: ${JSON.stringify(node.exited)}; see tests/out/${node.name}.log`,
      );
    try {
      const provider = new WsProvider(node.wsUrl, false);
      await provider.connect();
      await Promise.race([
        provider.isReadyOrError,
        sleep(2_000).then(() => {
          throw new Error('ws not ready');
        }),
      ]);
      return registerProvider(
        await ApiPromise.create({ provider, rpc: RPC, noInitWarn: true, throwOnConnect: true }),
        provider,
      );
    } catch {
      await sleep(500);
    }
  }
  throw new Error(`could not connect to ${node.name} at ${node.wsUrl}`);
}

/** Resolves with the first finalized header whose number is >= `number`. */
export async function waitFinalized(api, number, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    let unsub = null;
    const timer = setTimeout(() => {
      unsub?.();
      reject(new Error(`block #${number} not finalized in ${timeoutMs} ms`));
    }, timeoutMs);
    api.rpc.chain
      .subscribeFinalizedHeads((header) => {
        if (header.number.toNumber() >= number) {
          clearTimeout(timer);
          unsub?.();
          resolve(header);
        }
      })
      .then((u) => {
        unsub = u;
      });
  });
}

/**
 * The node's Prometheus metrics as { 'name' or 'name{labels}': value }, without the `substrate_`
 * prefix and the `chain` label that the node's registry gives every metric.
 */
export async function metrics(node) {
  const text = await (await fetch(`http://127.0.0.1:${node.prometheusPort}/metrics`)).text();
  const values = {};
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    const series = line.slice(0, at).replace(/^substrate_/, '');
    const open = series.indexOf('{');
    const name = open < 0 ? series : series.slice(0, open);
    const labels =
      open < 0
        ? ''
        : series
            .slice(open + 1, -1)
            .split(',')
            .filter((l) => l && !l.startsWith('chain='))
            .join(',');
    values[labels ? `${name}{${labels}}` : name] = Number(line.slice(at + 1));
  }
  return values;
}

/** Polls `probe` once a second until it returns a truthy value, which it returns. */
export async function waitFor(what, probe, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(1000);
  }
}
