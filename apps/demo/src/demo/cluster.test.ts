import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCliLogger } from '@gossip/agent';
import { DemoCluster } from './cluster.js';

const clusters: DemoCluster[] = [];
afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.stop()));
});

function cluster(size: number, httpBasePort = 0): DemoCluster {
  const c = new DemoCluster({ size, host: '127.0.0.1', httpBasePort, preset: 'local', logger: createCliLogger('silent') });
  clusters.push(c);
  return c;
}

describe('DemoCluster', () => {
  it('given the preferred HTTP port of node-1 is taken, then node-1 falls back to a free port and the others keep theirs', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    try {
      const c = cluster(2, taken);
      await c.start();
      const [n1, n2] = c.status();
      expect(n1!.http).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(n1!.http).not.toBe(`127.0.0.1:${taken}`);
      expect(n2!.running).toBe(true);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('given kill and revive requests that make no sense, then they are refused with ERR_DEMO_NODE', async () => {
    const c = cluster(2);
    await c.start();
    await c.joinAll();
    await expect(c.kill('node-9')).rejects.toMatchObject({ code: 'ERR_DEMO_NODE' });
    await expect(c.revive('node-1')).rejects.toMatchObject({ code: 'ERR_DEMO_NODE', message: 'node-1 is already running' });
    await c.kill('node-2');
    await expect(c.kill('node-2')).rejects.toMatchObject({ code: 'ERR_DEMO_NODE', message: 'node-2 is not running' });
    await expect(c.kill('node-1')).rejects.toMatchObject({ code: 'ERR_DEMO_NODE', message: 'node-1 is the last node running' });
    expect(c.running().map((a) => a.name)).toEqual(['node-1']);
  });

  it('given a killed node revived, then it comes back on the same gossip address and reports kill and revive to observers', async () => {
    const c = cluster(3);
    const actions: string[] = [];
    c.onAction((a) => actions.push(`${a.type}:${a.name}`));
    await c.start();
    await c.joinAll();
    const before = c.status()[2]!.gossip;
    await c.kill('node-3');
    await c.revive('node-3');
    expect(c.status()[2]).toMatchObject({ name: 'node-3', running: true, gossip: before });
    expect(actions).toEqual(['kill:node-3', 'revive:node-3']);
  });
});
