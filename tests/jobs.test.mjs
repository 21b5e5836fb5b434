// End to end: the job market on `olc-node --dev` with a real transcoder service. Charlie bonds,
// registers as a transcoder whose service URI is a running `olc-transcoder serve`, and enters the
// active set; Alice opens a stream and a job with the default ladder; the chain elects Charlie
// (TranscoderAssigned); Alice's broadcaster pushes signed test-pattern segments to Charlie's
// service; `olc-transcoder claim` fetches and verifies the receipts and computes their Merkle root
// (olc-primitives); Charlie claims the work and proves the segments the chain challenges
// (`olc-transcoder proofs`; with no other transcoder there is no committee); after the
// verification window the fee is paid into Charlie's pending fees (stakingDelegation_delegator).
// A second claim over the same segments is refused as a double claim.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { decodeAddress } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { startNode, connect, waitFor } from './lib/node.mjs';
import { rpcCall } from './lib/rpc.mjs';
import { startTranscoderService, runTranscoder, DEFAULT_LADDER } from './lib/transcoder.mjs';
import { UNIT, submitAndWaitFinalized, submitOk } from './lib/chain.mjs';

const SEGMENTS = 3;

let node;
let api;
let service; // { url, stop() }
let alice; // the broadcaster
let charlie; // the transcoder

const rpc = (method, ...params) => rpcCall(api, method, ...params);

const ok = (tx, signer, options) => submitOk(api, tx, signer, options);

before(async () => {
  node = await startNode('jobs-dev', ['--dev', '--tmp']);
  api = await connect(node);
  service = await startTranscoderService('jobs-transcoder', '//Charlie');
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  alice = keyring.addFromUri('//Alice');
  charlie = keyring.addFromUri('//Charlie');
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
  service?.stop();
});

