// Benchmark of the bundled transcoder worker (`olc-node --transcoder`) over a 60 s stream on a
// dev chain with three transcoder nodes: push-to-playlist latency (the broadcaster's POST, which
// the service answers once the segment is in every rendition's playlist), CPU time of a
// verifier's check against the CPU time of transcoding a segment, and the worker nodes' peak
// memory. Exits non-zero when a target is missed:
//   - p95 push-to-playlist <= one segment (2 s) + the mean transcode time measured in this run;
//   - a verifier's check <= 25% of a segment's transcode CPU time.
// CPU times are of the node processes (from /proc), less each node's idle rate measured before
// the stream, so the node's own block processing is not counted.
// The job is a realistic one: the default four-rendition ladder (720p, 480p, 360p, 240p) of a
// 720p30 source with camera-like grain (testsrc2 with temporal noise, made by the ffmpeg CLI),
// not a flat test pattern that costs next to nothing to encode.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import {
  startNode,
  connect,
  waitFor,
  freePort,
  metrics,
  sleep,
  ALICE_NODE_KEY,
} from '../lib/node.mjs';
import { startBroadcast, startWorkerNode, DEFAULT_LADDER as PROFILES } from '../lib/transcoder.mjs';
import { UNIT, submitOk, percentile, recordEvents } from '../lib/chain.mjs';
import { rpcCall } from '../lib/rpc.mjs';

const SEGMENTS = Number(process.env.OLC_WORKER_BENCH_SEGMENTS ?? 30);
const SEGMENT_MS = 2000;
const CHECK_SHARE_TARGET = 0.25;
const PRICE = 1_000_000n;

/** CPU seconds (user + system) of process `pid` so far. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident memory of process `pid`, in MiB. */
function peakMiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line.split(/\s+/)[1]) / 1024;
}

// The source: SEGMENTS × 2 s of 720p30 with grain, and a tone.
const sourceDir = mkdtempSync(join(tmpdir(), 'olc-bench-source-'));
const SOURCE = join(sourceDir, 'source.ts');
execFileSync('ffmpeg', [
  '-v',
  'error',
  '-y',
  '-f',
  'lavfi',
  '-i',
  'testsrc2=size=1280x720:rate=30,noise=alls=12:allf=t+u',
  '-f',
  'lavfi',
  '-i',
  'sine=frequency=440:sample_rate=48000',
  '-t',
  String((SEGMENTS * SEGMENT_MS) / 1000 + 1),
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-b:v',
  '4000k',
  '-g',
  '60',
  '-c:a',
  'aac',
  '-f',
  'mpegts',
  SOURCE,
]);

