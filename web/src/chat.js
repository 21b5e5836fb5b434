// OLC chat and danmaku client: post and subscribe to a stream's chat through an OLC node.
//
// Messages are statements in the node's statement store, gossiped between nodes (README "Chat").
// A statement here has exactly one topic (the stream id), an sr25519 proof by the sender's chat
// key (or the account's own key), an expiry (upper 32 bits: UNIX seconds, at most 5 minutes
// ahead; lower 32 bits: a sequence number), and as data the versioned SCALE payload of
// olc-primitives `chat`:
//
//   ChatPayload::V1 (index 1) { kind, nickname: Bytes, text: Bytes, clientTimestampMs: u64,
//                                segmentSeq: u64 }
//   kind: Chat | Danmaku { position: Scroll | Top | Bottom, colour: u32 (0xRRGGBB) } | System
//
// Before posting, an account takes a chat allowance (pallet-chat `takeAllowance`, a refundable
// deposit) and may authorise a chat key once (`setChatKey(publicKey)`), so the page signs
// messages with that key and no wallet prompt.
//
// This module imports nothing: it is used from the tests and from the web bundle, which have
// different node_modules. It encodes and decodes the SCALE itself. Its first argument, `rpc`,
// is how it reaches the node: either an object { send(method, params) → Promise,
// subscribe(notification, method, params, callback(error, result)) → Promise<id>,
// unsubscribe(notification, method, id) } (`wsRpc(url)` makes one from a WebSocket; a
// @polkadot/api provider is one), or a @polkadot/api ApiPromise (its provider is used). A key
// pair is anything with `.publicKey` (32 bytes) and `.sign(bytes)` → 64 bytes (a @polkadot/keyring
// sr25519 pair; in the page, an @scure/sr25519 secret key wrapped so).

/** Longest nickname, in bytes of UTF-8. */
export const MAX_NICKNAME_LEN = 32;
/** Longest text, in bytes of UTF-8. */
export const MAX_TEXT_LEN = 140;
/** Longest lifetime the nodes accept, in seconds. */
export const MAX_TTL_SECS = 300;
/** Lifetime of a posted message unless told otherwise: two minutes. */
export const DEFAULT_TTL_SECS = 120;

const POSITIONS = ['scroll', 'top', 'bottom'];
// sp-statement-store `Field` indices; a statement is a Vec of fields, in this order, each at most once.
const FIELD = { proof: 0, decryptionKey: 1, expiry: 2, channel: 3, topic1: 4, topic4: 7, data: 8 };
// sp-statement-store `Proof` variants: [index, signature length, signer length].
const PROOFS = [
  [0, 64, 32],
  [1, 64, 32],
  [2, 65, 33],
];
const ON_CHAIN_PROOF = 3; // { who: [u8; 32], blockHash: [u8; 32], eventIndex: u64 }

const utf8 = (value) => (typeof value === 'string' ? new TextEncoder().encode(value) : value);

