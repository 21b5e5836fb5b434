// Starts a real `olc-transcoder serve` on a free loopback port and runs the CLI's other commands.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitFor, OUT_DIR } from './node.mjs';

/** The transcoder binary: $OLC_TRANSCODER_BIN (set by scripts/test.sh) or the shared target dir. */
export const TRANSCODER_BIN = process.env.OLC_TRANSCODER_BIN ?? '/var/tmp/olc-target/release/olc-transcoder';

/** The default rendition ladder (olc-primitives' `default_ladder`) as pallet-jobs takes it. */
export const DEFAULT_LADDER = [
  { name: '720p', width: 1280, height: 720, bitrateKbps: 3000, fps: 30 },
  { name: '480p', width: 854, height: 480, bitrateKbps: 1600, fps: 30 },
  { name: '360p', width: 640, height: 360, bitrateKbps: 800, fps: 30 },
  { name: '240p', width: 426, height: 240, bitrateKbps: 250, fps: 30 },
];

/** Runs `olc-transcoder args...`; resolves with { stdout, stderr }, rejects on a non-zero exit. */
export const runTranscoder = (args, options = {}) => promisify(execFile)(TRANSCODER_BIN, args, options);

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
  await waitFor('the transcoder service', async () => {
    try {
      // An unknown receipt: 404 once the service is up.
      return (await fetch(`${url}/receipts/0x${'00'.repeat(32)}/0`)).status === 404;
    } catch {
      return false;
    }
  }, 30_000);
  return {
    url,
    stop() {
      child.kill('SIGINT');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
