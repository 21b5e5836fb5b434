// End to end: verification of claims on `olc-node --dev` with a real transcoder service. Charlie
// (the only transcoder cheap enough for Alice's job) transcodes real segments; Dave, Eve and Ferdie
// are the other active transcoders, so they form the committees. An honest claim is challenged,
// proven with receipts and Merkle proofs made by olc-primitives (`olc-transcoder proofs`), voted
// good by its committee and paid, verifiers included. A claim whose root does not match the real
// receipts (tampered) cannot be proven: Bob reports the missed verification, Charlie is slashed
// 10% with Bob's finder fee, and the claim's fee goes back to Alice's deposit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { decodeAddress } from '@polkadot/util-crypto';
import { u8aEq } from '@polkadot/util';
import { startNode, connect, waitFor } from './lib/node.mjs';
import { startTranscoderService, runTranscoder, DEFAULT_LADDER as LADDER } from './lib/transcoder.mjs';
import { UNIT, submitAndWaitFinalized, submitOk, eventsInBlocks } from './lib/chain.mjs';

const same = (a, b) => u8aEq(decodeAddress(a), decodeAddress(b));

const PRICE = 1_000_000n;

let node;
let api;
let service;
let keys;

const rpc = (method, ...params) => api._rpcCore.provider.send(method, params);

const ok = (tx, signer, options) => submitOk(api, tx, signer, options);

/** The `verification.<name>` events of claim `claimId` in finalized blocks from `from` on. */
const claimEvents = async (name, from, claimId) =>
  (await eventsInBlocks(api, 'verification', name, from)).filter(({ data }) => data.claimId.toNumber() === claimId);

before(async () => {
  node = await startNode('verification-dev', ['--dev', '--tmp']);
  api = await connect(node);
  service = await startTranscoderService('verification-transcoder', '//Charlie');
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  keys = Object.fromEntries(['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']
    .map((name) => [name.toLowerCase(), keyring.addFromUri(`//${name}`)]));
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
  service?.stop();
});

