// End to end (issue 15): a four-validator `--chain local` network with persistent base paths,
// while tips keep flowing through Alice's node:
// - all four validators author and finalize; every spec has its own protocol id;
// - Dave is killed (SIGKILL): blocks and finality go on; he restarts on his database and catches
//   up;
// - a fifth and a sixth node sync from scratch (full sync, warp sync) and follow finality;
// - Eve joins: session keys from her node (`author_rotateKeysWithOwner`), `session.setKeys`,
//   root adds her with the validator manager, and she authors after the session change; Charlie
//   is removed at the same time and stops authoring;
// - no tip is lost or applied twice: the receiver's balance is exactly the sum of the tips.
// One network serves every scenario (they run in order); waits are on blocks and events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { execFileSync } from 'node:child_process';
import {
  startNode,
  connect,
  waitFinalized,
  waitFor,
  ALICE_NODE_KEY,
  aliceBootnode,
  OUT_DIR,
  NODE_BIN,
} from './lib/node.mjs';
import { UNIT, submitAndWaitFinalized, submitOk, auraAuthor } from './lib/chain.mjs';

const SESSION_LENGTH = 10; // TEST_SESSION_LENGTH of the local preset
const TIP = UNIT / 10n;
const key = (n) => n.toString(16).padStart(64, '0');

const validators = {}; // name -> { node, api, args, basePath }
const extra = []; // other nodes and apis to stop
const dirs = [];
let keyring;
let bootnode;
let api; // Alice's

// Tips: one per new block from Ferdie to a fresh account, submitted to Alice's node.
let tipper;
let receiver;
const tips = [];
let tipping = false;
let tipLoop = null;

async function startValidator(name, flag, nodeKey, extraArgs = []) {
  const basePath = mkdtempSync(join(tmpdir(), `olc-network-${name}-`));
  dirs.push(basePath);
  const args = [
    '--chain',
    'local',
    '--base-path',
    basePath,
    flag,
    '--node-key',
    nodeKey,
    ...extraArgs,
  ];
  const node = await startNode(`network-${name}`, args);
  return { node, args, basePath };
}

const finalizedNumber = async (a) =>
  (await a.rpc.chain.getHeader(await a.rpc.chain.getFinalizedHead())).number.toNumber();
const bestNumber = async (a) => (await a.rpc.chain.getHeader()).number.toNumber();

/**
 * Resolves with the numbers of the next `count` best heads imported after the call (the head
 * current at the call, which the subscription reports first, is left out).
 */
function nextBlocks(a, count) {
  return new Promise((resolve) => {
    const seen = [];
    let first = null;
    let unsub = null;
    let done = false;
    a.rpc.chain
      .subscribeNewHeads((header) => {
        const number = header.number.toNumber();
        if (first === null) {
          first = number;
          return;
        }
        if (done || number <= first || seen.includes(number)) return;
        seen.push(number);
        if (seen.length >= count) {
          done = true;
          unsub?.();
          resolve(seen);
        }
      })
      .then((u) => {
        unsub = u;
        if (done) u();
      });
  });
}

before(async () => {
  keyring = new Keyring({ type: 'sr25519', ss58Format: 2017 });
  const alice = await startValidator('alice', '--alice', ALICE_NODE_KEY);
  bootnode = aliceBootnode(alice.node);
  validators.alice = alice;
  validators.bob = await startValidator('bob', '--bob', key(2), ['--bootnodes', bootnode]);
  validators.charlie = await startValidator('charlie', '--charlie', key(3), [
    '--bootnodes',
    bootnode,
  ]);
  validators.dave = await startValidator('dave', '--dave', key(4), ['--bootnodes', bootnode]);
  for (const v of Object.values(validators)) v.api = await connect(v.node);
  api = validators.alice.api;
  tipper = keyring.addFromUri('//Ferdie');
  receiver = keyring.addFromUri('//NetworkTipReceiver');

  tipping = true;
  tipLoop = (async () => {
    let nonce = (await api.rpc.system.accountNextIndex(tipper.address)).toNumber();
    while (tipping) {
      const tx = api.tx.olcToken.tip(receiver.address, TIP, 1, 'net', `tip ${nonce}`);
      // A tip not finalized within 2 minutes counts as lost.
      const result = Promise.race([
        submitAndWaitFinalized(api, tx, tipper, { nonce }),
        new Promise((_, reject) =>
          setTimeout(
            () => reject(new Error(`tip ${nonce} not finalized in 120 s`)),
            120_000,
          ).unref(),
        ),
      ]);
      result.catch(() => {}); // checked at the end
      tips.push(result);
      nonce += 1;
      await nextBlocks(api, 1);
    }
  })();
});

