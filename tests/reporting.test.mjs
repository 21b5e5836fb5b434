// End to end: trusted groups on `olc-node --dev` (probation 10 blocks, voting period 30). Thirteen
// maintainer accounts join and wait out probation; a broadcaster opens a stream and a job; Bob
// reports the stream; one member votes not guilty, seven vote guilty; the broadcaster is banned,
// everything it had (free balance and job deposit) is split between Bob and the guilty voters as
// the events say, the dissenter is expelled, and a tip to the broadcaster fails with a named error
// until root lifts the ban.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { decodeAddress } from '@polkadot/util-crypto';
import { u8aEq } from '@polkadot/util';
import { startNode, connect, sleep, waitFor } from './lib/node.mjs';
import { rpcCall } from './lib/rpc.mjs';
import { UNIT, submitAndWaitFinalized, submitOk, eventsInBlocks } from './lib/chain.mjs';

const MAINTAINERS = 13;
const same = (a, b) => u8aEq(decodeAddress(a), decodeAddress(b));

let node;
let api;
let alice;
let bob; // the reporter
let broadcaster;
let maintainers;

const rpc = (method, ...params) => rpcCall(api, method, ...params);

const ok = (tx, signer, options) => submitOk(api, tx, signer, options);

const eventOf = (result, kind) => result.events.find(({ event }) => kind.is(event))?.event;
const feeOf = (result) =>
  eventOf(result, api.events.transactionPayment.TransactionFeePaid).data.actualFee.toBigInt();
const totalOf = async (who, at) => {
  const { data } = await (at ? await api.at(at) : api).query.system.account(who);
  return data.free.toBigInt() + data.reserved.toBigInt();
};

/** Maintainer commission paid to `who` in blocks `from..=to` (each round pays full maintainers). */
async function commissionPaid(who, from, to) {
  const paid = await eventsInBlocks(api, 'reporting', 'CommissionPaid', from, to);
  return paid
    .filter(({ data }) => same(data.who.toString(), who))
    .reduce((sum, { data }) => sum + data.amount.toBigInt(), 0n);
}

