// End to end: a claim that cannot be proven, on `olc-node --dev` with a real standalone transcoder
// service (`olc-transcoder serve`) and the claim made by hand. Charlie transcodes real segments
// and claims them with a Merkle root that is not the receipts' root (tampered): the real receipts'
// proofs are refused (`olc-transcoder proofs`), Bob reports the missed verification, Charlie is
// slashed 10% with Bob's finder fee, and the claim's fee goes back to Alice's deposit. Honest
// claims, their committees' checks and votes, and payment are shown by the bundled worker's test
// (transcoder-worker.test.mjs), where nobody votes by hand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { decodeAddress } from '@polkadot/util-crypto';
import { u8aEq } from '@polkadot/util';
import { startNode, connect, waitFor } from './lib/node.mjs';
import {
  startTranscoderService,
  runTranscoder,
  DEFAULT_LADDER as LADDER,
} from './lib/transcoder.mjs';
import { UNIT, submitAndWaitFinalized, submitOk } from './lib/chain.mjs';
import { rpcCall } from './lib/rpc.mjs';

const same = (a, b) => u8aEq(decodeAddress(a), decodeAddress(b));

const PRICE = 1_000_000n;

let node;
let api;
let service;
let keys;

const rpc = (method, ...params) => rpcCall(api, method, ...params);

const ok = (tx, signer, options) => submitOk(api, tx, signer, options);

before(async () => {
  node = await startNode('verification-dev', ['--dev', '--tmp']);
  api = await connect(node);
  service = await startTranscoderService('verification-transcoder', '//Charlie');
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  keys = Object.fromEntries(
    ['Alice', 'Bob', 'Charlie'].map((name) => [
      name.toLowerCase(),
      keyring.addFromUri(`//${name}`),
    ]),
  );
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
  service?.stop();
});

