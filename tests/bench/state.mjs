// Gives a dev chain real state for `olc-node benchmark storage` (scripts/bench.sh storage): runs
// `olc-node --dev --base-path $STATE_DIR` and funds ACCOUNTS (default 7,500) new accounts from
// the dev accounts, in waves of WAVE (3,000) transfers that each land before the next is sent
// (a single burst of 20,000 from 6 accounts overflows the pool's 8,192 future transactions:
// README "The chain"), and stops the node once it all is finalized. The database stays in
// $STATE_DIR (ParityDB) for the storage benchmark to read and write.
import { Keyring } from '@polkadot/keyring';
import { startNode, connect, waitFinalized, sleep } from '../lib/node.mjs';
import { UNIT } from '../lib/chain.mjs';

const STATE_DIR = process.env.STATE_DIR;
const ACCOUNTS = Number(process.env.ACCOUNTS ?? 7_500);
const WAVE = Number(process.env.WAVE ?? 3_000);
if (!STATE_DIR) throw new Error('STATE_DIR (the base path to fill) is required');

const keyring = new Keyring({ type: 'sr25519' });
const node = await startNode('bench-state', ['--dev', '--base-path', STATE_DIR]);
const api = await connect(node);
await waitFinalized(api, 1, 120_000);
const senders = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie'].map((uri) =>
  keyring.addFromUri(uri),
);
const nonces = await Promise.all(
  senders.map(async (p) => (await api.rpc.system.accountNextIndex(p.address)).toNumber()),
);
const sign = (tx, s) =>
  tx
    .sign(senders[s], {
      nonce: nonces[s]++,
      era: 0,
      blockHash: api.genesisHash,
      genesisHash: api.genesisHash,
      runtimeVersion: api.runtimeVersion,
    })
    .toHex();
for (let start = 0; start < ACCOUNTS; start += WAVE) {
  const signed = senders.map(() => []);
  for (let i = start; i < Math.min(ACCOUNTS, start + WAVE); i++) {
    const s = i % senders.length;
    const to = keyring.addFromUri(`//state-${i}`).address;
    signed[s].push(sign(api.tx.balances.transferKeepAlive(to, 10n * UNIT), s));
  }
  await Promise.all(
    signed.map(async (list) => {
      for (const hex of list) await api.rpc.author.submitExtrinsic(hex);
    }),
  );
  for (;;) {
    const next = await Promise.all(
      senders.map(async (p) => (await api.rpc.system.accountNextIndex(p.address)).toNumber()),
    );
    if (next.every((n, s) => n >= nonces[s])) break;
    await sleep(2000);
  }
}
const best = (await api.rpc.chain.getHeader()).number.toNumber();
await waitFinalized(api, best, 120_000);
console.log(`${ACCOUNTS} accounts funded; state in ${STATE_DIR} at block #${best}`);
await api.disconnect();
await node.stop();
process.exit(0);
