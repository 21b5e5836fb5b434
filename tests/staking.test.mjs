// End to end: bonding and delegation to a transcoder on `olc-node --dev` (5-block rounds):
// register, delegate, earn over two rounds (seen through the stakingDelegation_* RPC), claim,
// unbond, wait the unbonding period, withdraw.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { startNode, connect } from './lib/node.mjs';
import { rpcCall } from './lib/rpc.mjs';
import { decodeAddress } from '@polkadot/util-crypto';
import { u8aEq } from '@polkadot/util';
import { UNIT, submitAndWaitFinalized, submitOk } from './lib/chain.mjs';

const sameAccount = (a, b) => u8aEq(decodeAddress(a), decodeAddress(b));

let node;
let api;
let charlie; // the transcoder
let dave; // a delegator

/** Calls a stakingDelegation_* RPC method over the API's provider. */
const rpc = (method, ...params) => rpcCall(api, `stakingDelegation_${method}`, ...params);

const ok = (tx, signer, options) => submitOk(api, tx, signer, options);

/** Waits until the current round's index is at least `index`. */
async function waitRound(index, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const round = await rpc('round');
    if (round.index >= index) return round;
    if (Date.now() > deadline) throw new Error(`round ${index} not reached (at ${round.index})`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function heldBy(who) {
  const holds = await api.query.balances.holds(who);
  return holds.reduce((sum, hold) => sum + hold.amount.toBigInt(), 0n);
}

before(async () => {
  node = await startNode('staking-dev', ['--dev', '--tmp']);
  api = await connect(node);
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  charlie = keyring.addFromUri('//Charlie');
  dave = keyring.addFromUri('//Dave');
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

test('register, delegate, earn, claim, unbond and withdraw', async () => {
  const selfBond = 2_000n * UNIT;
  const delegated = 10_000n * UNIT;

  // Charlie bonds to itself and registers as a transcoder.
  await ok(api.tx.stakingDelegation.bond(selfBond, charlie.address), charlie);
  await ok(
    api.tx.stakingDelegation.registerTranscoder(
      100_000_000, // reward cut 10%
      500_000_000, // fee share 50%
      1_000_000n, // price per segment
      'http://127.0.0.1:8935',
    ),
    charlie,
  );
  // Dave delegates to Charlie: the OLC stays in Dave's account, on hold.
  const daveFreeBefore = (await api.query.system.account(dave.address)).data.free.toBigInt();
  await ok(api.tx.stakingDelegation.bond(delegated, charlie.address), dave);
  assert.equal(await heldBy(dave.address), delegated);
  const daveFreeAfterBond = (await api.query.system.account(dave.address)).data.free.toBigInt();
  assert.ok(daveFreeBefore - daveFreeAfterBond >= delegated, 'bonded OLC left the free balance');

  const registered = (await rpc('round')).index;
  // The registration takes effect at the next round start; a round later Charlie has earned.
  await waitRound(registered + 2);
  const transcoder = await rpc('transcoder', charlie.address);
  assert.equal(transcoder.registered, true);
  assert.equal(transcoder.active, true);
  assert.equal(transcoder.serviceUri, 'http://127.0.0.1:8935');
  assert.equal(transcoder.terms.rewardCut, 100_000_000);
  assert.ok(BigInt(transcoder.stake) >= selfBond + delegated);
  const activeSet = await rpc('activeSet');
  assert.ok(
    activeSet.some((m) => sameAccount(m.transcoder, charlie.address)),
    'Charlie is in the active set',
  );

  const before = await rpc('delegator', dave.address);
  assert.ok(sameAccount(before.transcoder, charlie.address), 'Dave delegates to Charlie');
  const rewards = BigInt(before.unclaimedRewards);
  assert.ok(rewards > 0n, `Dave has pending rewards after two rounds: ${JSON.stringify(before)}`);
  console.log(
    `after 2 rounds: Dave's pending rewards ${rewards} (stake ${before.stake}), Charlie's stake ${transcoder.stake}`,
  );

  // Claiming compounds the rewards into Dave's bond (the hold grows).
  const heldBeforeClaim = await heldBy(dave.address);
  await ok(api.tx.stakingDelegation.claimEarnings(), dave);
  const heldAfterClaim = await heldBy(dave.address);
  assert.ok(heldAfterClaim - heldBeforeClaim >= rewards, 'rewards compounded into the bond');

  // Unbond part of it: an unbonding lock withdrawable 7 rounds later.
  const unbondAmount = 4_000n * UNIT;
  await ok(api.tx.stakingDelegation.unbond(unbondAmount), dave);
  const locks = await rpc('unbondingLocks', dave.address);
  assert.equal(locks.length, 1);
  assert.equal(BigInt(locks[0].amount), unbondAmount);
  const { id, withdrawRound } = locks[0];

  // Too early: withdrawing fails with a named error.
  const early = await submitAndWaitFinalized(
    api,
    api.tx.stakingDelegation.withdrawUnbonded(id),
    dave,
  );
  assert.match(early.dispatchError ?? '', /^stakingDelegation\./);

  await waitRound(withdrawRound);
  const freeBefore = (await api.query.system.account(dave.address)).data.free.toBigInt();
  const heldBefore = await heldBy(dave.address);
  const withdrawn = await ok(api.tx.stakingDelegation.withdrawUnbonded(id), dave);
  const feePaid = withdrawn.events.find(({ event }) =>
    api.events.transactionPayment.TransactionFeePaid.is(event),
  );
  const fee = feePaid.event.data.actualFee.toBigInt();
  const freeAfter = (await api.query.system.account(dave.address)).data.free.toBigInt();
  assert.equal(freeAfter - freeBefore, unbondAmount - fee, 'the unbonded OLC is free again');
  assert.equal(heldBefore - (await heldBy(dave.address)), unbondAmount);
  assert.equal((await rpc('unbondingLocks', dave.address)).length, 0);
  console.log(`withdrew ${unbondAmount} after the unbonding period (round ${withdrawRound})`);
});
