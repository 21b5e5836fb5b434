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
// Before posting, an account takes a chat allowance (`api.tx.chat.takeAllowance()`, a
// refundable deposit) and may authorise a chat key once (`api.tx.chat.setChatKey(publicKey)`),
// so the page signs messages with that key and no wallet prompt.
//
// This module imports nothing: it is used from the tests and from the web bundle, which have
// different node_modules. Pass it an ApiPromise (its registry encodes, its provider talks to the
// node) and a key pair (anything with `.publicKey` and `.sign(bytes)`, e.g. a @polkadot/keyring
// sr25519 pair).

/** Longest nickname, in bytes of UTF-8. */
export const MAX_NICKNAME_LEN = 32;
/** Longest text, in bytes of UTF-8. */
export const MAX_TEXT_LEN = 140;
/** Longest lifetime the nodes accept, in seconds. */
export const MAX_TTL_SECS = 300;
/** Lifetime of a posted message unless told otherwise: two minutes. */
export const DEFAULT_TTL_SECS = 120;

const TYPES = {
  OlcChatDanmakuPosition: { _enum: ['Scroll', 'Top', 'Bottom'] },
  OlcChatKind: {
    _enum: {
      Chat: 'Null',
      Danmaku: { position: 'OlcChatDanmakuPosition', colour: 'u32' },
      System: 'Null',
    },
  },
  OlcChatMessageV1: {
    kind: 'OlcChatKind',
    nickname: 'Bytes',
    text: 'Bytes',
    clientTimestampMs: 'u64',
    segmentSeq: 'u64',
  },
  // Version 0 does not exist; the index is the version byte.
  OlcChatPayload: { _enum: { Unused: 'Null', V1: 'OlcChatMessageV1' } },
  OlcStatementProof: {
    _enum: {
      Sr25519: { signature: '[u8; 64]', signer: '[u8; 32]' },
      Ed25519: { signature: '[u8; 64]', signer: '[u8; 32]' },
      Secp256k1Ecdsa: { signature: '[u8; 65]', signer: '[u8; 33]' },
    },
  },
  // sp-statement-store `Field`: a statement is a Vec of these, in this order, each at most once.
  OlcStatementField: {
    _enum: {
      AuthenticityProof: 'OlcStatementProof',
      DecryptionKey: '[u8; 32]',
      Expiry: 'u64',
      Channel: '[u8; 32]',
      Topic1: '[u8; 32]',
      Topic2: '[u8; 32]',
      Topic3: '[u8; 32]',
      Topic4: '[u8; 32]',
      Data: 'Bytes',
    },
  },
};

/** Registers the chat types in `api.registry` (idempotent). */
export function registerChatTypes(api) {
  if (!api.registry.hasType('OlcStatementField')) api.registry.register(TYPES);
}

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
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}

/**
 * SCALE bytes of a message. `message`: { kind: 'chat' | 'system' | { danmaku: { position:
 * 'scroll' | 'top' | 'bottom', colour: 0xRRGGBB } }, nickname, text (strings or raw bytes),
 * clientTimestampMs (default now), segmentSeq (default 0) }. Nothing is checked here: the node
 * refuses a bad message with a named reason.
 */
export function encodePayload(api, message) {
  registerChatTypes(api);
  let kind;
  if (message.kind === undefined || message.kind === 'chat') kind = { Chat: null };
  else if (message.kind === 'system') kind = { System: null };
  else {
    const { position = 'scroll', colour = 0xffffff } = message.kind.danmaku;
    kind = { Danmaku: { position: position[0].toUpperCase() + position.slice(1), colour } };
  }
  return api.createType('OlcChatPayload', {
    V1: {
      kind,
      // Bytes from a Uint8Array would be read as already length-prefixed: pass hex.
      nickname: toHex(utf8(message.nickname ?? '')),
      text: toHex(utf8(message.text)),
      clientTimestampMs: message.clientTimestampMs ?? Date.now(),
      segmentSeq: message.segmentSeq ?? 0,
    },
  }).toU8a();
}

/**
 * The message in SCALE bytes `data`: { kind, nickname, text, clientTimestampMs, segmentSeq }
 * (strings; `kind` as accepted by encodePayload), or null if it does not decode.
 */
