// End to end: a burst of tips through a node that does not author (as viewers reach the chain
// through a public RPC node) is never lost silently. Every tip the RPC node accepts is either in
// exactly one finalized block or reported to its sender (`dropped`, `invalid`, `usurped`) on the
// watch subscription; a refused submission is reported by the RPC error itself.
//
// The burst (8,004 tips from 6 accounts, 1,334 nonces each) arrives at the author by gossip in no
// nonce order, so much of it waits in the pools as "future" transactions; with Substrate's pool
// defaults (819 future transactions) both pools dropped those silently (README "The chain").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { WsProvider } from '@polkadot/api';
import {
  startNode,
  connect,
  ALICE_NODE_KEY,
  aliceBootnode,
  waitFinalized,
  waitFor,
  sleep,
} from './lib/node.mjs';
import { UNIT } from './lib/chain.mjs';

const SENDERS = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie'];
const PER_SENDER = 1_334;
// Connections per sender: a connection holds at most 1,024 subscriptions by default.
const LINKS = 2;
const NICKNAME = 'pool-e2e';
// Statuses after which the pool says no more about a transaction.
const TERMINAL = ['finalized', 'dropped', 'invalid', 'usurped', 'finalityTimeout'];
// Give up once no tip's status changed for this long (a silently lost tip never changes again).
const QUIET_MS = 40_000;
// A tip reported dropped is signed again and resent at most this often (as a wallet would).
const RESENDS = 3;

let author;
let rpcNode;
let api;

before(async () => {
  author = await startNode('pool-author', ['--dev', '--tmp', '--node-key', ALICE_NODE_KEY]);
  rpcNode = await startNode('pool-rpc', [
    '--chain',
    'dev',
    '--tmp',
    '--bootnodes',
    aliceBootnode(author),
  ]);
  api = await connect(rpcNode);
  await waitFor('the RPC node to peer with the author', async () => {
    const health = await api.rpc.system.health();
    return health.peers.toNumber() > 0 && !health.isSyncing.isTrue;
  });
  await waitFinalized(api, 2, 120_000);
});

after(async () => {
  await api?.disconnect();
  await rpcNode?.stop();
  await author?.stop();
});

/** How many tips ended in each status (`refused` for a submission the RPC node refused). */
const histogram = (tips) =>
  tips.reduce(
    (h, t) => ({
      ...h,
      [t.refused ? 'refused' : t.status]: (h[t.refused ? 'refused' : t.status] ?? 0) + 1,
    }),
    {},
  );

/** The status name of an `author_extrinsicUpdate` notification ("ready", { inBlock } ...). */
const statusName = (status) => (typeof status === 'string' ? status : Object.keys(status)[0]);

