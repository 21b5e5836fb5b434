// End to end: the test harness itself (tests/lib/node.mjs). Ports are handed out once each, below
// the kernel's ephemeral range, and a node whose RPC port was taken is still reached: its RPC
// server moves to a random port (sc-rpc-server retries there) and the harness follows the port
// the node prints. Both failed a CI run once (`could not connect to bench-worker-alice`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, connect, freePort } from './lib/node.mjs';

test('freePort hands out each port once, below the ephemeral range', async () => {
  const ports = [];
  for (let i = 0; i < 500; i++) ports.push(await freePort());
  assert.equal(new Set(ports).size, ports.length, 'a port was handed out twice');
  for (const port of ports) {
    assert.ok(port >= 20_000 && port < 32_768, `port ${port} is in the ephemeral range`);
  }
});

test('a node whose RPC port was taken by its own p2p listener is still reached', async () => {
  const shared = await freePort();
  const node = await startNode('harness-moved-rpc', ['--dev', '--tmp'], {
    rpcPort: shared,
    p2pPort: shared,
    prometheusPort: await freePort(),
  });
  try {
    const api = await connect(node, 30_000);
    try {
      assert.notEqual(node.rpcPort, shared, 'the RPC server should have moved');
      assert.equal((await api.rpc.system.chain()).toString(), 'OpenLive Coin Development');
    } finally {
      await api.disconnect();
    }
  } finally {
    await node.stop();
  }
});