test('a job is assigned, transcoded, claimed with a Merkle root of real receipts and paid', async () => {
  const price = 1_000_000n; // per segment and rendition
  // Charlie becomes a transcoder reachable at the running service.
  await ok(api.tx.stakingDelegation.bond(2_000n * UNIT, charlie.address), charlie);
  await ok(
    api.tx.stakingDelegation.registerTranscoder(
      100_000_000, // reward cut 10%
      500_000_000, // fee share 50%
      price,
      service.url,
    ),
    charlie,
  );
  await waitFor('Charlie in the active set', async () => {
    const view = await rpc('stakingDelegation_transcoder', charlie.address);
    return view?.active;
  });

  // Alice opens a stream and a job for the default ladder.
  const created = await ok(api.tx.jobs.createStream('e2e stream', alice.publicKey), alice);
  const streamEvent = created.events.find(({ event }) => api.events.jobs.StreamCreated.is(event));
  const streamId = streamEvent.event.data.streamId.toHex();
  const deposit = 1n * UNIT;
  const jobResult = await ok(
    api.tx.jobs.createJob(streamId, DEFAULT_LADDER, 2n * price, deposit),
    alice,
  );
  const jobId = jobResult.events
    .find(({ event }) => api.events.jobs.JobCreated.is(event))
    .event.data.jobId.toNumber();
  assert.equal((await rpc('jobs_stream', streamId)).status, 'live');

  // The next block elects Charlie, the only active transcoder, at its own price.
  const job = await waitFor(
    'the assignment',
    async () => {
      const view = await rpc('jobs_job', jobId);
      return view.status === 'assigned' ? view : null;
    },
    30_000,
  );
  assert.equal(
    decodeAddress(job.assignment.transcoder).toString(),
    decodeAddress(charlie.address).toString(),
  );
  assert.equal(job.assignment.serviceUri, service.url);
  assert.equal(BigInt(job.assignment.pricePerSegment), price);
  assert.equal(BigInt(job.deposit), deposit);
  console.log(
    `job ${jobId} of stream ${streamId} assigned to Charlie at ${job.assignment.serviceUri}`,
  );

  // Alice broadcasts signed segments of a 720p test pattern to the assigned service.
  const broadcast = await runTranscoder(
    [
      'broadcast',
      '--input',
      'testsrc:1280x720@30',
      '--seed',
      '//Alice',
      '--stream-id',
      streamId,
      '--push',
      job.assignment.serviceUri,
      '--segments',
      String(SEGMENTS),
    ],
    { timeout: 180_000 },
  );
  assert.equal(
    (broadcast.stderr.match(/: accepted by /g) ?? []).length,
    SEGMENTS,
    broadcast.stderr,
  );

  // The receipts, verified, give the Merkle root to claim with.
  const claimTool = await runTranscoder([
    'claim',
    '--service',
    service.url,
    '--stream-id',
    streamId,
    '--from',
    '0',
    '--to',
    String(SEGMENTS - 1),
  ]);
  const claim = JSON.parse(claimTool.stdout);
  assert.equal(claim.segments, SEGMENTS);
  assert.equal(claim.profiles, DEFAULT_LADDER.length);
  assert.equal(claim.transcoder, u8aToHex(decodeAddress(charlie.address)));
  assert.match(claim.merkleRoot, /^0x[0-9a-f]{64}$/);

  const feesBefore = BigInt((await rpc('stakingDelegation_delegator', charlie.address)).fees);
  const claimed = await ok(
    api.tx.jobs.claimWork(jobId, 0, SEGMENTS - 1, claim.merkleRoot),
    charlie,
  );
  const workClaimed = claimed.events.find(({ event }) => api.events.jobs.WorkClaimed.is(event))
    .event.data;
  const fee = BigInt(SEGMENTS * DEFAULT_LADDER.length) * price;
  assert.equal(workClaimed.fee.toBigInt(), fee);
  assert.equal(workClaimed.merkleRoot.toHex(), claim.merkleRoot);
  const claimId = workClaimed.claimId.toNumber();
  const afterClaim = await rpc('jobs_job', jobId);
  assert.equal(BigInt(afterClaim.escrow), fee);
  assert.equal(BigInt(afterClaim.deposit), deposit - fee);
  const [pending] = await rpc('jobs_claimsOfJob', jobId);
  assert.equal(pending.id, claimId);
  assert.equal(pending.merkleRoot, claim.merkleRoot);

  // The chain challenges some of the segments; Charlie proves them with receipts and Merkle proofs.
  const challenged = await waitFor(
    'the challenges',
    async () => {
      const value = await rpc('verification_challenges', claimId);
      return value ?? null;
    },
    30_000,
  );
  const proofsTool = await runTranscoder([
    'proofs',
    '--service',
    service.url,
    '--stream-id',
    streamId,
    '--from',
    '0',
    '--to',
    String(SEGMENTS - 1),
    '--segments',
    challenged.join(','),
  ]);
  await ok(
    api.tx.verification.submitProofs(claimId, JSON.parse(proofsTool.stdout).encoded),
    charlie,
  );
  // The committee is drawn in the next block; with no other transcoder the segments pass.
  await waitFor(
    'the verification to pass',
    async () => (await rpc('verification_claimCheck', claimId)).status === 'Passed',
    20_000,
  );

  // The same segments again: a double claim, refused with a named error.
  const again = await submitAndWaitFinalized(
    api,
    api.tx.jobs.claimWork(jobId, 1, SEGMENTS, claim.merkleRoot),
    charlie,
  );
  assert.equal(again.dispatchError, 'jobs.DoubleClaim');

  // After the verification window (80 blocks) the escrow is paid into Charlie's fees (Charlie is
  // its only staker, so the delegators' share comes back to it too; rounding may keep a unit).
  const paid = await waitFor(
    'the payout',
    async () => {
      const view = await rpc('jobs_job', jobId);
      return BigInt(view.paid) === fee ? view : null;
    },
    240_000,
  );
  assert.equal(BigInt(paid.escrow), 0n);
  assert.deepEqual(await rpc('jobs_claimsOfJob', jobId), []);
  const feesAfter = BigInt((await rpc('stakingDelegation_delegator', charlie.address)).fees);
  assert.ok(
    feesAfter - feesBefore <= fee && feesAfter - feesBefore >= fee - 2n,
    `Charlie's fees grew by ${feesAfter - feesBefore}, the fee was ${fee}`,
  );
  console.log(
    `claim ${claimId}: ${SEGMENTS} segments × ${DEFAULT_LADDER.length} renditions, fee ${fee}, paid after the window; Charlie's fees +${feesAfter - feesBefore}`,
  );

  // Alice ends the job: the rest of the deposit is released.
  await ok(api.tx.jobs.endJob(jobId), alice);
  const ended = await rpc('jobs_job', jobId);
  assert.equal(ended.status, 'ended');
  assert.equal(BigInt(ended.deposit), 0n);
});
