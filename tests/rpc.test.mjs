// End to end: the node's custom RPC (node/src/rpc) on one `olc-node --dev`, through the shared
// definition (tests/lib/rpc.mjs) and, for input @polkadot/api would refuse to encode, the raw
// WebSocket provider. Bad input (unknown block, `limit` 0 or huge, garbage ids, wrong JSON
// types) answers at once with the named error codes, never a hang; paging returns every item
// exactly once across pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { Keyring } from '@polkadot/keyring';
import { startNode, connect } from './lib/node.mjs';
import { RPC_ERRORS, allPages, providerOf, rpcCall } from './lib/rpc.mjs';
import { DEFAULT_LADDER } from './lib/transcoder.mjs';
import { UNIT, submitOk } from './lib/chain.mjs';

let node;
let api;
let keyring;

/** No answer within this time is a hang. */
const ANSWER_MS = 10_000;

const UNKNOWN_BLOCK = `0x${'ab'.repeat(32)}`;

// The CORS list scripts/dev.sh gives its node (read from the script, so the two cannot differ).
const DEV_RPC_CORS = readFileSync(new URL('../scripts/dev.sh', import.meta.url), 'utf8').match(
  /^DEV_RPC_CORS="([^"]+)"$/m,
)[1];

before(async () => {
  node = await startNode('rpc-dev', ['--dev', '--tmp', '--rpc-cors', DEV_RPC_CORS]);
  api = await connect(node);
  keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

/** `promise`, or a failure naming `what` when it does not settle within ANSWER_MS. */
function answered(what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer within ${ANSWER_MS} ms`)),
      ANSWER_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Sends `method` with raw JSON `params` and resolves with the error, or fails on a result. */
async function rawError(method, params) {
  const what = `${method}(${JSON.stringify(params)})`;
  try {
    const result = await answered(what, providerOf(api).send(method, params));
    assert.fail(`${what} answered ${JSON.stringify(result)}, expected an error`);
  } catch (error) {
    if (error.code === undefined) throw error;
    return error;
  }
}

async function expectCode(method, params, code) {
  const error = await rawError(method, params);
  assert.equal(error.code, code, `${method}(${JSON.stringify(params)}): ${error.message}`);
  return error;
}

test('issue15 item6: an unknown block hash is the unknownBlock error on every kind of method', async () => {
  const alice = keyring.addFromUri('//Alice').address;
  const calls = [
    ['jobs_streams', [null, 10, UNKNOWN_BLOCK]],
    ['jobs_stream', [`0x${'00'.repeat(32)}`, UNKNOWN_BLOCK]],
    ['jobs_job', [0, UNKNOWN_BLOCK]],
    ['jobs_jobs', [0, 10, UNKNOWN_BLOCK]],
    ['jobs_claimsOfJob', [0, null, 10, UNKNOWN_BLOCK]],
    ['jobs_jobsOfStream', [`0x${'00'.repeat(32)}`, null, 10, UNKNOWN_BLOCK]],
    ['jobs_jobsOfTranscoder', [alice, null, 10, UNKNOWN_BLOCK]],
    ['verification_duties', [alice, null, 10, UNKNOWN_BLOCK]],
    ['verification_claimCheck', [0, UNKNOWN_BLOCK]],
    ['reporting_maintainers', [null, 10, UNKNOWN_BLOCK]],
    ['reporting_isBanned', [alice, UNKNOWN_BLOCK]],
    ['stakingDelegation_round', [UNKNOWN_BLOCK]],
    ['stakingDelegation_unbondingLocks', [alice, null, 10, UNKNOWN_BLOCK]],
  ];
  for (const [method, params] of calls) {
    const error = await expectCode(method, params, RPC_ERRORS.unknownBlock);
    assert.match(error.message, /unknown block/);
  }
  // Through the shared definition the same error arrives with its code in the message.
  await assert.rejects(answered('api.rpc.jobs.job', api.rpc.jobs.job(0, UNKNOWN_BLOCK)), (error) =>
    error.message.includes(`${RPC_ERRORS.unknownBlock}: unknown block`),
  );
  // A known block answers.
  const genesis = (await api.rpc.chain.getBlockHash(0)).toHex();
  assert.deepEqual(await rpcCall(api, 'jobs_streams', null, 10, genesis), []);
});

test('issue15 item6: limit 0 or above the maximum is the invalidLimit error; out of u32 or not a number is invalid params', async () => {
  const alice = keyring.addFromUri('//Alice').address;
  const listCalls = [
    ['jobs_streams', (limit) => [null, limit]],
    ['jobs_jobs', (limit) => [0, limit]],
    ['jobs_claimsOfJob', (limit) => [0, null, limit]],
    ['jobs_jobsOfStream', (limit) => [`0x${'00'.repeat(32)}`, null, limit]],
    ['jobs_jobsOfTranscoder', (limit) => [alice, null, limit]],
    ['verification_duties', (limit) => [alice, null, limit]],
    ['reporting_maintainers', (limit) => [null, limit]],
    ['reporting_fullMaintainers', (limit) => [null, limit]],
    ['reporting_reports', (limit) => [0, limit]],
    ['stakingDelegation_activeSet', (limit) => [null, limit]],
    ['stakingDelegation_unbondingLocks', (limit) => [alice, null, limit]],
  ];
  for (const [method, params] of listCalls) {
    for (const limit of [0, 101, 1_000_000, 4_294_967_295]) {
      const error = await expectCode(method, params(limit), RPC_ERRORS.invalidLimit);
      assert.match(error.message, /invalid limit/);
    }
    for (const limit of [2 ** 40, -1, 1.5, '10', [10], { limit: 10 }]) {
      await expectCode(method, params(limit), RPC_ERRORS.invalidParams);
    }
    // The maximum and the default (omitted or null) are fine.
    assert.ok(Array.isArray(await answered(method, providerOf(api).send(method, params(100)))));
    assert.ok(Array.isArray(await answered(method, providerOf(api).send(method, params(null)))));
  }
  // Through the shared definition too.
  await assert.rejects(api.rpc.jobs.streams(null, 0), (e) =>
    e.message.includes(`${RPC_ERRORS.invalidLimit}: invalid limit`),
  );
});

test('issue15 item6: garbage ids and wrong types are invalid params; unknown ids answer null or an empty page', async () => {
  const garbage = [
    ['jobs_job', ['not a number']],
    ['jobs_job', [-1]],
    ['jobs_job', [2 ** 70]],
    ['jobs_job', [{ id: 1 }]],
    ['jobs_stream', ['0x1234']],
    ['jobs_stream', ['zz'.repeat(32)]],
    ['jobs_stream', [42]],
    ['jobs_claimsOfJob', ['0x00', null, 10]],
    ['jobs_claimsOfJob', [0, 'last', 10]],
    ['verification_duties', ['not an address', null, 10]],
    ['verification_duties', [keyring.addFromUri('//Alice').address, [1], 10]],
    ['verification_duties', [keyring.addFromUri('//Alice').address, 'x', 10]],
    ['verification_challenges', [true]],
    ['reporting_isBanned', ['5NotAnAccount']],
    ['reporting_report', [null]],
    ['stakingDelegation_delegator', [12345]],
    ['jobs_streams', [null, 10, 'not a hash']],
    ['jobs_job', [0, '0x1234']],
    ['chat_submit', ['not hex']],
  ];
  for (const [method, params] of garbage) {
    await expectCode(method, params, RPC_ERRORS.invalidParams);
  }
  // Well-formed bytes that are no statement: the node's own code.
  await expectCode('chat_submit', ['0x0102'], RPC_ERRORS.badStatement);

  const alice = keyring.addFromUri('//Alice').address;
  // Ids no chain will reach (2^52 - 1: @polkadot/api sends it as a JSON number).
  const big = 4_503_599_627_370_495;
  assert.equal(await rpcCall(api, 'jobs_job', big), null);
  assert.equal(await rpcCall(api, 'jobs_stream', `0x${'42'.repeat(32)}`), null);
  assert.deepEqual(await rpcCall(api, 'jobs_claimsOfJob', big), []);
  assert.deepEqual(await rpcCall(api, 'jobs_claimsOfJob', 0, big, 1), []);
  assert.deepEqual(await rpcCall(api, 'jobs_jobsOfStream', `0x${'42'.repeat(32)}`, 7, 5), []);
  assert.deepEqual(await rpcCall(api, 'jobs_jobs', big, 100), []);
  assert.equal(await rpcCall(api, 'verification_challenges', big), null);
  assert.equal(await rpcCall(api, 'verification_claimCheck', big), null);
  assert.deepEqual(await rpcCall(api, 'verification_duties', alice, [big, 4_000_000_000], 100), []);
  assert.equal(await rpcCall(api, 'reporting_report', big), null);
  assert.equal(await rpcCall(api, 'reporting_streamReview', `0x${'42'.repeat(32)}`), null);
  assert.equal(await rpcCall(api, 'stakingDelegation_delegator', alice), null);
  assert.deepEqual(await rpcCall(api, 'stakingDelegation_unbondingLocks', alice, 99, 10), []);
});

test('issue15 item6: paging returns every stream and every job of a stream exactly once', async () => {
  const names = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie'];
  const owners = names.map((uri) => keyring.addFromUri(uri));
  // One stream each, in parallel (different senders: no nonce clash).
  const created = await Promise.all(
    owners.map((owner, i) =>
      submitOk(api, api.tx.jobs.createStream(`rpc paging ${i}`, owner.publicKey), owner),
    ),
  );
  const streamIds = created.map((result) =>
    result.events
      .find(({ event }) => api.events.jobs.StreamCreated.is(event))
      .event.data.streamId.toHex(),
  );
  const inStorage = (await api.query.jobs.streams.entries())
    .map(([key]) => key.args[0].toHex())
    .sort();
  assert.ok(streamIds.every((id) => inStorage.includes(id)));

  for (const limit of [1, 2, 4, 100]) {
    const seen = (await allPages(api, 'jobs_streams', [], { limit })).map((s) => s.id);
    assert.equal(new Set(seen).size, seen.length, `limit ${limit}: a stream came twice`);
    assert.deepEqual([...seen].sort(), inStorage, `limit ${limit}`);
  }

  // Alice's stream gets three jobs (a stream has at most four open).
  const alice = owners[0];
  const streamId = streamIds[0];
  const jobIds = [];
  for (let i = 0; i < 3; i++) {
    const result = await submitOk(
      api,
      api.tx.jobs.createJob(streamId, DEFAULT_LADDER, 1_000_000n, 1n * UNIT),
      alice,
    );
    jobIds.push(
      result.events
        .find(({ event }) => api.events.jobs.JobCreated.is(event))
        .event.data.jobId.toNumber(),
    );
  }
  for (const limit of [1, 2, 100]) {
    const jobs = await allPages(api, 'jobs_jobsOfStream', [streamId], { limit });
    assert.deepEqual(
      jobs.map((job) => job.id).sort((a, b) => a - b),
      jobIds,
      `limit ${limit}`,
    );
    assert.ok(jobs.every((job) => job.streamId === streamId && job.broadcaster === alice.address));
    // Balances are decimal strings.
    assert.ok(jobs.every((job) => typeof job.deposit === 'string' && /^[0-9]+$/.test(job.deposit)));
  }
  assert.deepEqual(await rpcCall(api, 'jobs_jobsOfStream', streamIds[1]), []);
  // Dense ids: `from` pages by id.
  const byId = [];
  for (let from = 0; ; from += 2) {
    const page = await rpcCall(api, 'jobs_jobs', from, 2);
    byId.push(...page.map((job) => job.id));
    if (page.length < 2) break;
  }
  assert.deepEqual(
    byId.filter((id) => jobIds.includes(id)),
    jobIds,
  );
  assert.equal(new Set(byId).size, byId.length);
  // A page at an earlier block shows the state then: no jobs before they were created.
  const genesis = (await api.rpc.chain.getBlockHash(0)).toHex();
  assert.deepEqual(await rpcCall(api, 'jobs_jobsOfStream', streamId, null, 100, genesis), []);
});

test('issue15 item6: 400 different reads at once all answer (they run on blocking tasks)', async () => {
  // Raw sends with different parameters: @polkadot/api would merge identical calls.
  const send = (method, params) => providerOf(api).send(method, params);
  const calls = [];
  for (let i = 0; i < 200; i++) {
    calls.push(send('jobs_streams', [null, 1 + (i % 100)]));
    calls.push(send('jobs_job', [i]));
  }
  const answers = await answered('400 concurrent calls', Promise.all(calls));
  assert.equal(answers.length, 400);
  assert.ok(answers.filter((_, i) => i % 2 === 0).every(Array.isArray));
});

/** An HTTP JSON-RPC call (or preflight) from a page of `origin`; resolves with { status, headers }. */
function httpFrom(origin, method = 'POST') {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: node.rpcPort,
        method,
        path: '/',
        headers: {
          Origin: origin,
          'Content-Type': 'application/json',
          ...(method === 'OPTIONS'
            ? {
                'Access-Control-Request-Method': 'POST',
                'Access-Control-Request-Headers': 'content-type',
              }
            : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(
      method === 'POST'
        ? JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'rpc_methods', params: [] })
        : undefined,
    );
  });
}

test('issue15 item6: dev.sh CORS: HTTP calls from its local pages are allowed, from any other origin not', async () => {
  for (const origin of DEV_RPC_CORS.split(',')) {
    assert.ok(
      origin.startsWith('http://127.0.0.1:') || origin.startsWith('http://localhost:'),
      origin,
    );
    const { headers } = await httpFrom(origin);
    assert.equal(headers['access-control-allow-origin'], origin);
    const preflight = await httpFrom(origin, 'OPTIONS');
    assert.equal(preflight.headers['access-control-allow-origin'], origin);
  }
  for (const origin of ['https://evil.example', 'http://localhost.evil.example:8935', 'null']) {
    const { headers } = await httpFrom(origin);
    assert.equal(headers['access-control-allow-origin'], undefined, origin);
    const preflight = await httpFrom(origin, 'OPTIONS');
    assert.equal(preflight.headers['access-control-allow-origin'], undefined, origin);
  }
});
