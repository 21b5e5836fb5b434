// Chain access through polkadot-api (PAPI) without generated descriptors: the "unsafe" typed API
// reads the runtime's metadata at start, so the bundle carries no chain-specific code. Custom
// RPC (`jobs_*`) goes through the client's raw request. Amounts are bigints in planck
// (1 OLC = 10^12).
import { createClient, Binary } from 'polkadot-api';
import { getWsProvider } from 'polkadot-api/ws';
import { getSs58AddressInfo, Blake2256 } from '@polkadot-api/substrate-bindings';

export const DECIMALS = 12;
export const UNIT = 10n ** BigInt(DECIMALS);

/** Connects to `url`; returns { client, api, rpc(method, ...params) }. */
export function connect(url, onStatus) {
  const client = createClient(getWsProvider(url, { onStatusChanged: onStatus }));
  const api = client.getUnsafeApi();
  const rpc = (method, ...params) => client._request(method, params);
  return { client, api, rpc };
}

/** `amount` planck as "5 OLC" / "0.25 OLC" (no trailing zeros). */
export function formatOlc(amount) {
  const value = BigInt(amount);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const whole = abs / UNIT;
  const frac = (abs % UNIT).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return `${sign}${whole}${frac ? `.${frac}` : ''} OLC`;
}

/** "5", "0.5", "1.25" OLC → planck; null if not a plain positive decimal with ≤ 12 decimals. */
export function parseOlc(text) {
  const match = /^\s*(\d+)(?:[.,](\d{0,12}))?\s*$/.exec(String(text));
  if (!match) return null;
  return BigInt(match[1]) * UNIT + BigInt((match[2] || '').padEnd(DECIMALS, '0') || '0');
}

/** The public key of an SS58 address (any prefix) as hex, or null. */
export function publicKeyOf(address) {
  try {
    const info = getSs58AddressInfo(address);
    return info.isValid ? Binary.toHex(info.publicKey) : null;
  } catch {
    return null;
  }
}

/** Whether two SS58 addresses (possibly of different prefixes) are the same account. */
export const sameAccount = (a, b) => a != null && b != null && publicKeyOf(a) === publicKeyOf(b);

/** "5Grw…utQY" */
export const shortAddress = (address) =>
  address ? `${address.slice(0, 6)}…${address.slice(-4)}` : '';

/** UTF-8 length in bytes. */
export const byteLength = (text) => new TextEncoder().encode(text).length;

/** blake2b-256 of `bytes` as hex. */
export const blake2 = (bytes) => Binary.toHex(Blake2256(bytes));

export const text = (bytes) =>
  bytes instanceof Uint8Array ? Binary.toText(bytes) : String(bytes ?? '');
export const fromText = (value) => Binary.fromText(value);

/**
 * The stream, its open jobs and the first assigned one: { stream, jobs, job } (job may be null).
 * `stream` is null when the chain has no such stream.
 */
export async function lookupStream(rpc, streamId) {
  const stream = await rpc('jobs_stream', streamId);
  if (!stream) return { stream: null, jobs: [], job: null };
  const jobs = await rpc('jobs_openJobsOfStream', streamId);
  const job = jobs.find((j) => j.assignment) ?? null;
  return { stream, jobs, job };
}

/** The `olcToken.Tipped` events in the events of one block, with their indices. */
export function tippedEvents(events) {
  const found = [];
  events.forEach((record, index) => {
    const { event } = record;
    if (event.type === 'OlcToken' && event.value.type === 'Tipped') {
      const data = event.value.value;
      found.push({
        index,
        from: data.from,
        to: data.to,
        amount: BigInt(data.amount),
        gift: Number(data.gift),
        nickname: text(data.nickname),
        message: text(data.message),
      });
    }
  });
  return found;
}

/** The events of block `hash`. */
export const eventsAt = (api, hash) => api.query.System.Events.getValue({ at: hash });

/**
 * Calls `onTip(tip, block)` for every `Tipped` event to `recipient` in every block finalized
 * from now on (`block` = { hash, number }), in order. Returns the unsubscribe function.
 */
export function watchFinalizedTips(client, api, recipient, onTip) {
  return watchBlocks(client.finalizedBlock$, api, recipient, onTip);
}

/**
 * Like watchFinalizedTips, for every block that becomes part of the best chain (included, not
 * yet final), oldest first. A tip in a block that a fork later drops stays reported here; the
 * finalized watch is the one to trust.
 */
export function watchBestTips(client, api, recipient, onTip) {
  let seen = new Set();
  const best$ = {
    subscribe: (observer) =>
      client.bestBlocks$.subscribe((blocks) => {
        // blocks: [best, …, finalized]; report the ones not seen yet, oldest first.
        const fresh = blocks
          .slice(0, -1)
          .filter((block) => !seen.has(block.hash))
          .reverse();
        for (const block of fresh) {
          seen.add(block.hash);
          observer(block);
        }
        if (seen.size > 1000) seen = new Set(blocks.map((block) => block.hash));
      }),
  };
  return watchBlocks(best$, api, recipient, onTip);
}

