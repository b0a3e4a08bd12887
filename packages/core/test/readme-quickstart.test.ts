import { MemoryNetwork, VirtualClock, createSeededRandom } from '@gossip/transport';
import { describe, expect, it } from 'vitest';
import { Memberlist, MemoryMetrics, MetricNames, lanConfig } from '../src/index.js';

describe('README quick start', () => {
  it('given the README example, when run, then b joins a and both are listed', async () => {
    const clock = new VirtualClock();
    const random = createSeededRandom('demo');
    const network = new MemoryNetwork({ clock, random: random.fork('net') });
    const metrics = new MemoryMetrics();
    const start = (name: string, address: string) =>
      Memberlist.create({ ...lanConfig(), name, transport: network.endpoint(address), clock, random: random.fork(name), metrics });
    const a = await start('a', '10.0.0.1:7946');
    const b = await start('b', '10.0.0.2:7946');
    const joined: string[] = [];
    b.on('join', (ev) => joined.push(ev.member.name));
    const joining = b.join(['10.0.0.1:7946']);
    await clock.runUntil(() => b.numMembers() === 2, 5_000);
    expect(await joining).toBe(1);
    expect(b.members().map((m) => m.name).sort()).toEqual(['a', 'b']);
    expect(joined).toEqual(['a']);
    await clock.advance(5_000);
    expect(metrics.gauge(MetricNames.nodeInstances, { node_state: 'alive' })).toBe(2);
    await Promise.all([a.shutdown(), b.shutdown()]);
  });
});