after(async () => {
  tipping = false;
  await tipLoop?.catch(() => {});
  for (const { api: a } of extra) await a?.disconnect().catch(() => {});
  for (const v of Object.values(validators)) await v.api?.disconnect().catch(() => {});
  for (const { node } of extra) await node.stop();
  for (const v of Object.values(validators)) await v.node.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('four validators author in turn and finalize; the local spec names its protocol id', async () => {
  const apis = Object.values(validators).map((v) => v.api);
  for (const a of apis) {
    assert.equal(a.genesisHash.toHex(), api.genesisHash.toHex());
    assert.equal((await a.query.session.validators()).length, 4);
    assert.equal((await a.query.aura.authorities()).length, 4);
  }
  const spec = await api.rpc.system.chainType();
  assert.ok(spec.isLocal);
  await Promise.all(apis.map((a) => waitFinalized(a, 9, 90_000)));
  const authors = new Set();
  for (let n = 1; n <= 9; n++)
    authors.add(await auraAuthor(api, await api.rpc.chain.getBlockHash(n)));
  for (const uri of ['//Alice', '//Bob', '//Charlie', '//Dave']) {
    assert.ok(authors.has(keyring.addFromUri(uri).address), `${uri} authored one of blocks 1-9`);
  }
  // The spec's own protocol id, not Substrate's generic `sup`.
  const exported = JSON.parse(
    execFileSync(NODE_BIN, ['export-chain-spec', '--chain', 'local'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 << 20,
    }),
  );
  assert.equal(exported.protocolId, 'olc-local');
});

test('a validator killed: blocks and finality go on; it restarts on its database and catches up', async () => {
  const dave = validators.dave;
  const before = await bestNumber(dave.api);
  await dave.api.disconnect();
  await dave.node.kill();
  const killedAt = await finalizedNumber(api);
  // Three of four validators keep producing and finalizing (GRANDPA needs 3 of 4).
  await waitFinalized(api, killedAt + 6, 60_000);

  const { rpcPort, p2pPort, prometheusPort } = dave.node;
  dave.node = await startNode('network-dave', dave.args, { rpcPort, p2pPort, prometheusPort });
  dave.api = await connect(dave.node);
  const sync = await dave.api.rpc.system.syncState();
  // From his database: not from genesis (ParityDB may drop the last commits of a SIGKILL).
  assert.ok(
    sync.startingBlock.toNumber() > 0 && sync.startingBlock.toNumber() >= before - 5,
    `Dave restarted from his database at #${sync.startingBlock} (he had #${before})`,
  );
  const target = await finalizedNumber(api);
  await waitFinalized(dave.api, target + 2, 60_000);
  const hash = await dave.api.rpc.chain.getBlockHash(target);
  assert.ok(hash.eq(await api.rpc.chain.getBlockHash(target)), 'Dave is on the same chain');
});

test('new nodes sync from scratch (full and warp) and follow finality', async () => {
  const target = await finalizedNumber(api);
  const full = await startNode('network-full', [
    '--chain',
    'local',
    '--tmp',
    '--sync',
    'full',
    '--bootnodes',
    bootnode,
  ]);
  const warp = await startNode('network-warp', [
    '--chain',
    'local',
    '--tmp',
    '--sync',
    'warp',
    '--bootnodes',
    bootnode,
  ]);
  extra.push({ node: full }, { node: warp });
  const fullApi = await connect(full);
  const warpApi = await connect(warp);
  extra[0].api = fullApi;
  extra[1].api = warpApi;
  await Promise.all([
    waitFinalized(fullApi, target, 90_000),
    waitFinalized(warpApi, target, 90_000),
  ]);
  // And they follow: three more finalized blocks, the same as Alice's.
  const later = (await finalizedNumber(api)) + 3;
  await Promise.all([waitFinalized(fullApi, later, 60_000), waitFinalized(warpApi, later, 60_000)]);
  for (const a of [fullApi, warpApi]) {
    assert.ok((await a.rpc.chain.getBlockHash(later)).eq(await api.rpc.chain.getBlockHash(later)));
  }
  // The full node imported every block; the warp node jumped over them with GRANDPA proofs.
  assert.ok((await fullApi.rpc.chain.getBlockHash(1)).eq(await api.rpc.chain.getBlockHash(1)));
  const warpLog = readFileSync(join(OUT_DIR, 'network-warp.log'), 'utf8');
  assert.match(warpLog, /Warp sync is complete/);
  assert.doesNotMatch(warpLog, /Warp sync failed/);
});

test('Eve joins through session keys and the validator manager; Charlie is removed and stops authoring', async () => {
  const eve = keyring.addFromUri('//Eve');
  const charlie = keyring.addFromUri('//Charlie');
  const alice = keyring.addFromUri('//Alice');
  // Eve's node: a validator with an empty keystore (no dev keys); she generates her keys there.
  validators.eve = await startValidator('eve', '--validator', key(5), [
    '--bootnodes',
    bootnode,
    '--name',
    'eve',
  ]);
  validators.eve.api = await connect(validators.eve.node);
  const eveApi = validators.eve.api;
  // The RPC call an operator makes (unsafe: allowed on the node's loopback port only).
  const response = await fetch(`http://127.0.0.1:${validators.eve.node.rpcPort}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      id: 1,
      jsonrpc: '2.0',
      method: 'author_rotateKeysWithOwner',
      params: [u8aToHex(eve.publicKey)],
    }),
  });
  const { result: generated, error } = await response.json();
  assert.ok(generated, `author_rotateKeysWithOwner: ${JSON.stringify(error)}`);
  assert.ok(generated.proof, 'the node returns an ownership proof');
  await submitOk(api, api.tx.session.setKeys(generated.keys, generated.proof), eve);

  // Root adds Eve and removes Charlie.
  let nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  const [added, removed] = await Promise.all([
    submitOk(api, api.tx.sudo.sudo(api.tx.validatorManager.addValidator(eve.address)), alice, {
      nonce,
    }),
    submitOk(
      api,
      api.tx.sudo.sudo(api.tx.validatorManager.removeValidator(charlie.address)),
      alice,
      { nonce: nonce + 1 },
    ),
  ]);
  for (const r of [added, removed]) {
    const sudid = r.events.find(({ event }) => api.events.sudo.Sudid.is(event));
    assert.ok(sudid?.event.data.sudoResult.isOk, `sudo call succeeded: ${sudid?.event.data}`);
  }

  // Active within two sessions.
  const active = await waitFor(
    'Eve in the active set',
    async () => {
      const set = (await api.query.session.validators()).map((v) => v.toString());
      return set.includes(eve.address) && !set.includes(charlie.address) ? set : null;
    },
    6 * SESSION_LENGTH * 2_000,
  );
  assert.equal(active.length, 4);
  const changedAt = await bestNumber(api);

  // The next two rounds of four slots: Eve authors, Charlie does not; finality goes on.
  const blocks = await nextBlocks(api, 9);
  const authors = [];
  for (const n of blocks) authors.push(await auraAuthor(api, await api.rpc.chain.getBlockHash(n)));
  assert.ok(authors.includes(eve.address), `Eve authored one of #${blocks[0]}-#${blocks.at(-1)}`);
  assert.ok(!authors.includes(charlie.address), 'Charlie no longer authors');
  await waitFinalized(api, changedAt + 5, 60_000);
  await waitFinalized(eveApi, changedAt + 5, 60_000);
});

test('no tip was lost or applied twice', async () => {
  tipping = false;
  await tipLoop;
  const results = await Promise.allSettled(tips);
  const failed = results.filter((r) => r.status === 'rejected' || r.value.dispatchError !== null);
  assert.equal(
    failed.length,
    0,
    `failed tips: ${failed.map((r) => r.reason ?? r.value.dispatchError)}`,
  );
  assert.ok(tips.length >= 20, `${tips.length} tips flowed during the scenarios`);
  const finalized = await api.rpc.chain.getFinalizedHead();
  const at = await api.at(finalized);
  const balance = (await at.query.system.account(receiver.address)).data.free.toBigInt();
  assert.equal(balance, BigInt(tips.length) * TIP, 'the receiver holds exactly the tips sent');
  console.log(`${tips.length} tips, each finalized and applied once`);
});
