// End to end: chat between nodes over the statement store. Three (of four) validators of `--chain local`
// (Alice, Bob, Charlie). Alice opens a stream; Dave takes a chat allowance and authorises a chat
// key; Eve takes one and is banned (root writes pallet-reporting's ban); Ferdie takes one and
// Alice mutes him on her stream. Messages posted on node 1 reach subscribers on nodes 2 and 3
// with signature and fields intact; refused messages (banned, unauthorised key, muted,
// oversize, non-UTF-8, bad signature, expiry too far) are refused with named reasons and reach
// no subscriber; a node that joins late receives the messages that have not expired.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { signatureVerify, cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { spawn } from 'node:child_process';
import { startNode, connect, sleep, ALICE_NODE_KEY, aliceBootnode } from './lib/node.mjs';
import { providerOf } from './lib/rpc.mjs';
import { TRANSCODER_BIN, runTranscoder } from './lib/transcoder.mjs';
import { submitOk } from './lib/chain.mjs';
import {
  postMessage,
  subscribeChat,
  buildStatement,
  encodePayload,
  submitStatement,
  expiryFor,
  takeAllowanceTx,
  setChatKeyTx,
  subscribeTips,
  MAX_TTL_SECS,
} from '../web/src/chat.js';
import { UNIT } from './lib/chain.mjs';

const nodes = [];
const apis = [];
let keyring;
let alice, dave, eve, ferdie, chatKey, strangerKey;
let streamId;
const common = ['--chain', 'local', '--tmp', '--rpc-cors', 'all'];

/** Collects a subscription's messages; `waitFor(pred)` resolves with the first that matches. */
async function collect(api) {
  const received = [];
  const waiters = [];
  const unsubscribe = await subscribeChat(providerOf(api), streamId, (entry) => {
    received.push(entry);
    for (const w of [...waiters]) {
      if (w.pred(entry)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(entry);
      }
    }
  });
  return {
    received,
    unsubscribe,
    waitFor(pred, timeoutMs = 30_000) {
      const found = received.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error(`no matching message within ${timeoutMs} ms`));
          }
        }, timeoutMs);
      });
    },
  };
}

const withText = (text) => (entry) => entry.message?.text === text;

before(async () => {
  await cryptoWaitReady();
  const alice1 = await startNode('chat-alice', [
    ...common,
    '--alice',
    '--node-key',
    ALICE_NODE_KEY,
  ]);
  nodes.push(alice1);
  const key = (n) => n.toString(16).padStart(64, '0');
  const bootnode = aliceBootnode(alice1);
  nodes.push(
    await startNode('chat-bob', [
      ...common,
      '--bob',
      '--node-key',
      key(2),
      '--bootnodes',
      bootnode,
    ]),
  );
  nodes.push(
    await startNode('chat-charlie', [
      ...common,
      '--charlie',
      '--node-key',
      key(3),
      '--bootnodes',
      bootnode,
    ]),
  );
  for (const node of nodes) apis.push(await connect(node));
  const api = apis[0];

  keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  alice = keyring.addFromUri('//Alice');
  dave = keyring.addFromUri('//Dave');
  eve = keyring.addFromUri('//Eve');
  ferdie = keyring.addFromUri('//Ferdie');
  chatKey = keyring.addFromUri('//Dave//chat-key-in-the-browser');
  strangerKey = keyring.addFromUri('//Stranger');

  // In parallel, one chain of transactions per signer.
  await Promise.all([
    (async () => {
      const created = await submitOk(
        api,
        api.tx.jobs.createStream('chat stream', alice.publicKey),
        alice,
      );
      streamId = created.events
        .find(({ event }) => api.events.jobs.StreamCreated.is(event))
        .event.data.streamId.toHex();
    })(),
    (async () => {
      const taken = await submitOk(api, takeAllowanceTx(api), dave);
      assert.ok(taken.events.some(({ event }) => api.events.chat.AllowanceTaken.is(event)));
      await submitOk(api, setChatKeyTx(api, chatKey.publicKey), dave);
    })(),
    submitOk(api, takeAllowanceTx(api), eve),
    submitOk(api, takeAllowanceTx(api), ferdie),
  ]);
  // Root bans Eve (as an upheld report would: pallet-reporting's `Banned`) and Alice mutes
  // Ferdie on her stream.
  const banKey = api.query.reporting.banned.key(eve.address);
  const blockNumber = api.createType('u32', 1).toHex();
  await Promise.all([
    submitOk(api, api.tx.sudo.sudo(api.tx.system.setStorage([[banKey, blockNumber]])), alice),
  ]);
  await submitOk(api, api.tx.chat.mute(streamId, ferdie.address), alice);
  assert.equal((await api.query.reporting.banned(eve.address)).isSome, true);
});

