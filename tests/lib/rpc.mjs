// The node's custom RPC methods (node/src/rpc) for @polkadot/api: one definition, given to
// `ApiPromise.create({ rpc: RPC })` (tests/lib/node.mjs `connect` does), and `rpcCall` to call
// a method by its JSON-RPC name with the answer as plain JSON.
//
// Answers are typed structs on the node; here they decode as `Json` (kept as the node sent them:
// balances decimal strings, accounts SS58, hashes 0x-hex). Every list is a page: `limit` 1..100
// (omitted = 100), the cursor the last id of the previous page. Errors carry the node's codes
// (`RPC_ERRORS`); @polkadot/api puts them in the message as "<code>: <message>: <data>".

const at = { name: 'at', type: 'Hash', isOptional: true };
const limit = { name: 'limit', type: 'Option<u32>', isOptional: true };
const opt = (name, type) => ({ name, type: `Option<${type}>`, isOptional: true });
const method = (description, params, type) => ({ description, params: [...params, at], type });

/** The node's error codes (node/src/rpc/mod.rs `Error`). */
export const RPC_ERRORS = {
  runtimeApi: 1,
  badStatement: 2,
  unknownBlock: 3,
  invalidLimit: 4,
  statementStore: 5,
  statementRefused: 6,
  internal: 7,
  /** JSON-RPC's own: a parameter of the wrong type or shape. */
  invalidParams: -32602,
};

/** The custom RPC sections for `ApiPromise.create({ rpc: RPC })`. */
export const RPC = {
  jobs: {
    streams: method(
      'A page of streams after `startAfter`',
      [opt('startAfter', 'H256'), limit],
      'Vec<Json>',
    ),
    stream: method('One stream', [{ name: 'streamId', type: 'H256' }], 'Option<Json>'),
    jobsOfStream: method(
      'A page of the jobs of a stream',
      [{ name: 'streamId', type: 'H256' }, opt('startAfter', 'u64'), limit],
      'Vec<Json>',
    ),
    jobs: method(
      'A page of jobs with ids from `from` on',
      [opt('from', 'u64'), limit],
      'Vec<Json>',
    ),
    job: method('One job', [{ name: 'jobId', type: 'u64' }], 'Option<Json>'),
    claimsOfJob: method(
      'A page of the unsettled claims of a job',
      [{ name: 'jobId', type: 'u64' }, opt('startAfter', 'u64'), limit],
      'Vec<Json>',
    ),
    openJobsOfStream: method(
      'The open jobs of a stream',
      [{ name: 'streamId', type: 'H256' }],
      'Vec<Json>',
    ),
    jobsOfTranscoder: method(
      'A page of the jobs of a transcoder',
      [{ name: 'who', type: 'AccountId' }, opt('startAfter', 'u64'), limit],
      'Vec<Json>',
    ),
  },
  verification: {
    challenges: method(
      'The challenged segments of a claim',
      [{ name: 'claimId', type: 'u64' }],
      'Option<Vec<u64>>',
    ),
    claimCheck: method(
      "A claim's verification",
      [{ name: 'claimId', type: 'u64' }],
      'Option<Json>',
    ),
    duties: method(
      'A page of the segments a verifier has to vote on',
      [{ name: 'who', type: 'AccountId' }, opt('startAfter', '(u64, u64)'), limit],
      'Vec<Json>',
    ),
  },
  reporting: {
    maintainers: method(
      'A page of the maintainers',
      [opt('startAfter', 'AccountId'), limit],
      'Vec<Json>',
    ),
    maintainer: method('One maintainer', [{ name: 'who', type: 'AccountId' }], 'Option<Json>'),
    fullMaintainers: method(
      'A page of the full maintainers',
      [opt('startAfter', 'AccountId'), limit],
      'Vec<Json>',
    ),
    reports: method(
      'A page of reports with ids from `from` on',
      [opt('from', 'u64'), limit],
      'Vec<Json>',
    ),
    report: method('One report', [{ name: 'reportId', type: 'u64' }], 'Option<Json>'),
    streamReview: method(
      'The open report of a stream',
      [{ name: 'streamId', type: 'H256' }],
      'Option<u64>',
    ),
    isBanned: method('Whether an account is banned', [{ name: 'who', type: 'AccountId' }], 'bool'),
  },
  stakingDelegation: {
    delegator: method("A delegator's bond", [{ name: 'who', type: 'AccountId' }], 'Option<Json>'),
    transcoder: method('A transcoder', [{ name: 'who', type: 'AccountId' }], 'Option<Json>'),
    activeSet: method(
      'A page of the active set',
      [opt('startAfter', 'AccountId'), limit],
      'Vec<Json>',
    ),
    round: method('The current round', [], 'Json'),
    unbondingLocks: method(
      "A page of an account's unbonding locks",
      [{ name: 'who', type: 'AccountId' }, opt('startAfter', 'u32'), limit],
      'Vec<Json>',
    ),
  },
  chat: {
    submit: {
      description: 'Checks and submits a chat statement',
      params: [{ name: 'statement', type: 'Bytes' }],
      type: 'Json',
    },
  },
};

/**
 * Calls custom method `name` (its JSON-RPC name, e.g. 'jobs_claimsOfJob') through `api.rpc`
 * (an ApiPromise created with `rpc: RPC`) and resolves with the answer as plain JSON.
 */
export async function rpcCall(api, name, ...params) {
  const [section, method] = name.split('_');
  const call = api.rpc[section]?.[method];
  if (!call)
    throw new Error(
      `unknown RPC method ${name} (not in tests/lib/rpc.mjs RPC, or not on the node)`,
    );
  while (params.length && params[params.length - 1] === undefined) params.pop();
  return (await call(...params)).toJSON();
}

/** `rpcCall` bound to `api`: `const rpc = rpcOf(api); await rpc('jobs_job', 0)`. */
export const rpcOf =
  (api) =>
  (name, ...params) =>
    rpcCall(api, name, ...params);

/**
 * Every item of a paged list method: calls `name` with `params`, the cursor and `limit` until a
 * short page; `cursorOf(item)` is an item's cursor (its id unless the method says otherwise).
 */
export async function allPages(
  api,
  name,
  params = [],
  { limit = 100, cursorOf = (item) => item.id } = {},
) {
  const items = [];
  let after = null;
  for (;;) {
    const page = await rpcCall(api, name, ...params, after, limit);
    items.push(...page);
    if (page.length < limit) return items;
    after = cursorOf(page[page.length - 1]);
  }
}

const providers = new WeakMap();

/** Records the WsProvider `api` was created with (tests/lib/node.mjs `connect` does). */
export function registerProvider(api, provider) {
  providers.set(api, provider);
  return api;
}

/**
 * The WsProvider of `api` (a JSON-RPC client with `send`/`subscribe`, as web/src/chat.js takes):
 * for raw calls that `api.rpc` does not describe (bad input on purpose, `statement_submit`).
 */
export function providerOf(api) {
  const provider = providers.get(api);
  if (!provider)
    throw new Error(
      'no provider recorded for this ApiPromise (connect with tests/lib/node.mjs connect)',
    );
  return provider;
}
