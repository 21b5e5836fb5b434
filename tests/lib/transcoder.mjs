// Starts a real `olc-transcoder serve` on a free loopback port and runs the CLI's other commands.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitFor, startNode, aliceBootnode, OUT_DIR } from './node.mjs';

/** The transcoder binary: $OLC_TRANSCODER_BIN (set by scripts/test.sh) or the shared target dir. */
export const TRANSCODER_BIN =
  process.env.OLC_TRANSCODER_BIN ?? '/var/tmp/olc-target/release/olc-transcoder';

/** The default rendition ladder (olc-primitives' `default_ladder`) as pallet-jobs takes it. */
export const DEFAULT_LADDER = [
  { name: '720p', width: 1280, height: 720, bitrateKbps: 3000, fps: 30 },
  { name: '480p', width: 854, height: 480, bitrateKbps: 1600, fps: 30 },
  { name: '360p', width: 640, height: 360, bitrateKbps: 800, fps: 30 },
  { name: '240p', width: 426, height: 240, bitrateKbps: 250, fps: 30 },
];

/** Runs `olc-transcoder args...`; resolves with { stdout, stderr }, rejects on a non-zero exit. */
export const runTranscoder = (args, options = {}) =>
  promisify(execFile)(TRANSCODER_BIN, args, options);

/**
 * Starts the transcoding service signing receipts with `seed`, logging to tests/out/<name>.log,
 * and waits until it answers. Returns { url, stop() }.
 */
export async function startTranscoderService(name, seed) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `olc-${name}-`));
  const log = createWriteStream(join(OUT_DIR, `${name}.log`));
  const child = spawn(
    TRANSCODER_BIN,
    ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--seed', seed],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  process.on('exit', () => child.kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  await waitForService('the transcoder service', url);
  return {
    url,
    stop() {
      child.kill('SIGINT');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts `olc-transcoder broadcast args...` in the background, logging to
 * tests/out/<name>.log. Returns { done: Promise<{ code, stderr }>, stop() }.
 */
export function startBroadcast(name, args) {
  const log = createWriteStream(join(OUT_DIR, `${name}.log`));
  const child = spawn(TRANSCODER_BIN, ['broadcast', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout.pipe(log);
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    log.write(chunk);
  });
  process.on('exit', () => child.kill('SIGKILL'));
  const done = new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  return {
    done,
    get stderr() {
      return stderr;
    },
    stop() {
      child.kill('SIGINT');
    },
  };
}

/** Two renditions that are not the default ladder (another size, and half the frame rate). */
export const TEST_PROFILES = [
  { name: '288p', width: 512, height: 288, bitrateKbps: 600, fps: 30 },
  { name: '144p', width: 256, height: 144, bitrateKbps: 150, fps: 15 },
];

/** The source the worker tests broadcast. */
export const TEST_SOURCE = 'testsrc:640x360@30';

/** Resolves once the transcoding service at `url` answers (an unknown receipt is a 404). */
export const waitForService = (what, url) =>
  waitFor(
    what,
    async () => {
      try {
        return (await fetch(`${url}/receipts/0x${'00'.repeat(32)}/0`)).status === 404;
      } catch {
        return false;
      }
    },
    60_000,
  );

/**
 * Starts `olc-node --transcoder` for dev account `name` (e.g. 'Charlie') joined to the dev chain
 * of `alice`, its service on `port`, its state in `basePath`; claims every 10 blocks, never
 * withdraws. `ports` restarts it where it was; `fault` is a `--transcoder-fault`. Resolves with
 * the node once its service answers.
 */
export async function startWorkerNode(
  name,
  { alice, port, basePath, ports = {}, fault, extra = [], log = `worker-${name.toLowerCase()}` },
) {
  const node = await startNode(
    log,
    [
      '--chain',
      'dev',
      '--base-path',
      basePath,
      '--bootnodes',
      aliceBootnode(alice),
      '--transcoder',
      '--transcoder-key',
      `//${name}`,
      '--transcoder-listen',
      `127.0.0.1:${port}`,
      '--transcoder-claim-every',
      '10',
      '--transcoder-withdraw-every',
      '0',
      ...(fault ? ['--transcoder-fault', fault] : []),
      ...extra,
    ],
    ports,
  );
  await waitForService(`${name}'s service`, `http://127.0.0.1:${port}`);
  return node;
}