after(async () => {
  for (const api of apis) await api.disconnect();
  for (const node of nodes) await node.stop();
});

test('a message posted on node 1 reaches subscribers on nodes 2 and 3, signature and fields intact', async () => {
  const [on2, on3] = await Promise.all([collect(apis[1]), collect(apis[2])]);
  const message = {
    kind: { danmaku: { position: 'top', colour: 0xff8800 } },
    nickname: '小明',
    text: '你好 OLC, first danmaku!',
    clientTimestampMs: 1_800_000_000_123,
    segmentSeq: 17,
  };
  const answer = await postMessage(providerOf(apis[0]), chatKey, streamId, message);
  assert.deepEqual(answer, { status: 'new', account: dave.address });

  const started = Date.now();
  const got = await Promise.all([
    on2.waitFor(withText(message.text)),
    on3.waitFor(withText(message.text)),
  ]);
  console.log(`delivered to nodes 2 and 3 in ${Date.now() - started} ms`);
  for (const entry of got) {
    assert.deepEqual(entry.message, message);
    assert.equal(entry.signer, u8aToHex(chatKey.publicKey));
    assert.ok(
      signatureVerify(entry.material, entry.signature, chatKey.publicKey).isValid,
      'the signature verifies',
    );
    assert.ok(
      entry.expiresAt > Date.now() / 1000 && entry.expiresAt <= Date.now() / 1000 + MAX_TTL_SECS,
    );
  }
  // A plain chat line by the account's own key, submitted to node 2, reaches node 3.
  const own = await postMessage(providerOf(apis[1]), dave, streamId, {
    kind: 'chat',
    nickname: 'dave',
    text: 'own key works',
  });
  assert.equal(own.status, 'new');
  await on3.waitFor(withText('own key works'));
  await Promise.all([on2.unsubscribe(), on3.unsubscribe()]);
});

test('banned, unauthorised and muted senders are refused by name and reach no subscriber', async () => {
  const [on2, on3] = await Promise.all([collect(apis[1]), collect(apis[2])]);
  const refusedTexts = [
    'from a banned account',
    'from an unauthorised key',
    'from a muted account',
  ];
  const answers = [
    await postMessage(providerOf(apis[0]), eve, streamId, { text: refusedTexts[0] }),
    await postMessage(providerOf(apis[0]), strangerKey, streamId, { text: refusedTexts[1] }),
    await postMessage(providerOf(apis[0]), ferdie, streamId, { text: refusedTexts[2] }),
  ];
  assert.deepEqual(answers, [
    { status: 'refused', reason: 'banned' },
    { status: 'refused', reason: 'noAllowance' },
    { status: 'refused', reason: 'muted' },
  ]);
  // polkadot-sdk's statement_submit goes through the same check: an error naming the reason.
  const viaStatementSubmit = buildStatement(
    apis[1],
    eve,
    streamId,
    encodePayload(apis[1], { text: refusedTexts[0] }),
  );
  await assert.rejects(
    providerOf(apis[1]).send('statement_submit', [u8aToHex(viaStatementSubmit)]),
    /banned/,
  );
  // A topic that is no stream's id is refused too.
  const elsewhere = await postMessage(providerOf(apis[0]), ferdie, `0x${'ab'.repeat(32)}`, {
    text: 'elsewhere',
  });
  assert.deepEqual(elsewhere, { status: 'refused', reason: 'unknownStream' });

  // A valid marker posted after them arrives; none of the refused ones ever does.
  await postMessage(providerOf(apis[0]), chatKey, streamId, { text: 'marker after refusals' });
  await Promise.all([
    on2.waitFor(withText('marker after refusals')),
    on3.waitFor(withText('marker after refusals')),
  ]);
  await sleep(1_500); // one more propagation round (the gossip ticks every second)
  for (const { received } of [on2, on3]) {
    for (const text of refusedTexts)
      assert.ok(!received.some(withText(text)), `"${text}" reached a subscriber`);
  }
  await Promise.all([on2.unsubscribe(), on3.unsubscribe()]);
});