test('an honest claim is proven, checked and paid; a tampered one is slashed', async () => {
  const { alice, bob, charlie, dave, eve, ferdie } = keys;
  const verifiers = [dave, eve, ferdie];
  // Charlie works at PRICE; the verifiers ask 5 × PRICE, above Alice's maximum, so the job can
  // only go to Charlie while all four are active.
  const register = async (who, bond, price, uri) => {
    await ok(api.tx.stakingDelegation.bond(bond, who.address), who);
    await ok(api.tx.stakingDelegation.registerTranscoder(100_000_000, 500_000_000, price, uri), who);
  };
  await Promise.all([
    register(charlie, 20_000n * UNIT, PRICE, service.url),
    ...verifiers.map((v) => register(v, 2_000n * UNIT, 5n * PRICE, 'http://127.0.0.1:9')),
  ]);
  await waitFor('four active transcoders', async () => (await rpc('stakingDelegation_activeSet')).length === 4);

  const created = await ok(api.tx.jobs.createStream('verified stream'), alice);
  const streamId = created.events.find(({ event }) => api.events.jobs.StreamCreated.is(event)).event.data.streamId.toHex();
  const deposit = 1n * UNIT;
  const jobCreated = await ok(api.tx.jobs.createJob(streamId, LADDER, 2n * PRICE, deposit), alice);
  const jobId = jobCreated.events.find(({ event }) => api.events.jobs.JobCreated.is(event)).event.data.jobId.toNumber();
  const job = await waitFor('the assignment', async () => {
    const view = await rpc('jobs_job', jobId);
    return view.status === 'assigned' ? view : null;
  }, 30_000);
  assert.ok(same(job.assignment.transcoder, charlie.address));

  const segments = 6;
  const broadcast = await runTranscoder([
    'broadcast', '--input', 'testsrc:1280x720@30', '--seed', '//Alice', '--stream-id', streamId,
    '--push', service.url, '--segments', String(segments),
  ], { timeout: 240_000 });
  assert.equal((broadcast.stderr.match(/: transcoded/g) ?? []).length, segments, broadcast.stderr);

  // Honest claim over segments 0..3 with the root of the real receipts.
  const claimTool = await runTranscoder(['claim', '--service', service.url, '--stream-id', streamId, '--from', '0', '--to', '3']);
  const { merkleRoot } = JSON.parse(claimTool.stdout);
  const honest = await ok(api.tx.jobs.claimWork(jobId, 0, 3, merkleRoot), charlie);
  const honestClaim = honest.events.find(({ event }) => api.events.jobs.WorkClaimed.is(event)).event.data;
  const honestId = honestClaim.claimId.toNumber();
  const honestFee = honestClaim.fee.toBigInt();
  const claimBlock = (await api.rpc.chain.getHeader(honest.blockHash)).number.toNumber();

  // The challenges appear two blocks later (they depend on the hash of the block after the claim).
  const challenged = await waitFor('the challenges', async () => rpc('verification_challenges', honestId), 30_000);
  assert.ok(challenged.length >= 1 && challenged.every((seq) => seq >= 0 && seq <= 3), `${challenged}`);
  console.log(`claim ${honestId} (segments 0..3): challenged ${challenged.join(', ')}`);

  const proofsTool = await runTranscoder([
    'proofs', '--service', service.url, '--stream-id', streamId, '--from', '0', '--to', '3',
    '--segments', challenged.join(','),
  ]);
  const { encoded } = JSON.parse(proofsTool.stdout);
  // The call takes the SCALE bytes as they are.
  const proven = await ok(api.tx.verification.submitProofs(honestId, encoded), charlie);
  assert.ok(proven.events.some(({ event }) => api.events.verification.ClaimProven.is(event)), 'all challenges proven');

  // Each proven segment gets a committee of the three other transcoders; they vote good.
  const committees = await waitFor('the committees', async () => {
    const drawn = await claimEvents('CommitteeDrawn', claimBlock, honestId);
    return drawn.length === challenged.length ? drawn : null;
  }, 30_000);
  for (const { data } of committees) {
    const members = data.members.map((m) => m.toString());
    assert.equal(members.length, 3);
    assert.ok(!members.some((m) => same(m, charlie.address)), 'the claimant never verifies itself');
    await Promise.all(members.map((m) => {
      const signer = verifiers.find((v) => same(v.address, m));
      return ok(api.tx.verification.submitVerdict(honestId, data.seq.toNumber(), true), signer);
    }));
  }
  await waitFor('the verification to pass', async () =>
    (await claimEvents('VerificationPassed', claimBlock, honestId)).length === 1, 30_000);

  // Tampered claim over segments 4..5: its root is not the receipts' root, so no proof fits it.
  const tamperedRoot = `0x${'ab'.repeat(32)}`;
  const tampered = await ok(api.tx.jobs.claimWork(jobId, 4, 5, tamperedRoot), charlie);
  const tamperedClaim = tampered.events.find(({ event }) => api.events.jobs.WorkClaimed.is(event)).event.data;
  const tamperedId = tamperedClaim.claimId.toNumber();
  const tamperedFee = tamperedClaim.fee.toBigInt();
  const tamperedChallenges = await waitFor('the challenges', async () => rpc('verification_challenges', tamperedId), 30_000);
  const realProofs = await runTranscoder([
    'proofs', '--service', service.url, '--stream-id', streamId, '--from', '4', '--to', '5',
    '--segments', tamperedChallenges.join(','),
  ]);
  const rejected = await submitAndWaitFinalized(api,
    api.tx.verification.submitProofs(tamperedId, JSON.parse(realProofs.stdout).encoded), charlie);
  assert.match(rejected.dispatchError ?? '', /^verification\./, 'proofs against a tampered root are refused');
  console.log(`claim ${tamperedId} (tampered root): proofs refused with ${rejected.dispatchError}`);

  // After the proof deadline Bob reports the missed verification and earns the finder fee.
  const report = await waitFor('the proof deadline', async () => {
    const result = await submitAndWaitFinalized(api, api.tx.verification.reportMissed(tamperedId), bob);
    return result.dispatchError === null ? result : null;
  }, 120_000);
  const parent = (await api.rpc.chain.getHeader(report.blockHash)).parentHash.toHex();
  const stakeBefore = BigInt((await rpc('stakingDelegation_transcoder', charlie.address, parent)).stake);
  const slashed = report.events.find(({ event }) => api.events.verification.Slashed.is(event)).event.data;
  assert.ok(same(slashed.transcoder.toString(), charlie.address));
  assert.ok(same(slashed.finder.unwrap().toString(), bob.address));
  const slashedAmount = slashed.amount.toBigInt();
  // 10% of the stake delegated to Charlie: earning and pending stake are each rounded down (a
  // unit or two below a tenth of the sum), and rewards of the report's block may add a little.
  const tenth = stakeBefore / 10n;
  assert.ok(slashedAmount + 2n >= tenth && slashedAmount <= tenth + tenth / 100n, `slashed ${slashedAmount} of ${stakeBefore}`);
  const staking = report.events.find(({ event }) => api.events.stakingDelegation.Slashed.is(event)).event.data;
  const finderReward = staking.finderReward.toBigInt();
  assert.equal(finderReward, slashedAmount * 5n / 100n);
  console.log(`missed verification: Charlie slashed ${slashedAmount} of ${stakeBefore} stake (10%), Bob's finder fee ${finderReward}`);

  // The tampered claim's fee is back in the deposit; the honest one is paid after the window,
  // a verifier fee going to the committee members.
  const settled = await waitFor('both claims settled', async () => {
    const view = await rpc('jobs_job', jobId);
    return (await rpc('jobs_claimsOfJob', jobId)).length === 0 ? view : null;
  }, 300_000);
  assert.equal(BigInt(settled.escrow), 0n);
  const verifierPaid = (await eventsInBlocks(api, 'jobs', 'VerifierPaid', claimBlock))
    .filter(({ data }) => data.claimId.toNumber() === honestId)
    .reduce((sum, { data }) => sum + data.amount.toBigInt(), 0n);
  // The job's `paid` counts everything paid out of the escrow, the verifiers' 1% included.
  assert.equal(BigInt(settled.paid), honestFee, 'the honest fee was paid out');
  assert.ok(verifierPaid > 0n && verifierPaid <= honestFee / 100n, `verifiers got ${verifierPaid}`);
  assert.equal(BigInt(settled.deposit), deposit - honestFee, 'the tampered fee came back to the deposit');
  console.log(`honest claim ${honestId}: fee ${honestFee}, ${honestFee - verifierPaid} to Charlie, ${verifierPaid} to its verifiers; tampered fee ${tamperedFee} refunded`);
});
