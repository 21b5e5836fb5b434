// End to end: tipping on a real `olc-node --dev` with @polkadot/api.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { startNode, connect } from './lib/node.mjs';
import {
  UNIT,
  maintainersPot,
  submitAndWaitFinalized,
  freeAt,
  parentOf,
  auraAuthor,
} from './lib/chain.mjs';

let node;
let api;
let alice;
let bob;
let charlie;

before(async () => {
  node = await startNode('tip-dev', ['--dev', '--tmp']);
  api = await connect(node);
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  alice = keyring.addFromUri('//Alice');
  bob = keyring.addFromUri('//Bob');
  charlie = keyring.addFromUri('//Charlie');
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

test('chain identity: OLC, 12 decimals, 2 s blocks, metadata v15+', async () => {
  const props = await api.rpc.system.properties();
  assert.equal(props.tokenSymbol.unwrap()[0].toString(), 'OLC');
  assert.equal(props.tokenDecimals.unwrap()[0].toNumber(), 12);
  assert.equal(api.registry.chainSS58, 2017);
  assert.equal(api.consts.aura.slotDuration.toNumber(), 2000);
  const versions = await api.call.metadata.metadataVersions();
  assert.ok(
    versions.map((v) => v.toNumber()).some((v) => v >= 15),
    `versions: ${versions}`,
  );
  assert.ok(api.tx.olcToken?.tip, 'olcToken.tip is in the metadata');
});

test('a tip reaches the broadcaster in full; the fee splits 80/20 author/maintainers pot', async () => {
  const pot = maintainersPot(api);
  const amount = 5n * UNIT;
  const tx = api.tx.olcToken.tip(bob.address, amount, 3, '小明', 'great stream 加油!');
  const result = await submitAndWaitFinalized(api, tx, charlie);
  assert.equal(result.dispatchError, null);

  const block = result.blockHash;
  const parent = await parentOf(api, block);
  const author = await auraAuthor(api, block);
  assert.equal(author, alice.address, 'Alice authors every block of the dev chain');

  // The Tipped event carries every field as sent.
  const tipped = result.events.find(({ event }) => api.events.olcToken.Tipped.is(event));
  assert.ok(tipped, 'Tipped event emitted');
  const { from, to, amount: tippedAmount, gift, nickname, message } = tipped.event.data;
  assert.equal(from.toString(), charlie.address);
  assert.equal(to.toString(), bob.address);
  assert.equal(tippedAmount.toBigInt(), amount);
  assert.equal(gift.toNumber(), 3);
  assert.equal(nickname.toUtf8(), '小明');
  assert.equal(message.toUtf8(), 'great stream 加油!');

  // The fee actually paid.
  const feePaid = result.events.find(({ event }) =>
    api.events.transactionPayment.TransactionFeePaid.is(event),
  );
  assert.ok(feePaid, 'TransactionFeePaid event emitted');
  const fee = feePaid.event.data.actualFee.toBigInt() + feePaid.event.data.tip.toBigInt();
  assert.ok(fee > 0n);

  const delta = async (who) => (await freeAt(api, block, who)) - (await freeAt(api, parent, who));
  assert.equal(await delta(bob.address), amount, 'Bob received exactly the tip');
  assert.equal(await delta(charlie.address), -(amount + fee), 'Charlie paid the tip plus the fee');
  const authorGain = await delta(alice.address);
  const potGain = await delta(pot);
  assert.equal(authorGain + potGain, fee, 'the whole fee went to author and pot');
  assert.equal(authorGain, (fee * 80n) / 100n, 'author got 80%');
  assert.equal(potGain, fee - (fee * 80n) / 100n, 'pot got the other 20%');

  const ms = (x) => (x - result.submittedAt).toFixed(0);
  console.log(
    `tip: included after ${ms(result.inBlockAt)} ms, finalized after ${ms(result.finalizedAt)} ms ` +
      `(submission to finalization); fee ${fee} = ${authorGain} to author + ${potGain} to pot`,
  );
});

/** Submits a bad tip from Charlie to `to`; returns the pallet error and checks balances. */
async function badTip(to, amount, nickname, message) {
  const tx = api.tx.olcToken.tip(to, amount, 0, nickname, message);
  const result = await submitAndWaitFinalized(api, tx, charlie);
  const block = result.blockHash;
  const parent = await parentOf(api, block);
  const feePaid = result.events.find(({ event }) =>
    api.events.transactionPayment.TransactionFeePaid.is(event),
  );
  const fee = feePaid.event.data.actualFee.toBigInt() + feePaid.event.data.tip.toBigInt();
  const charlieDelta =
    (await freeAt(api, block, charlie.address)) - (await freeAt(api, parent, charlie.address));
  assert.equal(charlieDelta, -fee, 'a failed tip costs the sender only the fee');
  if (to !== charlie.address) {
    const toDelta = (await freeAt(api, block, to)) - (await freeAt(api, parent, to));
    assert.equal(toDelta, 0n, 'a failed tip leaves the recipient untouched');
  }
  assert.ok(
    !result.events.some(({ event }) => api.events.olcToken.Tipped.is(event)),
    'no Tipped event',
  );
  return result.dispatchError;
}

test("bad tips fail with the pallet's named errors and move no OLC", async () => {
  assert.equal(await badTip(bob.address, 0n, 'a', 'b'), 'olcToken.TipBelowMinimum');
  assert.equal(await badTip(charlie.address, UNIT, 'a', 'b'), 'olcToken.TipToSelf');
  assert.equal(
    await badTip(bob.address, UNIT, u8aToHex(new Uint8Array([0xff, 0xfe])), 'b'),
    'olcToken.NicknameNotUtf8',
  );
  assert.equal(
    await badTip(bob.address, UNIT, 'a', u8aToHex(new Uint8Array([0xe5, 0xa5]))),
    'olcToken.MessageNotUtf8',
  );
  const huge = 10n ** 30n;
  assert.equal(await badTip(bob.address, huge, 'a', 'b'), 'olcToken.InsufficientBalance');
});

test('a 33-byte nickname does not fit the call: the node refuses the transaction', async () => {
  const before = await api.query.system.account(charlie.address);
  const tx = api.tx.olcToken.tip(bob.address, UNIT, 0, 'x'.repeat(33), 'b');
  await assert.rejects(submitAndWaitFinalized(api, tx, charlie), (err) => {
    console.log(`33-byte nickname refused: ${err.message.split('\n')[0]}`);
    // The call cannot be decoded, so the runtime refuses to validate the transaction.
    return /decode|invalid|verification error/i.test(err.message);
  });
  const after = await api.query.system.account(charlie.address);
  assert.equal(after.data.free.toBigInt(), before.data.free.toBigInt(), 'nothing charged');
  assert.equal(after.nonce.toNumber(), before.nonce.toNumber());
});