function watchBlocks(block$, api, recipient, onTip) {
  let queue = Promise.resolve();
  const subscription = block$.subscribe((block) => {
    queue = queue
      .then(async () => {
        const events = await eventsAt(api, block.hash);
        for (const tip of tippedEvents(events)) {
          if (!recipient || sameAccount(tip.to, recipient))
            onTip(tip, { hash: block.hash, number: block.number });
        }
      })
      .catch((error) => console.warn('reading tips of a block failed', error));
  });
  return () => subscription.unsubscribe();
}

/**
 * Calls `onTip(tip, block)` for the `Tipped` events to `recipient` in the `count` finalized
 * blocks before the current finalized one (which watchFinalizedTips reports), oldest first.
 * Blocks whose state the node no longer keeps are skipped. Resolves when done.
 */
export async function loadRecentTips(client, api, recipient, count, onTip) {
  const head = await client.getFinalizedBlock();
  const numbers = [];
  for (let n = Math.max(1, head.number - count); n < head.number; n++) numbers.push(n);
  const found = [];
  const worker = async () => {
    while (numbers.length) {
      const number = numbers.shift();
      try {
        const hash = await client._request('chain_getBlockHash', [number]);
        for (const tip of tippedEvents(await eventsAt(api, hash))) {
          if (sameAccount(tip.to, recipient)) found.push({ tip, block: { hash, number } });
        }
      } catch {
        // pruned or unavailable: skip
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  found.sort((a, b) => a.block.number - b.block.number || a.tip.index - b.tip.index);
  for (const { tip, block } of found) onTip(tip, block);
}

/**
 * Re-reads event `index` of block `hash` from the chain and checks it is the tip described by
 * `tip`. Resolves with { ok, number }.
 */
export async function verifyTip(client, api, hash, tip) {
  const [events, header] = await Promise.all([eventsAt(api, hash), client.getBlockHeader(hash)]);
  const found = tippedEvents(events).find((e) => e.index === tip.index);
  const ok =
    !!found &&
    sameAccount(found.from, tip.from) &&
    sameAccount(found.to, tip.to) &&
    found.amount === tip.amount &&
    found.gift === tip.gift &&
    found.nickname === tip.nickname &&
    found.message === tip.message;
  return { ok, number: header.number };
}

/** Free balance less what must stay (existential deposit) and what is frozen. */
export async function spendable(api, address) {
  const [account, existential] = await Promise.all([
    api.query.System.Account.getValue(address),
    api.constants.Balances.ExistentialDeposit(),
  ]);
  const { free, frozen } = account.data;
  const keep = BigInt(frozen) > BigInt(existential) ? BigInt(frozen) : BigInt(existential);
  const left = BigInt(free) - keep;
  return left > 0n ? left : 0n;
}

/**
 * Signs and submits `tx` with `signer`, reporting progress: onStatus({ kind: 'signing' |
 * 'submitted' | 'pending' | 'final' | 'cancelled' | 'failed', block, events, error }).
 * Resolves with the final result or rejects.
 */
export function submit(tx, signer, onStatus = () => {}) {
  return new Promise((resolve, reject) => {
    onStatus({ kind: 'signing' });
    let pendingAt = null;
    tx.signSubmitAndWatch(signer).subscribe({
      next(event) {
        if (event.type === 'signed' || event.type === 'broadcasted') {
          if (!pendingAt) onStatus({ kind: 'submitted' });
        } else if (event.type === 'txBestBlocksState' && event.found) {
          if (!event.ok) return; // reported at finality (or below, on failure)
          if (pendingAt !== event.block.number) {
            pendingAt = event.block.number;
            onStatus({ kind: 'pending', block: event.block, events: event.events });
          }
        } else if (event.type === 'finalized') {
          if (event.ok) {
            onStatus({ kind: 'final', block: event.block, events: event.events });
            resolve(event);
          } else {
            const error = dispatchErrorText(event.dispatchError);
            onStatus({ kind: 'failed', error, block: event.block });
            reject(new Error(error));
          }
        }
      },
      error(error) {
        const message = error?.message ?? String(error);
        const cancelled = /cancel|reject|refus|denied/i.test(message);
        onStatus({ kind: cancelled ? 'cancelled' : 'failed', error: message });
        reject(error);
      },
    });
  });
}

/** "olcToken.InsufficientBalance"-like text of a dispatch error. */
export function dispatchErrorText(error) {
  if (!error) return 'unknown error';
  if (error.type === 'Module' && error.value?.type) {
    const inner = error.value.value;
    return `${error.value.type}.${inner?.type ?? JSON.stringify(inner)}`;
  }
  return error.type ?? JSON.stringify(error);
}
