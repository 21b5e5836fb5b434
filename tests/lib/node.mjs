// Starts real olc-node processes on free loopback ports and connects @polkadot/api to them.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, createWriteStream } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';

const here = dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = join(here, '..', 'out');

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

/**
 * Spawns `olc-node` with `args` plus free RPC/p2p/Prometheus ports. Its output goes to
 * tests/out/<name>.log. Returns { name, rpcPort, p2pPort, wsUrl, process, stop() }.
 */
export async function startNode(name, args) {
  mkdirSync(OUT_DIR, { recursive: true });
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const prometheusPort = await freePort();
  const log = createWriteStream(join(OUT_DIR, `${name}.log`));
  const child = spawn(
    NODE_BIN,
    [
      ...args,
      '--rpc-port', String(rpcPort),
      '--port', String(p2pPort),
      '--prometheus-port', String(prometheusPort),
      '--no-telemetry',
      '--no-mdns',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const node = {
    name,
    rpcPort,
    p2pPort,
    prometheusPort,
    wsUrl: `ws://127.0.0.1:${rpcPort}`,
    process: child,
    get exited() { return exited; },
    async stop() {
      if (exited) return;
      child.kill('SIGINT');
      for (let i = 0; i < 100 && !exited; i++) await sleep(100);
      if (!exited) child.kill('SIGKILL');
    },
  };
  process.on('exit', () => { if (!exited) child.kill('SIGKILL'); });
  return node;
}

/** Connects @polkadot/api to `node`, retrying until its RPC server answers (60 s at most). */
export async function connect(node, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (node.exited) throw new Error(`${node.name} exited early: ${JSON.stringify(node.exited)}; see tests/out/${node.name}.log`);
    try {
      const provider = new WsProvider(node.wsUrl, false);
      await provider.connect();
      await Promise.race([
        provider.isReadyOrError,
        sleep(2_000).then(() => { throw new Error('ws not ready'); }),
      ]);
      return await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
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
    const timer = setTimeout(() => { unsub?.(); reject(new Error(`block #${number} not finalized in ${timeoutMs} ms`)); }, timeoutMs);
    api.rpc.chain.subscribeFinalizedHeads((header) => {
      if (header.number.toNumber() >= number) {
        clearTimeout(timer);
        unsub?.();
        resolve(header);
      }
    }).then((u) => { unsub = u; });
  });
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