test('oversize, non-UTF-8, badly signed and far-expiring messages are refused with named reasons', async () => {
  const api = apis[0];
  const post = (message, options) =>
    postMessage(providerOf(api), chatKey, streamId, message, options);
  assert.deepEqual(await post({ text: 'x'.repeat(141) }), {
    status: 'refused',
    reason: 'textTooLong',
  });
  assert.deepEqual(
    await post({ text: '好'.repeat(47) }),
    { status: 'refused', reason: 'textTooLong' },
    '141 bytes of UTF-8',
  );
  assert.equal((await post({ text: '好'.repeat(46) })).status, 'new', '138 bytes of UTF-8 fit');
  assert.deepEqual(await post({ nickname: 'n'.repeat(33), text: 'hi' }), {
    status: 'refused',
    reason: 'nicknameTooLong',
  });
  assert.deepEqual(await post({ text: new Uint8Array([0x68, 0xc3, 0x28]) }), {
    status: 'refused',
    reason: 'textNotUtf8',
  });
  assert.deepEqual(await post({ nickname: new Uint8Array([0xff]), text: 'hi' }), {
    status: 'refused',
    reason: 'nicknameNotUtf8',
  });
  assert.deepEqual(await post({ text: '' }), { status: 'refused', reason: 'textEmpty' });
  assert.deepEqual(await post({ kind: 'system', text: 'I am not the broadcaster' }), {
    status: 'refused',
    reason: 'systemNotBroadcaster',
  });
  const farExpiry = expiryFor(Date.now() / 1000 + 3_600, 0);
  assert.deepEqual(await post({ text: 'lives an hour' }, { expiry: farExpiry }), {
    status: 'refused',
    reason: 'expiryTooFar',
  });
  const data = encodePayload(api, { text: 'raw garbage follows' });
  assert.deepEqual(
    await submitStatement(
      providerOf(api),
      buildStatement(api, chatKey, streamId, new Uint8Array([1, 0, 0xff, 0xff, 0xff])),
    ),
    { status: 'refused', reason: 'malformed' },
  );
  // A signature that does not match the content.
  const statement = buildStatement(api, chatKey, streamId, data);
  statement[statement.length - 1] ^= 1;
  assert.deepEqual(await submitStatement(providerOf(api), statement), {
    status: 'refused',
    reason: 'badSignature',
  });
});

