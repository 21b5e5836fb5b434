// The chat transport of the pages (danmaku.js's `connect`): chat and danmaku through the nodes'
// statement store (web/src/chat.js; README "Chat").
//
// Watching needs no wallet: the page subscribes to the stream's topic over its own WebSocket to
// the node (`statement_subscribeStatement`). Posting needs a chat key: an sr25519 key made in
// this browser (@scure/sr25519), one per wallet account, kept in localStorage. Enabling chat is
// one-time and goes through the wallet: `Chat.take_allowance` (a refundable deposit) if the
// account has no allowance, then `Chat.set_chat_key(public key)`. After that, sending signs with
// the chat key in the page: no wallet prompt.
import * as sr25519 from '@scure/sr25519';
import {
  MAX_NICKNAME_LEN,
  wsRpc,
  buildStatement,
  decodeStatement,
  encodePayload,
  submitStatement,
  subscribeChat,
  toHex,
  fromHex,
} from './chat.js';
import { rpcUrl } from './config.js';
import { submit, sameAccount } from './chain.js';

const KEY_PREFIX = 'olc.chatKey.';

/** This browser's chat key for `address`: { publicKey, sign(bytes) }, made on first use. */
export function chatKeyOf(address) {
  const name = KEY_PREFIX + address;
  let secret = null;
  try {
    const stored = localStorage.getItem(name);
    if (stored && /^0x[0-9a-f]{128}$/.test(stored)) secret = fromHex(stored);
  } catch {
    /* no storage: a key for this page only */
  }
  if (!secret) {
    secret = sr25519.secretFromSeed(crypto.getRandomValues(new Uint8Array(32)));
    try {
      localStorage.setItem(name, toHex(secret));
    } catch {
      /* as above */
    }
  }
  return {
    publicKey: sr25519.getPublicKey(secret),
    sign: (message) => sr25519.sign(secret, message),
  };
}

/** `name` cut to the nodes' nickname limit (whole characters). */
function nickname(name) {
  let out = '';
  for (const ch of name ?? '') {
    if (new TextEncoder().encode(out + ch).length > MAX_NICKNAME_LEN) break;
    out += ch;
  }
  return out;
}

/** The danmaku every message is sent as: scrolling, white. */
const DANMAKU = { danmaku: { position: 'scroll', colour: 0xffffff } };

/**
 * The transport for `streamId`: { send(text), subscribe(onMessage), state(), enable() } (see
 * danmaku.js). `chain` is page.js's connection (for the wallet's transactions and storage reads),
 * `account()` the chosen wallet account or null. Returns null when the node cannot be reached.
 */
export async function chatTransport({ streamId, chain, account }) {
  const rpc = wsRpc(rpcUrl);
  try {
    await rpc.send('rpc_methods', []);
  } catch {
    return null;
  }
  let onShow = () => {};
  const toMessage = (entry) => ({
    id: entry.signature,
    from: entry.signer,
    nickname: entry.message.nickname,
    text: entry.message.text,
    at: entry.message.clientTimestampMs,
    kind: entry.message.kind,
  });

  /** Whether this browser's key for the account is authorised, and the allowance there. */
  async function keyState(who) {
    const key = chatKeyOf(who.address);
    const [owner, allowance] = await Promise.all([
      chain.api.query.Chat.ChatKeys.getValue(toHex(key.publicKey)),
      chain.api.query.Chat.Allowances.getValue(who.address),
    ]);
    return { key, authorised: sameAccount(owner, who.address), allowance: allowance != null };
  }

  return {
    async state() {
      const who = account?.();
      if (!who) return 'watch';
      return (await keyState(who)).authorised ? 'ready' : 'enable';
    },
    async enable() {
      const who = account?.();
      if (!who) throw new Error('no wallet account');
      const { key, authorised, allowance } = await keyState(who);
      if (authorised) return;
      if (!allowance) await submit(chain.api.tx.Chat.take_allowance(), who.signer);
      await submit(chain.api.tx.Chat.set_chat_key({ key: toHex(key.publicKey) }), who.signer);
    },
    async send(text) {
      const who = account?.();
      if (!who) throw new Error('no wallet account');
      const key = chatKeyOf(who.address);
      const statement = buildStatement(
        rpc,
        key,
        streamId,
        encodePayload(rpc, { kind: DANMAKU, nickname: nickname(who.name), text }),
      );
      const answer = await submitStatement(rpc, statement);
      // Shown at once; the subscription's copy has the same id and is not shown twice.
      if (answer?.status === 'new' || answer?.status === 'known') {
        const parts = decodeStatement(rpc, statement);
        const message = {
          kind: DANMAKU,
          nickname: nickname(who.name),
          text,
          clientTimestampMs: Date.now(),
        };
        onShow(toMessage({ ...parts, message }));
      }
      return answer;
    },
    subscribe(onMessage) {
      onShow = onMessage;
      let end = null;
      let stopped = false;
      // When the connection drops, subscribe again (the node sends its stored messages again;
      // the panel shows each id once).
      const start = () => {
        if (stopped) return;
        end = subscribeChat(
          rpc,
          streamId,
          (entry) => {
            if (entry.message && entry.message.kind !== 'system') onMessage(toMessage(entry));
          },
          () => setTimeout(start, 2000),
        );
        end.catch(() => setTimeout(start, 2000));
      };
      start();
      return () => {
        stopped = true;
        end?.then((stop) => stop()).catch(() => {});
      };
    },
  };
}
