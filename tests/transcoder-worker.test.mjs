// End to end: the bundled transcoder worker (`olc-node --transcoder`). A dev chain (Alice) and
// three transcoder nodes joined to it (Charlie, Dave, Eve: `--transcoder`), bonded and
// registered through @polkadot/api. Bob opens streams and jobs with two profiles that are not the
// default ladder and streams the test pattern with `olc-transcoder broadcast --rpc`, which finds
// the assigned transcoder on chain. Bob's streams record the segment key of his encoder
// (`//Bob//encoder`), not his account's key (issue 12 item 8). The test submits no transaction for any transcoder: claims,
// proofs and verdicts appear on chain by themselves, and every verdict rests on a check.
//
// - Job A (honest Charlie, the only transcoder cheap enough): HLS of the job's profiles plays;
//   Charlie's node is killed mid-stream and restarted; the broadcaster follows; every segment is
//   claimed once, proven, checked by Dave and Eve, and paid; Charlie's fees grow by exactly the
//   claims' fees less the verifiers' share.
// - Segments signed by a key that is not the stream's segment key (another account's, or even the
//   owner's own account key), or sent to a transcoder the stream is not assigned to, are refused
//   with named errors.
// - Job B (Charlie restarted with `--transcoder-fault wrong-content`): Dave and Eve fetch, check,
//   vote it down; Charlie is slashed the failed-verification share.
// - Job C (Dave restarted with `--transcoder-fault no-proofs`): Dave is slashed the
//   missed-verification share.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { decodeAddress } from '@polkadot/util-crypto';
import { u8aEq, u8aToHex } from '@polkadot/util';
import {
  startNode,
  connect,
  waitFor,
  freePort,
  metrics,
  sleep,
  ALICE_NODE_KEY,
  NODE_BIN,
  OUT_DIR,
} from './lib/node.mjs';
import {
  startBroadcast,
  runTranscoder,
  startWorkerNode,
  waitForService,
  TEST_PROFILES as PROFILES,
  TEST_SOURCE as SOURCE,
} from './lib/transcoder.mjs';
import { UNIT, submitOk, recordEvents } from './lib/chain.mjs';
import { rpcCall } from './lib/rpc.mjs';

const same = (a, b) => u8aEq(decodeAddress(a.toString()), decodeAddress(b.toString()));
const PRICE = 1_000_000n;

let alice;
let api;
let record;
let keys;
const transcoders = {};
const started = Date.now();
const stage = (what) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${what}`);

const rpc = (method, ...params) => rpcCall(api, method, ...params);
const ok = (tx, signer) => submitOk(api, tx, signer);

/** Starts (or restarts, on the same ports and base path) a transcoder node. */
async function startTranscoderNode(name, fault) {
  const t = transcoders[name];
  const account = `${name[0].toUpperCase()}${name.slice(1)}`;
  // Eve also reports other transcoders' missed verifications, for the finder fee.
  // Dave's service runs with a lower upload limit (checked on its /metrics).
  const extra =
    name === 'eve'
      ? ['--transcoder-report-missed']
      : name === 'dave'
        ? ['--transcoder-max-uploads', '5']
        : [];
  t.node = await startWorkerNode(account, {
    alice,
    port: t.port,
    basePath: t.basePath,
    ports: t.ports,
    fault,
    extra,
  });
  t.ports = {
    rpcPort: t.node.rpcPort,
    p2pPort: t.node.p2pPort,
    prometheusPort: t.node.prometheusPort,
  };
}

before(async () => {
  alice = await startNode('worker-alice', ['--dev', '--tmp', '--node-key', ALICE_NODE_KEY]);
  api = await connect(alice);
  record = recordEvents(api);
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  keys = Object.fromEntries(
    ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((name) => [
      name.toLowerCase(),
      keyring.addFromUri(`//${name}`),
    ]),
  );
  keys.encoder = keyring.addFromUri('//Bob//encoder');
  for (const name of ['charlie', 'dave', 'eve']) {
    const port = await freePort();
    transcoders[name] = {
      basePath: mkdtempSync(join(tmpdir(), `olc-worker-${name}-`)),
      port,
      url: `http://127.0.0.1:${port}`,
      ports: {},
    };
    await startTranscoderNode(name);
  }
  stage('dev chain and three transcoder nodes up');
});

after(async () => {
  await record?.stop();
  await api?.disconnect();
  for (const t of Object.values(transcoders)) {
    await t.node?.stop();
    rmSync(t.basePath, { recursive: true, force: true });
  }
  await alice?.stop();
});

