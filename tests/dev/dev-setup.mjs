// Used by scripts/dev.sh: makes the dev chain's node (started with `--transcoder
// --transcoder-key //Alice`) a registered transcoder, so jobs created in the studio are assigned
// to it; with `--demo`, also opens Bob's demo stream and job and prints its id (scripts/dev.sh
// then starts the test-pattern broadcast). Usage: node dev-setup.mjs WS_URL SERVICE_URL [--demo]
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { submitOk, UNIT } from '../lib/chain.mjs';
import { RPC, rpcCall } from '../lib/rpc.mjs';

const [wsUrl, serviceUrl, flag] = process.argv.slice(2);
const api = await ApiPromise.create({
  provider: new WsProvider(wsUrl),
  rpc: RPC,
  noInitWarn: true,
});
const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
const alice = keyring.addFromUri('//Alice');
const bob = keyring.addFromUri('//Bob');
const rpc = (method, ...params) => rpcCall(api, method, ...params);

const registered = await rpc('stakingDelegation_transcoder', alice.address);
if (!registered?.registered) {
  await submitOk(api, api.tx.stakingDelegation.bond(10_000n * UNIT, alice.address), alice);
  // Reward cut 10 %, fee share 0, price 0.000001 OLC per segment and rendition.
  await submitOk(
    api,
    api.tx.stakingDelegation.registerTranscoder(100_000_000, 0, 1_000_000n, serviceUrl),
    alice,
  );
}
for (let i = 0; i < 60 && !(await rpc('stakingDelegation_activeSet')).length; i++)
  await new Promise((r) => setTimeout(r, 1000));
console.error(`Alice is an active transcoder at ${serviceUrl}`);

if (flag === '--demo') {
  const created = await submitOk(
    api,
    api.tx.jobs.createStream('OpenLive demo · 演示直播', bob.publicKey),
    bob,
  );
  const streamId = created.events
    .find(({ event }) => api.events.jobs.StreamCreated.is(event))
    .event.data.streamId.toHex();
  const profiles = [
    { name: '360p', width: 640, height: 360, bitrateKbps: 800, fps: 30 },
    { name: '240p', width: 426, height: 240, bitrateKbps: 250, fps: 30 },
  ];
  await submitOk(api, api.tx.jobs.createJob(streamId, profiles, 1_000_000n, 10n * UNIT), bob);
  for (
    let i = 0;
    i < 60 && !(await rpc('jobs_openJobsOfStream', streamId)).some((j) => j.assignment);
    i++
  ) {
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.log(streamId);
}
await api.disconnect();