export function decodePayload(api, data) {
  registerChatTypes(api);
  try {
    const payload = api.createType('OlcChatPayload', data);
    if (!payload.isV1) return null;
    const m = payload.asV1;
    let kind = 'chat';
    if (m.kind.isSystem) kind = 'system';
    else if (m.kind.isDanmaku) {
      const d = m.kind.asDanmaku;
      kind = { danmaku: { position: d.position.type.toLowerCase(), colour: d.colour.toNumber() } };
    }
    const text = new TextDecoder('utf-8', { fatal: false });
    return {
      kind,
      nickname: text.decode(m.nickname.toU8a(true)),
      text: text.decode(m.text.toU8a(true)),
      clientTimestampMs: m.clientTimestampMs.toNumber(),
      segmentSeq: m.segmentSeq.toNumber(),
    };
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
export function buildStatement(api, keypair, streamId, data, options = {}) {
  registerChatTypes(api);
  const expiry = options.expiry ?? expiryFor(Date.now() / 1000, options.ttlSecs ?? DEFAULT_TTL_SECS,
    options.seq ?? nextSeq++);
  const fields = [
    api.createType('OlcStatementField', { Expiry: expiry }),
    api.createType('OlcStatementField', { Topic1: fromHex(streamId) }),
    api.createType('OlcStatementField', { Data: toHex(data) }),
  ];
  // The signed material: the fields without the proof and without the Vec length prefix.
  const material = concat(fields.map((f) => f.toU8a()));
  const proof = api.createType('OlcStatementField', {
    AuthenticityProof: { Sr25519: { signature: keypair.sign(material), signer: keypair.publicKey } },
  });
  return api.createType('Vec<OlcStatementField>', [proof, ...fields]).toU8a();
}

/**
 * The parts of a SCALE statement: { signer, signature (0x-hex), material (the signed bytes),
 * expiry (BigInt), expiresAt (UNIX seconds), topics (0x-hex), data (bytes) }, or null.
 */
export function decodeStatement(api, bytes) {
  registerChatTypes(api);
  let fields;
  try {
    fields = api.createType('Vec<OlcStatementField>', bytes);
  } catch {
    return null;
  }
  const out = { signer: null, signature: null, expiry: 0n, topics: [], data: null };
  const signed = [];
  for (const field of fields) {
    if (field.isAuthenticityProof) {
      const proof = field.asAuthenticityProof;
      if (proof.isSr25519) {
        out.signer = proof.asSr25519.signer.toHex();
        out.signature = proof.asSr25519.signature.toHex();
      }
      continue;
    }
    signed.push(field.toU8a());
    if (field.isExpiry) out.expiry = field.asExpiry.toBigInt();
    else if (field.isTopic1 || field.isTopic2 || field.isTopic3 || field.isTopic4) {
      out.topics.push(field.value.toHex());
    } else if (field.isData) out.data = field.asData.toU8a(true);
  }
  out.material = concat(signed);
  out.expiresAt = Number(out.expiry >> 32n);
  return out;
}

/**
 * Submits a SCALE statement to the node through `chat_submit`. Resolves with the node's answer:
 * { status: 'new' | 'known', account } or { status: 'refused', reason } (not stored, not
 * relayed; reasons as olc-primitives `ChatRefusal`, e.g. 'textTooLong', 'banned') or
 * { status: 'rejected', reason } (the sender's quota or the store is full).
 */
export function submitStatement(api, statement) {
  return providerOf(api).send('chat_submit', [toHex(statement)]);
}

// The ApiPromise's JSON-RPC provider (it has no public accessor).
const providerOf = (api) => api._rpcCore.provider;

/**
 * Signs `message` (see encodePayload) with `keypair` and posts it on `streamId`; resolves with
 * the node's answer (see submitStatement). Options as buildStatement's.
 */
export function postMessage(api, keypair, streamId, message, options = {}) {
  return submitStatement(api, buildStatement(api, keypair, streamId, encodePayload(api, message), options));
}

/**
 * Calls `onMessage(entry)` for every chat message of `streamId` the node has (the stored ones
 * first) and for every new one; entry: { message (decodePayload's, or null when undecodable),
 * signer, signature, material, expiresAt, statement (the SCALE bytes) }. Resolves with a function
 * that ends the subscription.
 */
export async function subscribeChat(api, streamId, onMessage, onError = () => {}) {
  registerChatTypes(api);
  const provider = providerOf(api);
  const id = await provider.subscribe(
    'statement_statement',
    'statement_subscribeStatement',
    [{ matchAll: [streamId] }],
    (error, event) => {
      if (error) { onError(error); return; }
      for (const hex of event?.data?.statements ?? []) {
        const statement = fromHex(hex);
        const parts = decodeStatement(api, statement);
        if (!parts) continue;
        onMessage({
          message: parts.data ? decodePayload(api, parts.data) : null,
          signer: parts.signer,
          signature: parts.signature,
          material: parts.material,
          expiresAt: parts.expiresAt,
          statement,
        });
      }
    },
  );
  return () => provider.unsubscribe('statement_statement', 'statement_unsubscribeStatement', id);
}

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
  const serial = (job) => { queue = queue.then(job).catch(() => {}); };
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
  return () => { unsubBest(); unsubFinal(); };
}