/** Opens a stream and a job for Bob; resolves with { streamId, jobId, transcoder }. */
async function openJob(title, maxPrice) {
  const created = await ok(api.tx.jobs.createStream(title, keys.encoder.publicKey), keys.bob);
  const streamId = created.events
    .find(({ event }) => api.events.jobs.StreamCreated.is(event))
    .event.data.streamId.toHex();
  const jobCreated = await ok(
    api.tx.jobs.createJob(streamId, PROFILES, maxPrice, 1n * UNIT),
    keys.bob,
  );
  const jobId = jobCreated.events
    .find(({ event }) => api.events.jobs.JobCreated.is(event))
    .event.data.jobId.toNumber();
  const job = await waitFor(
    `job ${jobId}'s assignment`,
    async () => {
      const view = await rpc('jobs_job', jobId);
      return view.status === 'assigned' ? view : null;
    },
    60_000,
  );
  return { streamId, jobId, transcoder: job.assignment.transcoder };
}

/** Broadcasts `segments` real-time segments of the test pattern to stream `streamId` via RPC. */
const broadcast = (name, streamId, segments) =>
  startBroadcast(name, [
    '--input',
    SOURCE,
    '--seed',
    '//Bob//encoder',
    '--stream-id',
    streamId,
    '--rpc',
    alice.wsUrl,
    '--segments',
    String(segments),
    '--realtime',
  ]);

/**
 * Asserts that `slash` (a verification.Slashed record) took `percent`% of the stake `who` had:
 * staking's own record of it in the same block applied exactly that fraction and slashed the same
 * amount, which is that share of the stake of the block before (plus at most what the block's
 * round start may have rewarded: dev rounds are 5 blocks, so a slash often lands in one).
 */
async function assertSlashShare(slash, who, percent) {
  const amount = slash.data.amount.toBigInt();
  const staking = record
    .of('stakingDelegation', 'Slashed', (d) => same(d.transcoder, who.address))
    .find((e) => e.block === slash.block);
  assert.ok(staking, `stakingDelegation.Slashed of ${who.address} in block ${slash.block}`);
  assert.equal(staking.data.fraction.toNumber(), percent * 10_000_000, 'the fraction applied');
  assert.equal(staking.data.slashed.toBigInt(), amount, 'the amount slashed');
  const before = await api.rpc.chain.getBlockHash(slash.block - 1);
  const stake = BigInt(
    (await rpc('stakingDelegation_transcoder', who.address, before.toHex())).stake,
  );
  const share = (stake * BigInt(percent)) / 100n;
  // Earning and pending stake round down separately; a round start in the block adds its reward.
  assert.ok(
    amount + 2n >= share && amount <= share + share / 20n,
    `slashed ${amount} of ${stake}, expected ${percent}%`,
  );
}

const claimsOfJob = (jobId) =>
  record.of('jobs', 'WorkClaimed', (d) => d.jobId.toNumber() === jobId);
const ofClaim = (method, claimId) =>
  record.of('verification', method, (d) => d.claimId.toNumber() === claimId);