test('issue15_flood_through_rpc_node: every accepted tip lands exactly once or is reported, none silently lost', async () => {
  const keyring = new Keyring({ type: 'sr25519' });
  const senders = SENDERS.map((uri) => keyring.addFromUri(uri));
  const broadcaster = keyring.addFromUri('//pool-e2e-broadcaster').address;
  const startBlock = (await api.rpc.chain.getHeader()).number.toNumber();

  // Signed ahead as wallets do (mortal, 64 blocks), so the burst is as fast as the RPC node takes it.
  const sign = async (tip) => {
    const head = await api.rpc.chain.getHeader();
    const era = api.createType('ExtrinsicEra', { current: head.number.toNumber(), period: 64 });
    return api.tx.olcToken
      .tip(broadcaster, UNIT, 1, NICKNAME, tip.memo)
      .sign(senders[tip.sender], {
        nonce: tip.nonce,
        era,
        blockHash: head.hash,
        genesisHash: api.genesisHash,
        runtimeVersion: api.runtimeVersion,
      })
      .toHex();
  };
  const tips = [];
  for (const [s, from] of senders.entries()) {
    const first = (await api.rpc.system.accountNextIndex(from.address)).toNumber();
    for (let i = 0; i < PER_SENDER; i++) {
      const tip = { memo: `#${s}-${i}`, sender: s, nonce: first + i, status: null, refused: null };
      tip.link = s * LINKS + (i % LINKS);
      tip.resent = 0;
      tips.push(tip);
    }
  }
  await Promise.all(tips.map(async (tip) => (tip.hex = await sign(tip))));

  // LINKS connections per sender, each sender's tips submitted in nonce order, all senders at once.
  const providers = await Promise.all(
    Array.from({ length: senders.length * LINKS }, async () => {
      const provider = new WsProvider(rpcNode.wsUrl, false);
      await provider.connect();
      await provider.isReady;
      return provider;
    }),
  );
  let lastChange = Date.now();
  // Submits `tip` and follows its status. A tip reported `dropped` is signed again with the same
  // nonce and sent again, as a wallet does (its later nonces wait as `future` until then).
  const submit = async (tip) => {
    try {
      await providers[tip.link].subscribe(
        'author_extrinsicUpdate',
        'author_submitAndWatchExtrinsic',
        [tip.hex],
        (error, status) => {
          if (error) return;
          tip.status = statusName(status);
          lastChange = Date.now();
          if (tip.status === 'dropped' && tip.resent < RESENDS) {
            tip.resent += 1;
            sign(tip).then((hex) => {
              tip.hex = hex;
              return submit(tip);
            });
          }
        },
      );
    } catch (e) {
      tip.refused = e.message;
    }
  };
  try {
    await Promise.all(
      senders.map(async (_, s) => {
        for (const tip of tips.filter((t) => t.sender === s)) await submit(tip);
      }),
    );
    const accepted = tips.filter((t) => !t.refused);
    // Wait for every accepted tip to reach a final status, as long as statuses keep changing.
    const settled = (t) =>
      TERMINAL.includes(t.status) && (t.status !== 'dropped' || t.resent >= RESENDS);
    while (accepted.some((t) => !settled(t))) {
      assert.ok(
        Date.now() - lastChange < QUIET_MS,
        `silently lost: ${accepted.filter((t) => !settled(t)).length} accepted tips ` +
          `never finalized nor reported dropped/invalid (last statuses: ${[
            ...new Set(accepted.filter((t) => !settled(t)).map((t) => t.status)),
          ].join(', ')}); all statuses: ${JSON.stringify(histogram(tips))}`,
      );
      await sleep(500);
    }
  } finally {
    await Promise.all(providers.map((p) => p.disconnect()));
  }

  // Count each tip's `Tipped` events in the finalized chain since the burst began.
  const finalized = (
    await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())
  ).number.toNumber();
  const landed = new Map();
  for (let n = startBlock + 1; n <= finalized; n++) {
    const events = await api.query.system.events.at(await api.rpc.chain.getBlockHash(n));
    for (const { event } of events) {
      if (event.section !== 'olcToken' || event.method !== 'Tipped') continue;
      if (event.data.nickname.toUtf8() !== NICKNAME) continue;
      const memo = event.data.message.toUtf8();
      landed.set(memo, (landed.get(memo) ?? 0) + 1);
    }
  }
  const reported = ['dropped', 'invalid', 'usurped'];
  for (const tip of tips) {
    const count = landed.get(tip.memo) ?? 0;
    assert.ok(count <= 1, `tip ${tip.memo} applied ${count} times`);
    if (tip.status === 'finalized')
      assert.equal(count, 1, `tip ${tip.memo} finalized but not in a block`);
    if (count === 0)
      assert.ok(
        tip.refused || reported.includes(tip.status),
        `tip ${tip.memo} is in no block and its sender was told nothing (status ${tip.status})`,
      );
  }
  // The burst is within OLC's pool limits: none of it is refused, all of it lands (the few tips a
  // loaded node drops are reported, resent by their senders and land then).
  const lost = tips.filter((t) => !landed.has(t.memo));
  assert.equal(
    lost.length,
    0,
    `${lost.length} tips not in a block (refused ${tips.filter((t) => t.refused).length}: ` +
      `${tips.find((t) => t.refused)?.refused ?? '-'}; reported ${lost.filter((t) => reported.includes(t.status)).length})`,
  );
  console.log(
    `pool e2e: ${tips.length} tips, ${landed.size} landed; resent after a reported drop: ` +
      `${tips.filter((t) => t.resent > 0).length}; statuses ${JSON.stringify(histogram(tips))}`,
  );
});
