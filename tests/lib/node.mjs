// Starts real olc-node processes on free loopback ports and connects @polkadot/api to them.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, createWriteStream, readFileSync } from 'node:fs';
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

// Ports handed out by freePort in this process, never handed out twice.
const handedOut = new Set();
// Below the kernel's ephemeral range (32768-60999 on Linux): an outgoing connection's source port
// or another bind(0) cannot take one of these between the check and the process that binds it.
const PORT_LOW = 20_000;
const PORT_HIGH = 32_000;

/** True if nothing listens on `port` on any IPv4 address right now. */
function canListen(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.on('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/**
 * A TCP port nobody listens on right now and that this process has not handed out before. (With
 * bind(0) three ports taken in a row for one node could repeat; then the node's RPC server, whose
 * port the p2p listener already held, moved to a random port and nobody could connect to it.)
 */
export async function freePort() {
  for (let attempt = 0; attempt < 1_000; attempt++) {
    const port = PORT_LOW + Math.floor(Math.random() * (PORT_HIGH - PORT_LOW));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free TCP port between ${PORT_LOW} and ${PORT_HIGH}`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Every process started here kills its child on exit; a test file may start a dozen.
process.setMaxListeners(50);

/**
 * Spawns `olc-node` with `args` plus free RPC/p2p/Prometheus ports (or the `ports` given, to
 * restart a node where it was). Its output goes to tests/out/<name>.log (appended on a restart).
 * Returns { name, rpcPort, p2pPort, prometheusPort, wsUrl, log, process, stop(), kill() }.
 */
export async function startNode(name, args, ports = {}) {
  mkdirSync(OUT_DIR, { recursive: true });
  const askedRpcPort = ports.rpcPort ?? (await freePort());
  const p2pPort = ports.p2pPort ?? (await freePort());
  const prometheusPort = ports.prometheusPort ?? (await freePort());
  const logPath = join(OUT_DIR, `${name}.log`);
  const log = createWriteStream(logPath, { flags: ports.rpcPort ? 'a' : 'w' });
  const child = spawn(
    NODE_BIN,
    [
      ...args,
      '--rpc-port',
      String(askedRpcPort),
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
  // The node moves its RPC server to a random port when the one asked for is taken; follow it.
  let rpcPort = askedRpcPort;
  const watchRpc = (chunk) => {
    const moved = /Running JSON-RPC server: addr=127\.0\.0\.1:(\d+)/.exec(chunk.toString());
    if (moved && Number(moved[1]) !== rpcPort) {
      log.write(
        `[tests/lib/node.mjs] RPC port ${rpcPort} was taken; the node listens on ${moved[1]}\n`,
      );
      rpcPort = Number(moved[1]);
    }
  };
  child.stdout.on('data', watchRpc);
  child.stderr.on('data', watchRpc);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const node = {
    name,
    get rpcPort() {
      return rpcPort;
    },
    p2pPort,
    prometheusPort,
    get wsUrl() {
      return `ws://127.0.0.1:${rpcPort}`;
    },
    log: logPath,
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
  let tail = '';
  try {
    tail = readFileSync(node.log, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
  } catch {
    // no log to show
  }
  throw new Error(
    `could not connect to ${node.name} at ${node.wsUrl} in ${timeoutMs / 1000} s; the end of ${node.log}:\n${tail}`,
  );
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