test('transcoders claim, prove, verify and get paid by themselves; cheats are slashed', async () => {
  const { bob, charlie, dave, eve } = keys;
  // Charlie is the cheapest; Dave's and Eve's prices keep them out of jobs at PRICE.
  const register = async (who, price, t) => {
    await ok(api.tx.stakingDelegation.bond(2_000n * UNIT, who.address), who);
    await ok(api.tx.stakingDelegation.registerTranscoder(100_000_000, 0, price, t.url), who);
  };
  await Promise.all([
    register(charlie, PRICE, transcoders.charlie),
    register(dave, 2n * PRICE, transcoders.dave),
    register(eve, 3n * PRICE, transcoders.eve),
  ]);
  await waitFor(
    'three active transcoders',
    async () => (await rpc('stakingDelegation_activeSet')).length === 3,
    60_000,
  );
  stage('three transcoders registered and active');

  // Job A: only Charlie asks at most PRICE.
  const a = await openJob('worker stream A', PRICE);
  assert.ok(same(a.transcoder, charlie.address), 'job A goes to Charlie');
  // The RPC queries a worker and a broadcaster use.
  const charliesJobs = await rpc('jobs_jobsOfTranscoder', charlie.address, null, 10);
  assert.deepEqual(
    charliesJobs.map((job) => job.id),
    [a.jobId],
  );
  const open = await rpc('jobs_openJobsOfStream', a.streamId);
  assert.equal(open.length, 1);
  assert.equal(open[0].assignment.serviceUri, transcoders.charlie.url);
  const feesBefore = BigInt((await rpc('stakingDelegation_delegator', charlie.address)).fees);

  // Refusals with named errors, before any honest segment: segments signed by a key that is not
  // the stream's segment key (Ferdie's; Bob's own account key, which is not the key the stream
  // recorded: the chain would refuse its receipts, so the worker must not transcode them), and
  // one sent to a transcoder the stream is not assigned to.
  const stream = (await api.query.jobs.streams(a.streamId)).unwrap();
  assert.equal(
    stream.segmentKey.toHex(),
    u8aToHex(keys.encoder.publicKey),
    'the stream records the encoder key',
  );
  for (const seed of ['//Ferdie', '//Bob']) {
    const forged = await runTranscoder([
      'broadcast',
      '--input',
      SOURCE,
      '--seed',
      seed,
      '--stream-id',
      a.streamId,
      '--push',
      transcoders.charlie.url,
      '--segments',
      '1',
    ]).catch((e) => e);
    assert.match(forged.stderr ?? '', /WrongBroadcasterKey/, `${seed}: ${forged.stderr}`);
  }
  const misrouted = await runTranscoder([
    'broadcast',
    '--input',
    SOURCE,
    '--seed',
    '//Bob//encoder',
    '--stream-id',
    a.streamId,
    '--push',
    transcoders.eve.url,
    '--segments',
    '1',
  ]).catch((e) => e);
  assert.match(misrouted.stderr, /NotAssigned/, misrouted.stderr);
  // Each service counts its refusals by name and shows its limits on /metrics (the node's
  // --transcoder-max-* flags reach it).
  const serviceMetrics = async (t) => (await fetch(`${t.url}/metrics`)).text();
  assert.match(
    await serviceMetrics(transcoders.charlie),
    /^olc_service_segments_refused_total\{reason="WrongBroadcasterKey"\} [1-9]/m,
  );
  assert.match(
    await serviceMetrics(transcoders.eve),
    /^olc_service_segments_refused_total\{reason="NotAssigned"\} [1-9]/m,
  );
  assert.match(
    await serviceMetrics(transcoders.dave),
    /^olc_service_uploads_in_progress_limit 5$/m,
  );
  assert.match(
    await serviceMetrics(transcoders.eve),
    /^olc_service_uploads_in_progress_limit 32$/m,
  );
  stage('forged and misrouted segments refused');

  const SEGMENTS_A = 30;
  const streamA = broadcast('worker-broadcast-a', a.streamId, SEGMENTS_A);
  // Kill Charlie's node once its first claim is on chain, mid-stream, and restart it.
  await waitFor('the first claim of job A', async () => claimsOfJob(a.jobId).length > 0, 120_000);
  const hlsBase = `${transcoders.charlie.url}/hls/${a.streamId}`;
  for (const profile of PROFILES) {
    const { stdout } = await promisify(execFile)('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,width,height',
      '-of',
      'json',
      `${hlsBase}/${profile.name}/index.m3u8`,
    ]);
    const [stream] = JSON.parse(stdout).streams;
    assert.equal(stream.codec_name, 'h264');
    assert.ok(
      stream.width <= profile.width && stream.height <= profile.height,
      `${profile.name}: ${stream.width}x${stream.height}`,
    );
  }
  stage('the HLS of both profiles plays; killing Charlie mid-stream');
  await transcoders.charlie.node.kill();
  await sleep(3_000);
  await startTranscoderNode('charlie');
  stage('Charlie restarted');
  const resultA = await streamA.done;
  assert.equal(resultA.code, 0, resultA.stderr);
  stage(`broadcast A done: ${resultA.stderr.trim().split('\n').slice(-2).join(' | ')}`);

  // Every segment is claimed exactly once, in disjoint ranges.
  await waitFor(
    'all of job A claimed (finalized)',
    async () => claimsOfJob(a.jobId).some(({ data }) => data.endSeq.toNumber() === SEGMENTS_A - 1),
    120_000,
  );
  const claimsA = claimsOfJob(a.jobId)
    .map(({ data }) => ({
      id: data.claimId.toNumber(),
      start: data.startSeq.toNumber(),
      end: data.endSeq.toNumber(),
      fee: data.fee.toBigInt(),
    }))
    .sort((x, y) => x.start - y.start);
  let next = 0;
  for (const claim of claimsA) {
    assert.equal(
      claim.start,
      next,
      `claims of job A: ${JSON.stringify(claimsA.map((c) => [c.start, c.end]))}`,
    );
    assert.equal(claim.fee, BigInt(claim.end - claim.start + 1) * BigInt(PROFILES.length) * PRICE);
    next = claim.end + 1;
  }
  assert.equal(next, SEGMENTS_A);
  stage(`job A claimed in ${claimsA.length} claims`);
  // ... each proven by Charlie's worker and passed by Dave's and Eve's checks.
  await waitFor(
    'job A verified',
    async () => claimsA.every((c) => ofClaim('VerificationPassed', c.id).length === 1),
    180_000,
  );
  for (const claim of claimsA) {
    assert.ok(ofClaim('ClaimProven', claim.id).length === 1, `claim ${claim.id} proven`);
    const votes = ofClaim('VerdictSubmitted', claim.id);
    assert.ok(
      votes.length >= 1 && votes.every(({ data }) => data.ok.isTrue),
      `claim ${claim.id} voted good`,
    );
    assert.ok(votes.every(({ data }) => !same(data.verifier, charlie.address)));
  }
  await ok(api.tx.jobs.endJob(a.jobId), bob);
  stage('job A proven and verified; ended');

  // Job B: Charlie now serves other content with matching receipts.
  await transcoders.charlie.node.stop();
  await startTranscoderNode('charlie', 'wrong-content');
  const b = await openJob('worker stream B', PRICE);
  assert.ok(same(b.transcoder, charlie.address));
  const streamB = broadcast('worker-broadcast-b', b.streamId, 8);
  // (The broadcaster is stopped once the verdict is in: the slash resigns Charlie, and with no
  // other transcoder cheap enough the job waits for an election.)
  const failed = await waitFor(
    'job B failed verification',
    async () => {
      const claimIds = claimsOfJob(b.jobId).map(({ data }) => data.claimId.toNumber());
      return claimIds.find((id) => ofClaim('VerificationFailed', id).length > 0);
    },
    240_000,
  );
  streamB.stop();
  const badVotes = ofClaim('VerdictSubmitted', failed);
  assert.ok(
    badVotes.some(({ data }) => !data.ok.isTrue),
    'the committee voted the wrong content down',
  );
  const slashB = record
    .of('verification', 'Slashed', (d) => same(d.transcoder, charlie.address))
    .find(({ data }) => data.reason.toString() === 'FailedVerification');
  assert.ok(slashB, 'Charlie is slashed for failed verification');
  await assertSlashShare(slashB, charlie, 5);
  stage(`job B: claim ${failed} voted down, Charlie slashed ${slashB.data.amount.toBigInt()}`);

  // Each verdict rests on a check: the verifiers' metrics count a check per vote.
  for (const name of ['dave', 'eve']) {
    const votes = record.of('verification', 'VerdictSubmitted', (d) =>
      same(d.verifier, keys[name].address),
    ).length;
    const m = await metrics(transcoders[name].node);
    assert.ok(
      m.olc_transcoder_content_checks_total >= votes && votes > 0,
      `${name}: ${m.olc_transcoder_content_checks_total} checks for ${votes} votes`,
    );
    assert.ok(m.olc_transcoder_content_checks_failed_total >= 1, `${name} found the wrong content`);
  }

  // Job C: Dave never proves. Charlie was resigned by its slash; after a round only Dave
  // (2 × PRICE) is cheap enough.
  await transcoders.dave.node.stop();
  await startTranscoderNode('dave', 'no-proofs');
  await waitFor(
    'Charlie out of the active set',
    async () =>
      !(await rpc('stakingDelegation_activeSet')).some((t) => same(t.transcoder, charlie.address)),
    60_000,
  );
  const c = await openJob('worker stream C', 2n * PRICE);
  assert.ok(same(c.transcoder, dave.address));
  const streamC = broadcast('worker-broadcast-c', c.streamId, 6);
  const missed = await waitFor(
    'job C missed verification',
    async () => {
      const claimIds = claimsOfJob(c.jobId).map(({ data }) => data.claimId.toNumber());
      return claimIds.find((id) => ofClaim('VerificationMissed', id).length > 0);
    },
    240_000,
  );
  streamC.stop();
  const slashC = record
    .of('verification', 'Slashed', (d) => same(d.transcoder, dave.address))
    .find(({ data }) => data.reason.toString() === 'MissedVerification');
  assert.ok(slashC, 'Dave is slashed for the missed verification');
  await assertSlashShare(slashC, dave, 10);
  // Eve's worker reported it as soon as the proof deadline passed, and earned the finder fee.
  const [reported] = ofClaim('VerificationMissed', missed);
  assert.ok(
    same(reported.data.finder.unwrap().toString(), keys.eve.address),
    'Eve found the missed verification',
  );
  assert.ok(
    same(slashC.data.finder.unwrap().toString(), keys.eve.address),
    'the slash names Eve as the finder',
  );
  assert.equal(
    (await metrics(transcoders.eve.node)).olc_transcoder_missed_verifications_reported_total,
    1,
  );
  stage(`job C: claim ${missed} missed, Dave slashed ${slashC.data.amount.toBigInt()}`);

  // Job A's claims are paid after their window: Charlie's fees grow by exactly their fees less
  // what their verifiers were paid.
  await waitFor(
    'job A paid',
    async () =>
      claimsA.every(
        (c) => record.of('jobs', 'FeesPaid', (d) => d.claimId.toNumber() === c.id).length === 1,
      ),
    300_000,
  );
  let owed = 0n;
  for (const claim of claimsA) {
    const verifiers = record
      .of('jobs', 'VerifierPaid', (d) => d.claimId.toNumber() === claim.id)
      .reduce((sum, { data }) => sum + data.amount.toBigInt(), 0n);
    const [paid] = record.of('jobs', 'FeesPaid', (d) => d.claimId.toNumber() === claim.id);
    assert.equal(paid.data.amount.toBigInt(), claim.fee - verifiers, `claim ${claim.id}`);
    owed += claim.fee - verifiers;
  }
  const feesAfter = BigInt((await rpc('stakingDelegation_delegator', charlie.address)).fees);
  assert.equal(feesAfter - feesBefore, owed, 'Charlie earned exactly what its claims owe');
  stage(
    `job A paid: Charlie earned ${owed} for ${SEGMENTS_A} segments × ${PROFILES.length} profiles`,
  );
});