const alice = await startNode('bench-worker-alice', [
  '--dev',
  '--tmp',
  '--node-key',
  ALICE_NODE_KEY,
]);
const nodes = {};
const dirs = [];
let api;
let record;
let failed; // set once the figures are in (an exception before that exits non-zero by itself)
try {
  api = await connect(alice);
  record = recordEvents(api);
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  const key = (name) => keyring.addFromUri(`//${name}`);
  const prices = { Charlie: PRICE, Dave: 2n * PRICE, Eve: 3n * PRICE };
  for (const name of Object.keys(prices)) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), `olc-bench-${name}-`));
    dirs.push(dir);
    const node = await startWorkerNode(name, {
      alice,
      port,
      basePath: dir,
      log: `bench-worker-${name.toLowerCase()}`,
    });
    nodes[name] = { node, url: `http://127.0.0.1:${port}` };
  }
  const ok = (tx, signer) => submitOk(api, tx, signer);
  await Promise.all(
    Object.entries(prices).map(async ([name, price]) => {
      await ok(api.tx.stakingDelegation.bond(2_000n * UNIT, key(name).address), key(name));
      await ok(
        api.tx.stakingDelegation.registerTranscoder(100_000_000, 0, price, nodes[name].url),
        key(name),
      );
    }),
  );
  const rpc = (method, ...params) => rpcCall(api, method, ...params);
  await waitFor(
    'three active transcoders',
    async () => (await rpc('stakingDelegation_activeSet')).length === 3,
    60_000,
  );
  const created = await ok(api.tx.jobs.createStream('bench', key('Bob').publicKey), key('Bob'));
  const streamId = created.events
    .find(({ event }) => api.events.jobs.StreamCreated.is(event))
    .event.data.streamId.toHex();
  const job = await ok(api.tx.jobs.createJob(streamId, PROFILES, PRICE, UNIT), key('Bob'));
  const jobId = job.events
    .find(({ event }) => api.events.jobs.JobCreated.is(event))
    .event.data.jobId.toNumber();
  await waitFor(
    'the assignment',
    async () => (await rpc('jobs_job', jobId)).status === 'assigned',
    60_000,
  );

  // Idle CPU rate of each node, to subtract from what the stream and the checks cost.
  const pids = Object.fromEntries(
    Object.entries(nodes).map(([name, { node }]) => [name, node.process.pid]),
  );
  const idleFrom = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]),
  );
  const idleStart = Date.now();
  await sleep(10_000);
  const idleRate = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [
      name,
      (cpuSeconds(pid) - idleFrom[name]) / ((Date.now() - idleStart) / 1000),
    ]),
  );

  const cpuAt = (name) => cpuSeconds(pids[name]);
  const streamStart = { time: Date.now(), cpu: cpuAt('Charlie') };
  const broadcast = startBroadcast('bench-worker-broadcast', [
    '--input',
    SOURCE,
    '--seed',
    '//Bob',
    '--stream-id',
    streamId,
    '--rpc',
    alice.wsUrl,
    '--segments',
    String(SEGMENTS),
    '--realtime',
  ]);
  const { code, stderr } = await broadcast.done;
  if (code !== 0) throw new Error(`the broadcaster failed:\n${stderr}`);
  const streamSeconds = (Date.now() - streamStart.time) / 1000;
  const transcodeCpu = cpuAt('Charlie') - streamStart.cpu - idleRate.Charlie * streamSeconds;
  const latencies = [...stderr.matchAll(/segment \d+: accepted by \S+ in (\d+) ms/g)].map((m) =>
    Number(m[1]),
  );
  if (latencies.length !== SEGMENTS)
    throw new Error(`${latencies.length} of ${SEGMENTS} segments accepted:\n${stderr}`);

  // The verifiers' checks: wait until every claim of the job passed verification.
  await waitFor(
    'all segments claimed',
    async () => (await rpc('jobs_job', jobId)).nextClaimableSeq >= SEGMENTS,
    120_000,
  );
  await waitFor(
    'every claim verified',
    async () => {
      const claims = record.of('jobs', 'WorkClaimed', (d) => d.jobId.toNumber() === jobId);
      return (
        claims.length > 0 &&
        claims.every(
          ({ data }) =>
            record.of(
              'verification',
              'VerificationPassed',
              (d) => d.claimId.toNumber() === data.claimId.toNumber(),
            ).length === 1,
        )
      );
    },
    180_000,
  );
  const charlie = await metrics(nodes.Charlie.node);
  let checks = 0;
  let checkCpu = 0;
  for (const name of ['Dave', 'Eve']) {
    const m = await metrics(nodes[name].node);
    checks += m.olc_transcoder_content_checks_total ?? 0;
    checkCpu += m.olc_transcoder_check_cpu_seconds_total ?? 0;
  }
  if (checks === 0) throw new Error('no verifier checked anything');
  const segments = charlie.olc_transcoder_segments_transcoded_total;
  const meanTranscodeMs =
    (1000 * charlie.olc_transcoder_transcode_seconds_sum) /
    charlie.olc_transcoder_transcode_seconds_count;
  const transcodeCpuPerSegment = transcodeCpu / segments;
  // The workers count the CPU time of the thread that runs a check (hash, decode, compare).
  const checkCpuPerSegment = checkCpu / checks;
  const share = checkCpuPerSegment / transcodeCpuPerSegment;
  const p95 = percentile(latencies, 95);
  const latencyTarget = SEGMENT_MS + meanTranscodeMs;
  const f = (x) => `${x.toFixed(0)} ms`;
  console.log(
    `worker benchmark: ${SEGMENTS} segments (2 s, ${PROFILES.map((p) => p.name).join(' + ')}) from a 720p30 source with grain`,
  );
  for (const profile of PROFILES) {
    console.log(
      `  push-to-playlist ${profile.name}: p50 ${f(percentile(latencies, 50))}, p95 ${f(p95)}, max ${f(Math.max(...latencies))} (every rendition is published when the POST returns)`,
    );
  }
  console.log(
    `  transcode: mean ${f(meanTranscodeMs)} per segment (wall), ${transcodeCpuPerSegment.toFixed(2)} CPU s per segment`,
  );
  console.log(
    `  verifier check: ${checks} checks, ${checkCpuPerSegment.toFixed(2)} CPU s per check (the checking thread's CPU time)`,
  );
  console.log(
    `  check / transcode CPU = ${share.toFixed(2)} (target <= ${CHECK_SHARE_TARGET}: ${share <= CHECK_SHARE_TARGET ? 'met' : 'NOT met'})`,
  );
  console.log(
    `  p95 push-to-playlist / (2 s + mean transcode ${f(meanTranscodeMs)}) = ${(p95 / latencyTarget).toFixed(2)} (target <= 1: ${p95 <= latencyTarget ? 'met' : 'NOT met'})`,
  );
  console.log(
    `  peak memory: ${Object.entries(pids)
      .map(([name, pid]) => `${name} ${peakMiB(pid).toFixed(0)} MiB`)
      .join(', ')} (node and worker)`,
  );
  failed = share > CHECK_SHARE_TARGET || p95 > latencyTarget;
} finally {
  await record?.stop();
  await api?.disconnect();
  for (const { node } of Object.values(nodes)) await node.stop();
  await alice.stop();
  for (const dir of [...dirs, sourceDir]) rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