test("olc-transcoder chat posts from a terminal and --follow prints the stream's chat live", async () => {
  const follower = spawn(TRANSCODER_BIN, [
    'chat',
    '--rpc',
    nodes[2].wsUrl,
    '--stream-id',
    streamId,
    '--follow',
  ]);
  const lines = [];
  let buffered = '';
  follower.stdout.on('data', (chunk) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop();
    for (const line of parts) if (line.trim()) lines.push(JSON.parse(line));
  });
  try {
    // The stored messages come first: the first test's danmaku.
    const until = async (pred, what) => {
      for (let i = 0; i < 300 && !lines.some(pred); i++) await sleep(100);
      const found = lines.find(pred);
      assert.ok(found, `--follow printed ${what}`);
      return found;
    };
    await until((l) => l.text === '你好 OLC, first danmaku!', 'the stored danmaku');

    const { stdout } = await runTranscoder([
      'chat',
      '--rpc',
      nodes[1].wsUrl,
      '--stream-id',
      streamId,
      '--seed',
      '//Dave',
      '--nickname',
      'terminal',
      '--message',
      'from the terminal',
      '--danmaku',
      'bottom',
      '--colour',
      '00ff00',
    ]);
    assert.deepEqual(JSON.parse(stdout), { status: 'new', account: dave.address });
    const line = await until((l) => l.text === 'from the terminal', 'the new message');
    assert.equal(line.signatureValid, true);
    assert.equal(line.signer, u8aToHex(dave.publicKey));
    assert.equal(line.nickname, 'terminal');
    assert.deepEqual(line.kind, { danmaku: { position: 'bottom', colour: '#00ff00' } });

    // A key without allowance: the command fails and names the reason.
    await assert.rejects(
      runTranscoder([
        'chat',
        '--rpc',
        nodes[0].wsUrl,
        '--stream-id',
        streamId,
        '--seed',
        '//Stranger',
        '--message',
        'x',
      ]),
      (error) => /noAllowance/.test(error.stderr),
    );
  } finally {
    follower.kill();
  }
});

test('tips to the broadcaster show up among the messages: pending at inclusion, then final', async () => {
  const tips = [];
  const unsubscribe = await subscribeTips(apis[1], alice.address, (tip) => tips.push(tip));
  try {
    const result = await submitOk(
      apis[0],
      apis[0].tx.olcToken.tip(alice.address, 2n * UNIT, 5, 'dave', 'great stream 加油!'),
      dave,
    );
    for (let i = 0; i < 100 && !tips.some((t) => t.status === 'final'); i++) await sleep(100);
    const pending = tips.find((t) => t.status === 'pending');
    const final = tips.find((t) => t.status === 'final');
    assert.ok(pending, 'the tip was shown as pending');
    assert.ok(final, 'the tip turned final');
    assert.ok(tips.indexOf(pending) < tips.indexOf(final), 'pending before final');
    assert.equal(final.blockHash, result.blockHash);
    assert.equal(final.from, dave.address);
    assert.equal(final.amount, 2n * UNIT);
    assert.equal(final.gift, 5);
    assert.equal(final.message, 'great stream 加油!');
  } finally {
    unsubscribe();
  }
});

test('a node that joins late receives the messages still within their expiry', async () => {
  const text = 'posted before the late node joined';
  const answer = await postMessage(providerOf(apis[0]), chatKey, streamId, {
    text,
    nickname: 'early',
  });
  assert.equal(answer.status, 'new');
  // An already expired message is refused: nothing stale is stored.
  const stale = await postMessage(
    providerOf(apis[0]),
    chatKey,
    streamId,
    { text: 'stale' },
    { expiry: expiryFor(Date.now() / 1000 - 10, 0) },
  );
  assert.deepEqual(stale, { status: 'refused', reason: 'expired' });

  const late = await startNode('chat-late', [...common, '--bootnodes', aliceBootnode(nodes[0])]);
  nodes.push(late);
  const api = await connect(late);
  apis.push(api);
  const onLate = await collect(api);
  const started = Date.now();
  const got = await onLate.waitFor(withText(text), 60_000);
  console.log(
    `the late node had the earlier message ${Date.now() - started} ms after its RPC came up`,
  );
  assert.equal(got.message.nickname, 'early');
  assert.equal(got.signer, u8aToHex(chatKey.publicKey));
  assert.ok(signatureVerify(got.material, got.signature, chatKey.publicKey).isValid);
  // The first test's danmaku is there too, and nothing refused is.
  await onLate.waitFor(withText('你好 OLC, first danmaku!'));
  for (const refused of [
    'from a banned account',
    'from an unauthorised key',
    'from a muted account',
    'stale',
  ]) {
    assert.ok(!onLate.received.some(withText(refused)));
  }
  await onLate.unsubscribe();
});
