// Helpers for driving OLC with @polkadot/api: submit and wait, balances at a block, authors.
import { u8aConcat, stringToU8a, u8aToBigInt } from '@polkadot/util';
import { encodeAddress } from '@polkadot/util-crypto';

export const UNIT = 10n ** 12n;

/** The maintainers pot: PalletId(*b"olc/mntn") as an account ("modl" ++ id, zero padded). */
export function maintainersPot(api) {
  const raw = u8aConcat(stringToU8a('modl'), stringToU8a('olc/mntn'), new Uint8Array(20));
  return encodeAddress(raw, api.registry.chainSS58);
}

/**
 * Signs and submits `tx` (with signer `options` such as { nonce }); resolves once it is finalized with
 * { blockHash, events, dispatchError, submittedAt, inBlockAt, finalizedAt } where
 * dispatchError is "pallet.Error" or null. Rejects when the node refuses the transaction.
 */
export function submitAndWaitFinalized(api, tx, signer, options = {}) {
  return new Promise((resolve, reject) => {
    const submittedAt = performance.now();
    let inBlockAt = null;
    tx.signAndSend(signer, options, ({ status, events, dispatchError }) => {
      if (status.isInBlock && inBlockAt === null) inBlockAt = performance.now();
      if (status.isFinalized) {
        let error = null;
        if (dispatchError) {
          if (dispatchError.isModule) {
            const meta = api.registry.findMetaError(dispatchError.asModule);
            error = `${meta.section}.${meta.name}`;
          } else {
            error = dispatchError.toString();
          }
        }
        resolve({
          blockHash: status.asFinalized.toHex(),
          events,
          dispatchError: error,
          submittedAt,
          inBlockAt,
          finalizedAt: performance.now(),
        });
      } else if (status.isDropped || status.isInvalid || status.isUsurped) {
        reject(new Error(`transaction ${status.type}`));
      }
    }).catch(reject);
  });
}

/** Free balance of `address` in the state after block `blockHash`. */
export async function freeAt(api, blockHash, address) {
  const apiAt = await api.at(blockHash);
  const account = await apiAt.query.system.account(address);
  return account.data.free.toBigInt();
}

/** The parent hash of block `blockHash`. */
export async function parentOf(api, blockHash) {
  const header = await api.rpc.chain.getHeader(blockHash);
  return header.parentHash.toHex();
}

/**
 * The author of a block as a validator account: Aura's authority number (slot mod authority
 * count) in the validator list of pallet-session (the same order as Aura's authorities), both
 * read at the parent block.
 */
export async function auraAuthor(api, blockHash) {
  const header = await api.rpc.chain.getHeader(blockHash);
  const preRuntime = header.digest.logs.find(
    (log) => log.isPreRuntime && log.asPreRuntime[0].toString() === 'aura',
  );
  if (!preRuntime) throw new Error(`block ${blockHash} has no Aura pre-runtime digest`);
  const slot = u8aToBigInt(preRuntime.asPreRuntime[1].toU8a(true), { isLe: true });
  const apiAt = await api.at(header.parentHash);
  const authorities = await apiAt.query.aura.authorities();
  const index = Number(slot % BigInt(authorities.length));
  const validators = await apiAt.query.session.validators();
  return encodeAddress(validators[index].toU8a(), api.registry.chainSS58);
}

/** Percentile (0..100) of a list of numbers, nearest-rank. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Like submitAndWaitFinalized, but fails the test if the call returned a dispatch error. */
export async function submitOk(api, tx, signer, options = {}) {
  const result = await submitAndWaitFinalized(api, tx, signer, options);
  if (result.dispatchError !== null) {
    throw new Error(`${tx.method.section}.${tx.method.method} failed: ${result.dispatchError}`);
  }
  return result;
}

/**
 * The events of `section.method` in blocks `from..=to` of the canonical chain (`to` defaults to
 * the finalized head), as { block, data }.
 */
export async function eventsInBlocks(api, section, method, from, to) {
  const last =
    to ?? (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
  const found = [];
  for (let n = from; n <= last; n++) {
    const at = await api.at(await api.rpc.chain.getBlockHash(n));
    for (const { event } of await at.query.system.events()) {
      if (event.section === section && event.method === method)
        found.push({ block: n, data: event.data });
    }
  }
  return found;
}

/**
 * Records the events of every finalized block from now on (blocks finalized together are all
 * read). Returns { events, of(section, method, filter?), stop() }; each event is
 * { block, section, method, data }.
 */
export function recordEvents(api) {
  const events = [];
  let last = null;
  let queue = Promise.resolve();
  const subscription = api.rpc.chain.subscribeFinalizedHeads((header) => {
    queue = queue
      .then(async () => {
        const number = header.number.toNumber();
        for (let n = last === null ? number : last + 1; n <= number; n++) {
          const at = await api.at(await api.rpc.chain.getBlockHash(n));
          for (const { event } of await at.query.system.events()) {
            events.push({
              block: n,
              section: event.section,
              method: event.method,
              data: event.data,
            });
          }
        }
        last = number;
      })
      .catch((error) => console.error(`recordEvents: ${error}`));
  });
  return {
    events,
    of: (section, method, filter = () => true) =>
      events.filter((e) => e.section === section && e.method === method && filter(e.data)),
    async stop() {
      (await subscription)();
    },
  };
}
