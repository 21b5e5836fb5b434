// End to end: three validators (Alice, Bob, Charlie) of `--chain local` on loopback produce and
// finalize blocks together.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { startNode, connect, waitFinalized, sleep, ALICE_NODE_KEY, aliceBootnode } from './lib/node.mjs';
import { auraAuthor } from './lib/chain.mjs';

const nodes = [];
const apis = [];

before(async () => {
  const common = ['--chain', 'local', '--tmp', '--rpc-cors', 'all'];
  const alice = await startNode('local-alice', [...common, '--alice', '--node-key', ALICE_NODE_KEY]);
  nodes.push(alice);
  const bootnode = aliceBootnode(alice);
  // Validators need a fixed network key (they refuse to generate one silently).
  const key = (n) => n.toString(16).padStart(64, '0');
  nodes.push(await startNode('local-bob', [...common, '--bob', '--node-key', key(2), '--bootnodes', bootnode]));
  nodes.push(await startNode('local-charlie', [...common, '--charlie', '--node-key', key(3), '--bootnodes', bootnode]));
  for (const node of nodes) apis.push(await connect(node));
});

after(async () => {
  for (const api of apis) await api.disconnect();
  for (const node of nodes) await node.stop();
});

test('three validators produce blocks in turn and all finalize them', async () => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: apis[0].registry.chainSS58 });
  const validators = ['//Alice', '//Bob', '//Charlie'].map((uri) => keyring.addFromUri(uri).address);

  // Every node sees three peers' worth of authorities and the same genesis.
  const genesis = apis[0].genesisHash.toHex();
  for (const api of apis) {
    assert.equal(api.genesisHash.toHex(), genesis);
    assert.equal((await api.query.aura.authorities()).length, 3);
  }

  // Wait until block 9 is finalized on every node (four full Aura rotations).
  const target = 12;
  const started = Date.now();
  const finalized = await Promise.all(apis.map((api) => waitFinalized(api, target, 120_000)));
  console.log(`block #${target} finalized on all three nodes after ${Date.now() - started} ms`);

  // They agree on the finalized chain.
  const hashes = await Promise.all(apis.map((api) => api.rpc.chain.getBlockHash(target)));
  assert.ok(hashes.every((h) => h.eq(hashes[0])), 'same block everywhere at the target height');
  for (const header of finalized) assert.ok(header.number.toNumber() >= target);

  // Each validator authored some of the first twelve blocks.
  const authors = new Set();
  for (let n = 1; n <= target; n++) {
    const hash = await apis[0].rpc.chain.getBlockHash(n);
    authors.add(await auraAuthor(apis[0], hash));
  }
  for (const v of validators) assert.ok(authors.has(v), `validator ${v} authored a block`);

  // And every node has peers.
  for (const api of apis) {
    const health = await api.rpc.system.health();
    assert.ok(health.peers.toNumber() >= 2, `peers: ${health.peers}`);
  }
  await sleep(0);
});
