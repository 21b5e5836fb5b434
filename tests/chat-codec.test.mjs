// web/src/chat.js encodes and decodes chat statements itself (the web bundle has no
// @polkadot/api): its bytes must be those @polkadot/types gives for the same SCALE types
// (olc-primitives `chat`, sp-statement-store `Field`), and its decoder must read them back.
// No node needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TypeRegistry } from '@polkadot/types';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, signatureVerify } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import {
  encodePayload,
  decodePayload,
  buildStatement,
  decodeStatement,
  expiryFor,
} from '../web/src/chat.js';

const registry = new TypeRegistry();
registry.register({
  Position: { _enum: ['Scroll', 'Top', 'Bottom'] },
  Kind: {
    _enum: { Chat: 'Null', Danmaku: { position: 'Position', colour: 'u32' }, System: 'Null' },
  },
  MessageV1: {
    kind: 'Kind',
    nickname: 'Bytes',
    text: 'Bytes',
    clientTimestampMs: 'u64',
    segmentSeq: 'u64',
  },
  Payload: { _enum: { Unused: 'Null', V1: 'MessageV1' } },
  Proof: {
    _enum: {
      Sr25519: { signature: '[u8; 64]', signer: '[u8; 32]' },
      Ed25519: { signature: '[u8; 64]', signer: '[u8; 32]' },
      Secp256k1Ecdsa: { signature: '[u8; 65]', signer: '[u8; 33]' },
      OnChain: { who: '[u8; 32]', blockHash: '[u8; 32]', eventIndex: 'u64' },
    },
  },
  Field: {
    _enum: {
      AuthenticityProof: 'Proof',
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
});
const hex = (text) => u8aToHex(new TextEncoder().encode(text));
const STREAM = `0x${'ab'.repeat(32)}`;

const messages = [
  {
    message: {
      text: 'hi 你好',
      nickname: '小明',
      clientTimestampMs: 1_234_567_890_123,
      segmentSeq: 7,
    },
    kind: { Chat: null },
  },
  {
    message: {
      kind: { danmaku: { position: 'top', colour: 0xff8800 } },
      text: 'x'.repeat(140),
      nickname: '',
      clientTimestampMs: 5,
      segmentSeq: 0,
    },
    kind: { Danmaku: { position: 'Top', colour: 0xff8800 } },
  },
  {
    message: {
      kind: 'system',
      text: 'y'.repeat(70),
      nickname: 'n'.repeat(32),
      clientTimestampMs: 2 ** 40,
      segmentSeq: 2 ** 33,
    },
    kind: { System: null },
  },
];

test('payloads: the same bytes as @polkadot/types, and decoded back', () => {
  for (const { message, kind } of messages) {
    const expected = registry
      .createType('Payload', {
        V1: {
          kind,
          nickname: hex(message.nickname),
          text: hex(message.text),
          clientTimestampMs: message.clientTimestampMs,
          segmentSeq: message.segmentSeq,
        },
      })
      .toU8a();
    const bytes = encodePayload(null, message);
    assert.deepEqual(bytes, expected);
    assert.deepEqual(decodePayload(null, bytes), { kind: 'chat', ...message });
  }
  assert.equal(decodePayload(null, Uint8Array.of(2, 0, 0, 0)), null, 'an unknown version');
  assert.equal(
    decodePayload(null, encodePayload(null, messages[0].message).subarray(0, 10)),
    null,
    'truncated',
  );
});

test('statements: the same bytes as @polkadot/types, a verifiable signature, decoded back', async () => {
  await cryptoWaitReady();
  const key = new Keyring({ type: 'sr25519' }).addFromUri('//Dave//chat');
  const data = encodePayload(null, messages[1].message);
  const expiry = expiryFor(1_700_000_000, 120, 3);
  const statement = buildStatement(null, key, STREAM, data, { expiry });
  const decoded = decodeStatement(null, statement);
  const fields = [{ Expiry: expiry }, { Topic1: STREAM }, { Data: u8aToHex(data) }];
  const expected = registry
    .createType('Vec<Field>', [
      { AuthenticityProof: { Sr25519: { signature: decoded.signature, signer: key.publicKey } } },
      ...fields,
    ])
    .toU8a();
  assert.deepEqual(statement, expected);
  assert.equal(decoded.signer, u8aToHex(key.publicKey));
  assert.deepEqual(decoded.material, registry.createType('Vec<Field>', fields).toU8a().subarray(1));
  assert.ok(signatureVerify(decoded.material, decoded.signature, key.publicKey).isValid);
  assert.equal(decoded.expiry, expiry);
  assert.equal(decoded.expiresAt, 1_700_000_120);
  assert.deepEqual(decoded.topics, [STREAM]);
  assert.deepEqual(decoded.data, data);
  // Another proof kind is skipped (no sr25519 signer); unknown fields and trailing bytes are refused.
  const onChain = registry
    .createType('Vec<Field>', [
      { AuthenticityProof: { OnChain: { who: STREAM, blockHash: STREAM, eventIndex: 1 } } },
      ...fields,
    ])
    .toU8a();
  assert.equal(decodeStatement(null, onChain).signer, null);
  assert.deepEqual(decodeStatement(null, onChain).data, data);
  assert.equal(decodeStatement(null, Uint8Array.of(4, 9)), null);
  assert.equal(decodeStatement(null, Uint8Array.of(...statement, 0)), null);
});