before(async () => {
  node = await startNode('reporting-dev', ['--dev', '--tmp']);
  api = await connect(node);
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  alice = keyring.addFromUri('//Alice');
  bob = keyring.addFromUri('//Bob');
  broadcaster = keyring.addFromUri('//Broadcaster');
  maintainers = Array.from({ length: MAINTAINERS }, (_, i) =>
    keyring.addFromUri(`//Maintainer${i + 1}`),
  );
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

test('13 maintainers, a report, 7 guilty votes: ban, confiscation, expulsion, tips refused', async () => {
  // Fund the maintainers (bond 10,000 OLC each) and the broadcaster, all in parallel.
  const first = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  await Promise.all(
    [...maintainers, broadcaster].map((account, i) =>
      ok(api.tx.balances.transferKeepAlive(account.address, 20_000n * UNIT), alice, {
        nonce: first + i,
      }),
    ),
  );

  // Everyone joins; each gets an address it did not choose.
  const joins = await Promise.all(
    maintainers.map((m) => ok(api.tx.reporting.joinMaintainers(), m)),
  );
  const addresses = joins.map((r) =>
    eventOf(r, api.events.reporting.MaintainerJoined).data.address.toHex(),
  );
  assert.equal(new Set(addresses).size, MAINTAINERS, 'distinct addresses');
  const listed = await rpc('reporting_maintainers');
  assert.equal(listed.length, MAINTAINERS);
  for (const [i, m] of maintainers.entries()) {
    const view = listed.find((v) => same(v.account, m.address));
    assert.equal(view.address, addresses[i]);
    assert.equal(view.publicKey, `0x${Buffer.from(decodeAddress(m.address)).toString('hex')}`);
  }
  // On probation nobody sits in a group: reporting now is refused.
  assert.equal((await rpc('reporting_fullMaintainers')).length, 0);

  // The broadcaster opens a stream and a job (its deposit is held).
  const created = await ok(
    api.tx.jobs.createStream('reported stream', broadcaster.publicKey),
    broadcaster,
  );
  const streamId = eventOf(created, api.events.jobs.StreamCreated).data.streamId.toHex();
  const early = await submitAndWaitFinalized(
    api,
    api.tx.reporting.report(streamId, 1, 'evidence'),
    bob,
  );
  assert.equal(early.dispatchError, 'reporting.TooFewMaintainers');
  await ok(
    api.tx.jobs.createJob(
      streamId,
      [{ name: '480p', width: 854, height: 480, bitrateKbps: 1600, fps: 30 }],
      1_000_000n,
      100n * UNIT,
    ),
    broadcaster,
  );

  // Probation is 10 blocks on the dev chain.
  const deadline = Date.now() + 60_000;
  while ((await rpc('reporting_fullMaintainers')).length < MAINTAINERS) {
    assert.ok(Date.now() < deadline, 'maintainers became full');
    await sleep(1000);
  }

  // Bob reports; the stream is under review. Nobody knows the group yet: two blocks later the
  // chain draws it from the hash of the block after the report (here all 13 full maintainers,
  // quorum 7), and votes count only from then on.
  const bobBefore = await totalOf(bob.address);
  const reported = await ok(api.tx.reporting.report(streamId, 1, 'evidence'), bob);
  const filed = eventOf(reported, api.events.reporting.Reported).data;
  const reportId = filed.reportId.toNumber();
  const reportedAt = (await api.rpc.chain.getHeader(reported.blockHash)).number.toNumber();
  assert.equal(filed.groupDrawnAt.toNumber(), reportedAt + 2);
  assert.equal(await rpc('reporting_streamReview', streamId), reportId);
  const drawn = await waitFor(
    'the group draw',
    async () =>
      (await eventsInBlocks(api, 'reporting', 'GroupDrawn', reportedAt + 1)).find(
        ({ data }) => data.reportId.toNumber() === reportId,
      ),
    30_000,
  );
  const group = drawn.data.group.map((who) => who.toString());
  assert.equal(drawn.block, reportedAt + 2);
  assert.equal(group.length, MAINTAINERS);
  assert.equal(drawn.data.quorum.toNumber(), 7);
  const reportFee = feeOf(reported);
  const byAddress = new Map(maintainers.map((m) => [decodeAddress(m.address).toString(), m]));
  const members = group.map((who) => byAddress.get(decodeAddress(who).toString()));

  // One member votes not guilty; then seven vote guilty at once.
  const dissenter = members[0];
  await ok(api.tx.reporting.vote(reportId, false), dissenter);
  const guilty = members.slice(1, 8);
  const beforeHash = await api.rpc.chain.getFinalizedHead();
  const beforeNumber = (await api.rpc.chain.getHeader(beforeHash)).number.toNumber();
  const voterBefore = await Promise.all(guilty.map((m) => totalOf(m.address, beforeHash)));
  const broadcasterTotal = await totalOf(broadcaster.address);
  const votes = await Promise.all(guilty.map((m) => ok(api.tx.reporting.vote(reportId, true), m)));

  const upheldIn = votes.find((r) => eventOf(r, api.events.reporting.ReportUpheld));
  assert.ok(upheldIn, 'the seventh guilty vote upholds the report');
  const upheld = eventOf(upheldIn, api.events.reporting.ReportUpheld).data;
  const confiscated = upheld.confiscated.toBigInt();
  const reporterReward = upheld.reporterReward.toBigInt();
  const perVoter = upheld.perVoter.toBigInt();
  // Everything the broadcaster had (free balance and the released job deposit) is confiscated.
  assert.equal(confiscated, broadcasterTotal);
  assert.equal(await totalOf(broadcaster.address), 0n);
  assert.equal(reporterReward + 7n * perVoter, confiscated);
  assert.ok(reporterReward >= confiscated / 10n && reporterReward < confiscated / 10n + 7n);
  console.log(
    `confiscated ${confiscated}: reporter ${reporterReward}, each of 7 guilty voters ${perVoter}`,
  );

  // The reporter got its reward and the deposit back; each guilty voter its share.
  assert.equal((await totalOf(bob.address)) - bobBefore, reporterReward - reportFee);
  // (Rounds are 5 blocks: maintainer commission may be paid meanwhile, and is accounted for.)
  const upheldNumber = (await api.rpc.chain.getHeader(upheldIn.blockHash)).number.toNumber();
  for (const [i, m] of guilty.entries()) {
    const gained = (await totalOf(m.address, upheldIn.blockHash)) - voterBefore[i];
    const commission = await commissionPaid(m.address, beforeNumber + 1, upheldNumber);
    assert.equal(gained, perVoter - feeOf(votes[i]) + commission, `voter ${i}`);
  }

  // The dissenter is expelled: out of the set, 10% of its bond slashed.
  const expelled = eventOf(upheldIn, api.events.reporting.Expelled).data;
  assert.ok(same(expelled.who.toString(), dissenter.address));
  assert.equal(expelled.slashed.toBigInt(), 1_000n * UNIT);
  const dissenterView = await rpc('reporting_maintainer', dissenter.address);
  assert.ok(dissenterView.status.leaving, 'the dissenter is leaving');
  assert.equal((await rpc('reporting_fullMaintainers')).length, MAINTAINERS - 1);

  // Banned: the stream and its job ended, tips to the broadcaster fail with a named error.
  assert.equal(await rpc('reporting_isBanned', broadcaster.address), true);
  assert.equal((await rpc('jobs_stream', streamId)).status, 'banned');
  assert.equal((await rpc('reporting_report', reportId)).status, 'upheld');
  const tip = await submitAndWaitFinalized(
    api,
    api.tx.olcToken.tip(broadcaster.address, UNIT, 1, 'fan', 'hi'),
    alice,
  );
  assert.equal(tip.dispatchError, 'olcToken.RecipientBanned');

  // Root lifts the (here: for the test, wrongful) ban: the account may be tipped again; what was
  // confiscated stays with the reporter and the voters.
  const lifted = await ok(api.tx.sudo.sudo(api.tx.reporting.liftBan(broadcaster.address)), alice);
  assert.ok(eventOf(lifted, api.events.reporting.BanLifted), 'BanLifted');
  assert.equal(await rpc('reporting_isBanned', broadcaster.address), false);
  await ok(api.tx.olcToken.tip(broadcaster.address, UNIT, 1, 'fan', 'welcome back'), alice);
  assert.equal(await totalOf(broadcaster.address), UNIT);
});
