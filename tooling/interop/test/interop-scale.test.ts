// @module-tag go
/**
 * A larger mixed cluster (4 Go memberlist v0.2.2 + 8 TS nodes, 12 in all): convergence, simultaneous failures
 * on both sides with no false positive among the survivors, and a burst of user broadcasts larger than a
 * v0.2.2 node can take in one compound (it mis-parses 128 parts or more), delivered completely.
 */
import { describe, expect, it } from 'vitest';
import { TsPeer, bytes, eventually, leaveEvents, startGoPeers, text, waitGoAlive, useInteropSuite } from './interop-support.js';

const teardown = useInteropSuite();

describe('a 12-node mixed cluster', () => {
  it('given 4 Go and 8 TS nodes, when one of each crashes and one of each leaves, then every survivor agrees and nobody else is lost', async () => {
    const gos = await startGoPeers(4, 'big');
    const tss: TsPeer[] = [];
    for (let i = 0; i < 8; i++) tss.push(await TsPeer.start({ name: `big-ts-${i}` }, teardown));
    // Every node joins through one random earlier node, of either kind.
    const seeds = [gos[0]!.address];
    for (const node of [...gos.slice(1), ...tss]) {
      const seed = seeds[Math.floor(Math.random() * seeds.length)]!;
      if (node instanceof TsPeer) await node.memberlist.join([seed]);
      else await node.join([seed]);
      seeds.push(node.address);
    }
    const all = [...gos.map((g) => g.name), ...tss.map((t) => t.name)];
    await Promise.all([...tss.map((t) => t.waitForAlive(all, 15_000)), waitGoAlive(gos, all, 15_000)]);

    await Promise.all([gos[3]!.kill(), tss[7]!.shutdown(), gos[2]!.leave(3_000), tss[6]!.memberlist.leave(3_000)]);
    await Promise.all([gos[2]!.stop(), tss[6]!.shutdown()]);

    const survivors = { gos: gos.slice(0, 2), tss: tss.slice(0, 6) };
    const alive = [...survivors.gos.map((g) => g.name), ...survivors.tss.map((t) => t.name)];
    for (const t of survivors.tss) {
      await t.waitForState('big-3', 'dead', 15_000);
      await t.waitForState('big-ts-7', 'dead', 15_000);
      await t.waitForState('big-2', 'left', 15_000);
      await t.waitForState('big-ts-6', 'left', 15_000);
      await t.waitForAlive(alive, 20_000);
    }
    for (const g of survivors.gos) {
      await g.waitForState('big-3', 'dead', 15_000);
      await g.waitForState('big-ts-7', 'dead', 15_000);
      await g.waitForState('big-2', 'left', 15_000);
      await g.waitForState('big-ts-6', 'left', 15_000);
    }
    await waitGoAlive(survivors.gos, alive, 20_000);
    const expected = new Set(['big-3', 'big-ts-7', 'big-2', 'big-ts-6']);
    const unexpected = leaveEvents(survivors.tss).filter((line) => !expected.has(line.split(' ')[2]!));
    expect(unexpected).toEqual([]);
    for (const g of survivors.gos) {
      const goLost = g.events.all().flatMap((e) => (e.type === 'leave' && !expected.has(e.node.name) ? [e.node.name] : []));
      expect(goLost).toEqual([]);
    }
  });

  it('given a TS node queueing 300 user broadcasts at once, then a Go node receives every one and keeps running', async () => {
    const [go] = await startGoPeers(1, 'burst-go');
    // One peer: every broadcast goes to the Go node, retransmitMult × ceil(log10 3) = 4 times.
    const ts = await TsPeer.start({ name: 'burst-ts' }, teardown);
    await ts.memberlist.join([go!.address]);
    await ts.waitForAlive([go!.name, ts.name], 20_000);

    const sent = Array.from({ length: 300 }, (_, i) => `b${i}`);
    for (const body of sent) ts.broadcast(bytes(body));

    const received = new Set<string>();
    const stop = go!.events.on((e) => {
      if (e.type === 'message') received.add(text(e.data));
    });
    for (const e of go!.events.all()) if (e.type === 'message') received.add(text(e.data));
    try {
      await eventually(`Go receives all 300 broadcasts (has ${received.size})`, 30_000, () => received.size === 300);
    } finally {
      stop();
    }
    expect([...received].sort()).toEqual([...sent].sort());
    expect(go!.exited).toBe(false);
    await waitGoAlive([go!], [go!.name, ts.name], 20_000);
  });
});
