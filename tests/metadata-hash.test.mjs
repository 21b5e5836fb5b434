// End to end (issue 15 item 4): the runtime carries the metadata hash (RFC-78), so a
// transaction signed in mode 1 of `CheckMetadataHash` (what Ledger's generic app and other
// RFC-78 wallets do) is accepted, and one signed with a wrong hash is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { merkleizeMetadata } from '@polkadot-api/merkleize-metadata';
import { startNode, connect } from './lib/node.mjs';
import { UNIT, submitAndWaitFinalized } from './lib/chain.mjs';

let node;
let api;

before(async () => {
  node = await startNode('metadata-hash', ['--dev', '--tmp']);
  api = await connect(node);
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

test('a transfer signed with the metadata hash (mode 1) is accepted; a wrong hash is refused', async () => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 2017 });
  const bob = keyring.addFromUri('//Bob');
  const dave = keyring.addFromUri('//Dave');

  // The hash a wallet computes from the chain's V15 metadata, the token symbol and decimals.
  const opaque = await api.call.metadata.metadataAtVersion(15);
  assert.ok(opaque.isSome, 'the runtime serves metadata V15');
  const metadataHash = u8aToHex(
    merkleizeMetadata(opaque.unwrap().toU8a(true), { decimals: 12, tokenSymbol: 'OLC' }).digest(),
  );

  const tx = () => api.tx.olcToken.tip(dave.address, UNIT, 1, 'ledger', 'mode 1');
  const before = (await api.query.system.account(dave.address)).data.free.toBigInt();
  const result = await submitAndWaitFinalized(api, tx(), bob, { mode: 1, metadataHash });
  assert.equal(result.dispatchError, null);
  const after = (await api.at(result.blockHash)).query.system.account(dave.address);
  assert.equal((await after).data.free.toBigInt() - before, UNIT, 'the tip arrived');

  // The signature covers the hash: another hash gives a payload the runtime did not sign.
  const wrong = `0x${'11'.repeat(32)}`;
  await assert.rejects(
    submitAndWaitFinalized(api, tx(), bob, { mode: 1, metadataHash: wrong }),
    /bad signature|Invalid Transaction|1010/i,
  );
});
