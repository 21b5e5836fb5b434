// End to end: a burst of tips through a node that does not author (as viewers reach the chain
// through a public RPC node) is never lost silently. Every tip the RPC node accepts is either in
// exactly one finalized block or reported to its sender (`dropped`, `invalid`, `usurped`) on the
// watch subscription; a refused submission is reported by the RPC error itself.
//
// The burst (8,004 tips from 6 accounts, 1,334 nonces each) arrives at the author by gossip in no
// nonce order, so much of it waits in the pools as "future" transactions; with Substrate's pool
// defaults (819 future transactions) both pools dropped those silently, and Substrate's
// fork-aware pool at times lost a tip at the author or refused a new one as "already imported"
// (README "The chain"): `olc-node` runs the single-state pool with larger limits.
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
// Statuses that tell the sender its transaction is not going to be included.
const REPORTED = ['dropped', 'invalid', 'usurped'];
// Give up once no tip's status changed for this long (a silently lost tip never changes again).
const QUIET_MS = 40_000;
// A tip reported dropped, or whose resend was refused, is signed again and resent at most this
// often (as a wallet would).
const RESENDS = 5;

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

/** For a failure message: each sender's first unsettled tip, the tips the queues wait on and
 * every refused tip, with their histories. */
const diagnose = (accepted, tips, settled, gaps) =>
  [
    ...SENDERS.map((_, s) => accepted.find((t) => t.sender === s && !settled(t))),
    ...gaps,
    ...tips.filter((t) => t.refused),
  ]
    .filter(Boolean)
    .map(({ memo, nonce, history }) => ({ memo, nonce, history }));

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
      // Every status and refusal of this tip, in order, for the failure message.
      tip.history = [];
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
  // Signs `tip` again (same nonce, a fresh signature and era) and sends it again, as a wallet does
  // with a tip it was told is gone; at most RESENDS times.
  const resend = async (tip, why) => {
    tip.resent += 1;
    tip.history.push(`resent: ${why}`);
    tip.hex = await sign(tip);
    await submit(tip);
  };
  // Submits `tip` and follows its status. A tip reported `dropped` is sent again at once (its
  // sender's later tips wait as `future` until then); a resend the node refuses is tried again a
  // second later (the refusal is reported to the sender, so nothing is silent about it).
  const submit = async (tip) => {
    try {
      await providers[tip.link].subscribe(
        'author_extrinsicUpdate',
        'author_submitAndWatchExtrinsic',
        [tip.hex],
        (error, status) => {
          if (error) return;
          tip.status = statusName(status);
          tip.history.push(tip.status);
          lastChange = Date.now();
          if (tip.status === 'dropped' && tip.resent < RESENDS) resend(tip, 'reported dropped');
        },
      );
      tip.refused = null;
    } catch (e) {
      tip.refused = e.message;
      if (tip.resent === 0) tip.firstRefusal = e.message;
      tip.history.push(`refused: ${e.message}`);
      lastChange = Date.now();
      if (tip.resent > 0 && tip.resent < RESENDS)
        sleep(1_000).then(() => resend(tip, 'its resend was refused'));
    }
  };
  // The tip that holds up `sender`'s queue: the one with the nonce the chain expects next.
  const blocking = async (sender) => {
    const { nonce } = await api.query.system.account(senders[sender].address);
    return tips.find((t) => t.sender === sender && t.nonce === nonce.toNumber());
  };
  try {
    await Promise.all(
      senders.map(async (_, s) => {
        for (const tip of tips.filter((t) => t.sender === s)) await submit(tip);
      }),
    );
    const accepted = tips.filter((t) => !t.firstRefusal);
    // Wait for every accepted tip to reach a final status, as long as statuses keep changing.
    const settled = (t) =>
      TERMINAL.includes(t.status) && (t.status !== 'dropped' || t.resent >= RESENDS);
    while (accepted.some((t) => !settled(t))) {
      if (Date.now() - lastChange >= QUIET_MS) {
        // Nothing moved for QUIET_MS. A sender whose queue waits on a tip it was told about
        // (dropped, or its resend refused) sends that tip again, as a wallet does; a queue that
        // waits on a tip nobody was told about is a tip lost silently.
        const stuck = [...new Set(accepted.filter((t) => !settled(t)).map((t) => t.sender))];
        const gaps = await Promise.all(stuck.map(blocking));
        const silent = gaps.filter((t) => !t || !(t.refused || REPORTED.includes(t.status)));
        assert.ok(
          silent.length === 0 && gaps.every((t) => t.resent < RESENDS),
          `silently lost: ${accepted.filter((t) => !settled(t)).length} accepted tips ` +
            `never finalized nor reported dropped/invalid (last statuses: ${[
              ...new Set(accepted.filter((t) => !settled(t)).map((t) => t.status)),
            ].join(', ')}); all statuses: ${JSON.stringify(histogram(tips))}; ` +
            `each sender's first unsettled tip, the tip its queue waits on, and the refused ones: ${JSON.stringify(
              diagnose(accepted, tips, settled, gaps),
            )}`,
        );
        lastChange = Date.now();
        await Promise.all(gaps.map((t) => resend(t, `queue waited ${QUIET_MS / 1000} s on it`)));
      }
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
  for (const tip of tips) {
    const count = landed.get(tip.memo) ?? 0;
    assert.ok(count <= 1, `tip ${tip.memo} applied ${count} times`);
    if (tip.status === 'finalized')
      assert.equal(count, 1, `tip ${tip.memo} finalized but not in a block`);
    if (count === 0)
      assert.ok(
        tip.refused || REPORTED.includes(tip.status),
        `tip ${tip.memo} is in no block and its sender was told nothing (status ${tip.status})`,
      );
  }
  // The burst is within OLC's pool limits: none of it is refused, all of it lands (the few tips a
  // loaded node drops are reported, resent by their senders and land then).
  const refusedAtOnce = tips.filter((t) => t.firstRefusal);
  assert.equal(
    refusedAtOnce.length,
    0,
    `${refusedAtOnce.length} tips refused when first sent: ${JSON.stringify(
      refusedAtOnce.map(({ memo, nonce, status, history }) => ({ memo, nonce, status, history })),
    )}`,
  );
  const lost = tips.filter((t) => !landed.has(t.memo));
  assert.equal(
    lost.length,
    0,
    `${lost.length} tips not in a block (refused ${tips.filter((t) => t.refused).length}: ` +
      `${tips.find((t) => t.refused)?.refused ?? '-'}; reported ${lost.filter((t) => REPORTED.includes(t.status)).length})`,
  );
  console.log(
    `pool e2e: ${tips.length} tips, ${landed.size} landed; resent after a reported drop or ` +
      `refusal: ${tips.filter((t) => t.resent > 0).length}; statuses ${JSON.stringify(histogram(tips))}` +
      `; histories of the resent ones: ${JSON.stringify(
        tips.filter((t) => t.resent > 0).map(({ memo, history }) => ({ memo, history })),
      )}`,
  );
});