/** 0x-hex of bytes. */
export function toHex(bytes) {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Bytes of 0x-hex. */
export function fromHex(hex) {
  const clean = hex.startsWith('0x') ? hex.slice(2) : hex;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// SCALE encoding: little-endian integers, compact lengths.
function uint(value, bytes) {
  const out = new Uint8Array(bytes);
  let v = BigInt(value);
  for (let i = 0; i < bytes; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function compact(n) {
  if (n < 1 << 6) return uint(n << 2, 1);
  if (n < 1 << 14) return uint((n << 2) | 1, 2);
  if (n < 2 ** 30) return uint(BigInt(n) * 4n + 2n, 4);
  const bytes = uint(n, 8);
  let len = 8;
  while (len > 4 && bytes[len - 1] === 0) len--;
  return concat([Uint8Array.of(((len - 4) << 2) | 3), bytes.subarray(0, len)]);
}

const scaleBytes = (bytes) => concat([compact(bytes.length), bytes]);

// SCALE decoding: a cursor over bytes; every read throws past the end.
class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.at = 0;
  }
  take(n) {
    if (this.at + n > this.bytes.length) throw new Error('SCALE: input too short');
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  u8() {
    return this.take(1)[0];
  }
  uint(n) {
    return this.take(n).reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);
  }
  compact() {
    const mode = this.bytes[this.at] & 3;
    if (mode === 0) return this.u8() >> 2;
    if (mode === 1) return Number(this.uint(2) >> 2n);
    if (mode === 2) return Number(this.uint(4) >> 2n);
    const len = (this.u8() >> 2) + 4;
    return Number(this.uint(len));
  }
  bytesField() {
    return this.take(this.compact());
  }
  done() {
    return this.at === this.bytes.length;
  }
}

/**
 * SCALE bytes of a message. `message`: { kind: 'chat' | 'system' | { danmaku: { position:
 * 'scroll' | 'top' | 'bottom', colour: 0xRRGGBB } }, nickname, text (strings or raw bytes),
 * clientTimestampMs (default now), segmentSeq (default 0) }. Nothing is checked here: the node
 * refuses a bad message with a named reason. (The first argument is unused; kept so callers may
 * pass their rpc/api as for the other functions.)
 */
export function encodePayload(_rpc, message) {
  let kind;
  if (message.kind === undefined || message.kind === 'chat') kind = Uint8Array.of(0);
  else if (message.kind === 'system') kind = Uint8Array.of(2);
  else {
    const { position = 'scroll', colour = 0xffffff } = message.kind.danmaku;
    const index = POSITIONS.indexOf(position);
    if (index < 0) throw new Error(`unknown danmaku position ${position}`);
    kind = concat([Uint8Array.of(1, index), uint(colour >>> 0, 4)]);
  }
  return concat([
    Uint8Array.of(1), // version 1
    kind,
    scaleBytes(utf8(message.nickname ?? '')),
    scaleBytes(utf8(message.text)),
    uint(message.clientTimestampMs ?? Date.now(), 8),
    uint(message.segmentSeq ?? 0, 8),
  ]);
}

/**
 * The message in SCALE bytes `data`: { kind, nickname, text, clientTimestampMs, segmentSeq }
 * (strings; `kind` as accepted by encodePayload), or null if it does not decode.
 */
export function decodePayload(_rpc, data) {
  try {
    const r = new Reader(data);
    if (r.u8() !== 1) return null;
    let kind;
    const tag = r.u8();
    if (tag === 0) kind = 'chat';
    else if (tag === 2) kind = 'system';
    else if (tag === 1) {
      const position = POSITIONS[r.u8()];
      if (!position) return null;
      kind = { danmaku: { position, colour: Number(r.uint(4)) } };
    } else return null;
    const text = new TextDecoder('utf-8', { fatal: false });
    const nickname = text.decode(r.bytesField());
    const body = text.decode(r.bytesField());
    const clientTimestampMs = Number(r.uint(8));
    const segmentSeq = Number(r.uint(8));
    if (!r.done()) return null;
    return { kind, nickname, text: body, clientTimestampMs, segmentSeq };
  } catch {
    return null;
  }
}

/** The expiry field: UNIX second `now + ttl` (ttl capped at MAX_TTL_SECS) and sequence `seq`. */
export function expiryFor(nowSecs, ttlSecs, seq = 0) {
  const expiresAt = BigInt(Math.floor(nowSecs) + Math.min(ttlSecs, MAX_TTL_SECS));
  return (expiresAt << 32n) | BigInt(seq >>> 0);
}

let nextSeq = 0;

/**
 * A signed statement carrying `data` on the topic `streamId` (0x-hex), as SCALE bytes. Options:
 * { ttlSecs, expiry (the raw field, overrides ttlSecs), seq }.
 */
export function buildStatement(_rpc, keypair, streamId, data, options = {}) {
  const expiry =
    options.expiry ??
    expiryFor(Date.now() / 1000, options.ttlSecs ?? DEFAULT_TTL_SECS, options.seq ?? nextSeq++);
  const topic = fromHex(streamId);
  if (topic.length !== 32) throw new Error('the stream id is not 32 bytes');
  const fields = [
    concat([Uint8Array.of(FIELD.expiry), uint(expiry, 8)]),
    concat([Uint8Array.of(FIELD.topic1), topic]),
    concat([Uint8Array.of(FIELD.data), scaleBytes(data)]),
  ];
  // The signed material: the fields without the proof and without the Vec length prefix.
  const material = concat(fields);
  const signature = keypair.sign(material);
  const proof = concat([Uint8Array.of(FIELD.proof, 0), signature, keypair.publicKey]);
  return concat([compact(fields.length + 1), proof, material]);
}

/**
 * The parts of a SCALE statement: { signer, signature (0x-hex), material (the signed bytes),
 * expiry (BigInt), expiresAt (UNIX seconds), topics (0x-hex), data (bytes) }, or null.
 */
export function decodeStatement(_rpc, bytes) {
  const out = { signer: null, signature: null, expiry: 0n, topics: [], data: null };
  const signed = [];
  try {
    const r = new Reader(bytes);
    const count = r.compact();
    for (let i = 0; i < count; i++) {
      const start = r.at;
      const tag = r.u8();
      if (tag === FIELD.proof) {
        const variant = r.u8();
        const shape = PROOFS[variant];
        if (shape) {
          const signature = r.take(shape[1]);
          const signer = r.take(shape[2]);
          if (variant === 0) {
            out.signer = toHex(signer);
            out.signature = toHex(signature);
          }
        } else if (variant === ON_CHAIN_PROOF) r.take(32 + 32 + 8);
        else return null;
        continue;
      }
      if (tag === FIELD.decryptionKey || tag === FIELD.channel) r.take(32);
      else if (tag === FIELD.expiry) out.expiry = r.uint(8);
      else if (tag >= FIELD.topic1 && tag <= FIELD.topic4) out.topics.push(toHex(r.take(32)));
      else if (tag === FIELD.data) out.data = r.bytesField();
      else return null;
      signed.push(bytes.subarray(start, r.at));
    }
    if (!r.done()) return null;
  } catch {
    return null;
  }
  out.material = concat(signed);
  out.expiresAt = Number(out.expiry >> 32n);
  return out;
}

/**
 * A JSON-RPC client over a WebSocket to `url` with the shape this module takes (send, subscribe,
 * unsubscribe) and `close()`. `WebSocketImpl` defaults to the global WebSocket.
 */
export function wsRpc(url, WebSocketImpl = globalThis.WebSocket) {
  let socket = null;
  let opened = null;
  let nextId = 1;
  const pending = new Map(); // request id → { resolve, reject }
  const subscriptions = new Map(); // subscription id → callback
  const early = new Map(); // notifications that came before their subscription's answer
  const open = () => {
    if (opened) return opened;
    opened = new Promise((resolve, reject) => {
      socket = new WebSocketImpl(url);
      socket.onopen = () => resolve(socket);
      socket.onerror = () => reject(new Error(`cannot reach ${url}`));
      socket.onclose = () => {
        opened = null;
        for (const { reject: fail } of pending.values()) fail(new Error('connection closed'));
        pending.clear();
        for (const callback of subscriptions.values()) callback(new Error('connection closed'));
        subscriptions.clear();
      };
      socket.onmessage = (event) => {
        let message;
        try {
          message = JSON.parse(event.data);
        } catch {
          return;
        }
        if (message.id != null && pending.has(message.id)) {
          const { resolve: done, reject: fail } = pending.get(message.id);
          pending.delete(message.id);
          if (message.error)
            fail(new Error(message.error.message ?? JSON.stringify(message.error)));
          else done(message.result);
        } else if (message.params?.subscription != null) {
          const id = message.params.subscription;
          const callback = subscriptions.get(id);
          if (callback) callback(null, message.params.result);
          else early.set(id, [...(early.get(id) ?? []), message.params.result]);
        }
      };
    });
    return opened;
  };
  const send = async (method, params = []) => {
    const ws = await open();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  };
  return {
    send,
    async subscribe(_notification, method, params, callback) {
      const id = await send(method, params);
      subscriptions.set(id, callback);
      for (const result of early.get(id) ?? []) callback(null, result);
      early.delete(id);
      return id;
    },
    async unsubscribe(_notification, method, id) {
      subscriptions.delete(id);
      return send(method, [id]).catch(() => false);
    },
    close() {
      socket?.close();
    },
  };
}

// `rpc` is a JSON-RPC client with `send(method, params)` and `subscribe(...)`: this app's
// (`wsRpc`) or a @polkadot/api WsProvider (the tests pass theirs; no private API).

/**
 * Submits a SCALE statement to the node through `chat_submit`. Resolves with the node's answer:
 * { status: 'new' | 'known', account } or { status: 'refused', reason } (not stored, not
 * relayed; reasons as olc-primitives `ChatRefusal`, e.g. 'textTooLong', 'banned') or
 * { status: 'rejected', reason } (the sender's quota or the store is full).
 */
export function submitStatement(rpc, statement) {
  return rpc.send('chat_submit', [toHex(statement)]);
}

/**
 * Signs `message` (see encodePayload) with `keypair` and posts it on `streamId`; resolves with
 * the node's answer (see submitStatement). Options as buildStatement's.
 */
export function postMessage(rpc, keypair, streamId, message, options = {}) {
  return submitStatement(
    rpc,
    buildStatement(rpc, keypair, streamId, encodePayload(rpc, message), options),
  );
}

/**
 * Calls `onMessage(entry)` for every chat message of `streamId` the node has (the stored ones
 * first) and for every new one; entry: { message (decodePayload's, or null when undecodable),
 * signer, signature, material, expiresAt, statement (the SCALE bytes) }. Resolves with a function
 * that ends the subscription.
 */
export async function subscribeChat(rpc, streamId, onMessage, onError = () => {}) {
  const client = rpc;
  const id = await client.subscribe(
    'statement_statement',
    'statement_subscribeStatement',
    [{ matchAll: [streamId] }],
    (error, event) => {
      if (error) {
        onError(error);
        return;
      }
      for (const hex of event?.data?.statements ?? []) {
        const statement = fromHex(hex);
        const parts = decodeStatement(rpc, statement);
        if (!parts) continue;
        onMessage({
          message: parts.data ? decodePayload(rpc, parts.data) : null,
          signer: parts.signer,
          signature: parts.signature,
          material: parts.material,
          expiresAt: parts.expiresAt,
          statement,
        });
      }
    },
  );
  return () => client.unsubscribe('statement_statement', 'statement_unsubscribeStatement', id);
}

// The transactions and tips below take a @polkadot/api ApiPromise (the tests' and tools' client;
// the page builds the same calls with polkadot-api, web/src/chat-slot.js).

/** The transaction that takes a chat allowance (holds the deposit, `chat.Deposit`). */
export const takeAllowanceTx = (api) => api.tx.chat.takeAllowance();

/** The transaction that authorises `publicKey` (32 bytes) as the account's chat key. */
export const setChatKeyTx = (api, publicKey) => api.tx.chat.setChatKey(publicKey);

/**
 * Tips stay on chain (`olcToken.Tipped`); a chat view shows them among the messages. Calls
 * `onTip(tip)` for every tip to `broadcaster` (an address) from now on, first with
 * `status: 'pending'` when a block including it becomes the node's best block, then with
 * `status: 'final'` when GRANDPA finalizes that block (a tip in a block that loses a fork never
 * turns final). tip: { status, from, to, amount (BigInt, smallest unit), gift, nickname, message
 * (strings), blockHash, blockNumber }. Resolves with a function that ends both subscriptions.
 */
export async function subscribeTips(api, broadcaster, onTip) {
  const target = api.createType('AccountId', broadcaster);
  let queue = Promise.resolve();
  const serial = (job) => {
    queue = queue.then(job).catch(() => {});
  };
  const tipsAt = async (hash, number, status) => {
    const events = await (await api.at(hash)).query.system.events();
    for (const { event } of events) {
      if (event.section !== 'olcToken' || event.method !== 'Tipped') continue;
      const { from, to, amount, gift, nickname, message } = event.data;
      if (!to.eq(target)) continue;
      const text = new TextDecoder('utf-8', { fatal: false });
      onTip({
        status,
        from: from.toString(),
        to: to.toString(),
        amount: amount.toBigInt(),
        gift: gift.toNumber(),
        nickname: text.decode(nickname.toU8a(true)),
        message: text.decode(message.toU8a(true)),
        blockHash: hash.toHex(),
        blockNumber: number,
      });
    }
  };
  let lastFinal = null;
  const unsubBest = await api.rpc.chain.subscribeNewHeads((header) => {
    serial(() => tipsAt(header.hash, header.number.toNumber(), 'pending'));
  });
  const unsubFinal = await api.rpc.chain.subscribeFinalizedHeads((header) => {
    serial(async () => {
      const number = header.number.toNumber();
      // Blocks finalized together are all read.
      for (let n = lastFinal === null ? number : lastFinal + 1; n <= number; n++) {
        await tipsAt(await api.rpc.chain.getBlockHash(n), n, 'final');
      }
      lastFinal = number;
    });
  });
  return () => {
    unsubBest();
    unsubFinal();
  };
}