test('the transcoder key comes from the keystore (olct), and without one the node says how to add it', async () => {
  const run = promisify(execFile);
  const basePath = mkdtempSync(join(tmpdir(), 'olc-worker-keys-'));
  try {
    // No --transcoder-key and an empty keystore: the node refuses to start, naming the fix.
    const missing = await run(
      NODE_BIN,
      [
        '--chain',
        'dev',
        '--base-path',
        basePath,
        '--transcoder',
        '--transcoder-listen',
        `127.0.0.1:${await freePort()}`,
        '--no-prometheus',
        '--rpc-port',
        String(await freePort()),
        '--port',
        String(await freePort()),
      ],
      { timeout: 60_000 },
    ).catch((e) => e);
    assert.notEqual(missing.code ?? 0, 0, 'the node must not start without a transcoder key');
    assert.match(`${missing.stderr}${missing.stdout}`, /key insert --key-type olct/);

    // With Ferdie's key inserted as olct, the worker runs as Ferdie.
    await run(NODE_BIN, [
      'key',
      'insert',
      '--chain',
      'dev',
      '--base-path',
      basePath,
      '--key-type',
      'olct',
      '--scheme',
      'sr25519',
      '--suri',
      '//Ferdie',
    ]);
    const port = await freePort();
    const node = await startNode('worker-keystore', [
      '--chain',
      'dev',
      '--base-path',
      basePath,
      '--transcoder',
      '--transcoder-listen',
      `127.0.0.1:${port}`,
    ]);
    try {
      await waitForService('the keystore-keyed service', `http://127.0.0.1:${port}`);
      const ferdie = new Keyring({ type: 'sr25519', ss58Format: 2017 }).addFromUri(
        '//Ferdie',
      ).address;
      // The node's output reaches its log file through a pipe: wait for the line.
      await waitFor(
        `the worker running as Ferdie (${ferdie})`,
        async () =>
          readFileSync(join(OUT_DIR, 'worker-keystore.log'), 'utf8').includes(
            `transcoder ${ferdie}`,
          ),
        30_000,
      );
    } finally {
      await node.stop();
    }
  } finally {
    rmSync(basePath, { recursive: true, force: true });
  }
});
