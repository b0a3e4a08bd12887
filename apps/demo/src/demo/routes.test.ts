/** The HTTP API's demo routes (`/v1/demo`, kill and revive) served by the agents of an in-process demo cluster. */
import { type DemoNodeStatus, createCliLogger } from '@gossip/agent';
import { waitFor } from '@gossip/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoCluster } from './cluster.js';

const logger = createCliLogger('silent');

describe('HTTP API in demo mode', () => {
  let cluster: DemoCluster;

  beforeAll(async () => {
    cluster = new DemoCluster({ size: 3, host: '127.0.0.1', httpBasePort: 0, preset: 'local', logger });
    await cluster.start();
    await cluster.joinAll();
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('given GET /demo, then every node is listed with its addresses and replica digest', async () => {
    const base = `http://${cluster.agent('node-1')!.http!.address}`;
    const { nodes } = (await (await fetch(`${base}/v1/demo`)).json()) as { nodes: DemoNodeStatus[] };
    expect(nodes.map((n) => [n.name, n.running])).toEqual([['node-1', true], ['node-2', true], ['node-3', true]]);
    expect(nodes[0]).toMatchObject({ gossip: expect.stringMatching(/^127\.0\.0\.1:\d+$/), http: expect.any(String), digest: expect.any(String) });
  });

  it('given POST kill of the node serving the request, then 409; given kill and revive of another, then the cluster notices both', async () => {
    const base = `http://${cluster.agent('node-1')!.http!.address}`;
    const self = await fetch(`${base}/v1/demo/nodes/node-1/kill`, { method: 'POST' });
    expect(self.status).toBe(409);
    expect((await fetch(`${base}/v1/demo/nodes/node-9/kill`, { method: 'POST' })).status).toBe(409);

    const kill = await fetch(`${base}/v1/demo/nodes/node-3/kill`, { method: 'POST' });
    expect(kill.status).toBe(200);
    expect(((await kill.json()) as { nodes: DemoNodeStatus[] }).nodes[2]).toMatchObject({ name: 'node-3', running: false });
    expect((await fetch(`${base}/v1/demo/nodes/node-3/kill`, { method: 'POST' })).status).toBe(409);
    await waitFor(() => cluster.agent('node-1')!.node.member('node-3')?.state !== 'alive', 10_000);

    expect((await fetch(`${base}/v1/demo/nodes/node-3/revive`, { method: 'POST' })).status).toBe(200);
    await waitFor(() => cluster.agent('node-1')!.node.member('node-3')?.state === 'alive', 10_000);
    expect(cluster.agent('node-3')!.node.localNode().incarnation).toBeGreaterThan(1);
  }, 20_000);
});