test('a claim that cannot be proven is reported and slashed', async () => {
  const { alice, bob, charlie } = keys;
  await ok(api.tx.stakingDelegation.bond(20_000n * UNIT, charlie.address), charlie);
  await ok(
    api.tx.stakingDelegation.registerTranscoder(100_000_000, 500_000_000, PRICE, service.url),
    charlie,
  );
  await waitFor(
    'Charlie active',
    async () => (await rpc('stakingDelegation_activeSet')).length === 1,
  );

  const created = await ok(api.tx.jobs.createStream('verified stream', alice.publicKey), alice);
  const streamId = created.events
    .find(({ event }) => api.events.jobs.StreamCreated.is(event))
    .event.data.streamId.toHex();
  const deposit = 1n * UNIT;
  const jobCreated = await ok(api.tx.jobs.createJob(streamId, LADDER, 2n * PRICE, deposit), alice);
  const jobId = jobCreated.events
    .find(({ event }) => api.events.jobs.JobCreated.is(event))
    .event.data.jobId.toNumber();
  const job = await waitFor(
    'the assignment',
    async () => {
      const view = await rpc('jobs_job', jobId);
      return view.status === 'assigned' ? view : null;
    },
    30_000,
  );
  assert.ok(same(job.assignment.transcoder, charlie.address));

  const segments = 2;
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
      service.url,
      '--segments',
      String(segments),
    ],
    { timeout: 240_000 },
  );
  assert.equal(
    (broadcast.stderr.match(/: accepted by /g) ?? []).length,
    segments,
    broadcast.stderr,
  );

  // Tampered claim over segments 0..1: its root is not the receipts' root, so no proof fits it.
  const tamperedRoot = `0x${'ab'.repeat(32)}`;
  const tampered = await ok(api.tx.jobs.claimWork(jobId, 0, 1, tamperedRoot), charlie);
  const tamperedClaim = tampered.events.find(({ event }) => api.events.jobs.WorkClaimed.is(event))
    .event.data;
  const tamperedId = tamperedClaim.claimId.toNumber();
  const tamperedFee = tamperedClaim.fee.toBigInt();
  const tamperedChallenges = await waitFor(
    'the challenges',
    async () => rpc('verification_challenges', tamperedId),
    30_000,
  );
  const realProofs = await runTranscoder([
    'proofs',
    '--service',
    service.url,
    '--stream-id',
    streamId,
    '--from',
    '0',
    '--to',
    '1',
    '--segments',
    tamperedChallenges.join(','),
  ]);
  const rejected = await submitAndWaitFinalized(
    api,
    api.tx.verification.submitProofs(tamperedId, JSON.parse(realProofs.stdout).encoded),
    charlie,
  );
  assert.match(
    rejected.dispatchError ?? '',
    /^verification\./,
    'proofs against a tampered root are refused',
  );
  console.log(`claim ${tamperedId} (tampered root): proofs refused with ${rejected.dispatchError}`);

  // After the proof deadline Bob reports the missed verification and earns the finder fee.
  const report = await waitFor(
    'the proof deadline',
    async () => {
      const result = await submitAndWaitFinalized(
        api,
        api.tx.verification.reportMissed(tamperedId),
        bob,
      );
      return result.dispatchError === null ? result : null;
    },
    120_000,
  );
  const parent = (await api.rpc.chain.getHeader(report.blockHash)).parentHash.toHex();
  const stakeBefore = BigInt(
    (await rpc('stakingDelegation_transcoder', charlie.address, parent)).stake,
  );
  const slashed = report.events.find(({ event }) => api.events.verification.Slashed.is(event)).event
    .data;
  assert.ok(same(slashed.transcoder.toString(), charlie.address));
  assert.ok(same(slashed.finder.unwrap().toString(), bob.address));
  const slashedAmount = slashed.amount.toBigInt();
  // A round that starts in the report's block rewards Charlie's pool before the slash (dev rounds
  // are 5 blocks): that reward is stake when the slash comes.
  let rewarded = 0n;
  for (const { event } of await (await api.at(report.blockHash)).query.system.events()) {
    if (
      api.events.stakingDelegation.Rewarded.is(event) &&
      same(event.data.transcoder.toString(), charlie.address)
    ) {
      rewarded += event.data.delegatorsReward.toBigInt() + event.data.transcoderReward.toBigInt();
    }
  }
  // 10% of the stake delegated to Charlie: earning and pending stake are each rounded down (a
  // unit or two below a tenth of the sum).
  const tenth = stakeBefore / 10n;
  const most = (stakeBefore + rewarded) / 10n;
  assert.ok(
    slashedAmount + 2n >= tenth && slashedAmount <= most + most / 100n,
    `slashed ${slashedAmount} of ${stakeBefore} (+ ${rewarded} rewarded in the report's block)`,
  );
  const staking = report.events.find(({ event }) => api.events.stakingDelegation.Slashed.is(event))
    .event.data;
  const finderReward = staking.finderReward.toBigInt();
  // The finder fee is 5% of what Charlie's own bond lost (all of the stake is Charlie's own here;
  // earning and pending parts round separately).
  assert.ok(
    finderReward <= (slashedAmount * 5n) / 100n && finderReward + 2n >= (slashedAmount * 5n) / 100n,
    `finder ${finderReward} of ${slashedAmount}`,
  );
  console.log(
    `missed verification: Charlie slashed ${slashedAmount} of ${stakeBefore} stake (10%), Bob's finder fee ${finderReward}`,
  );

  // The tampered claim's fee is back in the deposit.
  const settled = await waitFor(
    'the claim settled',
    async () => {
      const view = await rpc('jobs_job', jobId);
      return (await rpc('jobs_claimsOfJob', jobId)).length === 0 ? view : null;
    },
    300_000,
  );
  assert.equal(BigInt(settled.escrow), 0n);
  assert.equal(BigInt(settled.paid), 0n);
  // The slash deactivated Charlie, so a grace reservation for work he has not claimed yet is
  // held apart from the deposit until its period ends (issue 12 item 5): together they are the
  // whole deposit again.
  const info = (await api.query.jobs.jobs(jobId)).unwrap();
  const reserved = info.graces.reduce((sum, grace) => sum + grace.reserved.toBigInt(), 0n);
  assert.equal(
    BigInt(settled.deposit) + reserved,
    deposit,
    'the tampered fee came back to the deposit',
  );
  console.log(`tampered claim ${tamperedId}: fee ${tamperedFee} refunded`);
});
