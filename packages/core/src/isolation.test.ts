import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '@gossip/transport';
import { IsolationDetector } from './isolation.js';
import { MetricNames } from './metrics.js';
import { TestCluster, type TestNode } from '../test/harness.js';

describe('IsolationDetector', () => {
  const suspicion = { startedAt: 0, confirmations: 0, k: 2, minMs: 5_000, maxMs: 30_000 };

  it('given most recent probes unheard by anyone, when an unconfirmed suspicion expires, then the death is held until two minimum timeouts after the isolation ended', async () => {
    const clock = new VirtualClock();
    const d = new IsolationDetector(clock, true);
    for (const outcome of ['acked', 'failed', 'failed', 'silent'] as const) d.recordProbe(outcome);
    expect(d.isolated()).toBe(false);
    d.recordProbe('silent');
    expect(d.isolated()).toBe(true);
    let recovered = 0;
    d.onRecovered = () => recovered++;
    await clock.advance(30_000);
    expect(d.verdict(suspicion, 30_000)).toEqual({ holdMs: 10_000 });
    // Contact is back: two of the last three acked. The grace (2 minimum timeouts) starts now.
    for (let i = 0; i < 2; i++) d.recordProbe('acked');
    expect(d.isolated()).toBe(false);
    expect(recovered).toBe(1);
    await clock.advance(2_000);
    expect(d.verdict(suspicion, 30_000)).toEqual({ holdMs: 8_000 });
    await clock.advance(8_000);
    expect(d.verdict(suspicion, 30_000)).toBe('dead');
  });

  it('given isolation, when k is 0 or the detector is off, then nothing is held; a confirmed suspicion is held like any other', () => {
    const clock = new VirtualClock();
    const on = new IsolationDetector(clock, true);
    const off = new IsolationDetector(clock, false);
    for (let i = 0; i < 3; i++) {
      on.recordProbe('silent');
      off.recordProbe('silent');
    }
    expect(on.verdict({ ...suspicion, confirmations: 2 }, 0)).toEqual({ holdMs: 10_000 });
    expect(on.verdict({ ...suspicion, k: 0 }, 0)).toBe('dead');
    expect(off.verdict(suspicion, 0)).toBe('dead');
    expect(on.verdict(suspicion, 0)).toEqual({ holdMs: 10_000 });
  });

  it('given a suspicion that started after the last isolation ended, when it expires, then nothing is held', async () => {
    const clock = new VirtualClock();
    const d = new IsolationDetector(clock, true);
    for (let i = 0; i < 3; i++) d.recordProbe('silent');
    for (let i = 0; i < 3; i++) d.recordProbe('acked');
    await clock.advance(1_000);
    expect(d.verdict({ ...suspicion, startedAt: 1_000 }, 40_000)).toBe('dead');
  });

  it('given an isolation that never ends, when held again and again, then one maximum timeout after expiry the death is declared quietly', async () => {
    const clock = new VirtualClock();
    const d = new IsolationDetector(clock, true);
    for (let i = 0; i < 3; i++) d.recordProbe('silent');
    await clock.advance(30_000);
    expect(d.verdict(suspicion, 30_000)).toEqual({ holdMs: 10_000 });
    await clock.advance(26_000);
    expect(d.verdict(suspicion, 30_000)).toEqual({ holdMs: 4_000 });
    await clock.advance(4_000);
    expect(d.verdict(suspicion, 30_000)).toBe('quiet');
    // Confirmed by k members, the death is not ours alone: it is broadcast.
    expect(d.verdict({ ...suspicion, confirmations: 2 }, 30_000)).toBe('dead');
  });
});

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

/**
 * One of 8 nodes is cut off for 2 minutes, then reconnected for 2 more: deaths of the 7 healthy members, as
 * declared by the cut node itself and as seen by the other healthy members (third parties).
 */
async function isolatedRun(seed: string, isolationAwareness: boolean): Promise<{ byCut: number; byOthers: number; held: number }> {
  cluster = new TestCluster(seed);
  const nodes = await cluster.start(8, { isolationAwareness });
  const names = nodes.map((n) => n.name);
  await cluster.until(() => cluster!.converged(nodes, names), 30_000, 'convergence');
  const cut = nodes[7] as TestNode;
  let byCut = 0;
  let byOthers = 0;
  for (const t of nodes) {
    t.node.on('leave', (e) => {
      if (e.member.state !== 'dead' || e.member.name === cut.name) return;
      if (t === cut) byCut++;
      else byOthers++;
    });
  }
  cluster.network.partition([cut.address]);
  await cluster.advance(120_000);
  cluster.network.heal();
  await cluster.until(() => cluster!.converged(nodes, names), 120_000, 'healing');
  return { byCut, byOthers, held: cut.metrics.counter(MetricNames.suspectIsolationHeld) };
}

describe('isolation awareness in a cluster', () => {
  it('given one of 8 nodes cut off for 2 minutes and reconnected, then no other node sees a healthy member die; the cut node holds its suspicions, then declares them dead without telling anyone', async () => {
    const on = await isolatedRun('isolated-on', true);
    console.info(`[isolation on] ${JSON.stringify(on)}`);
    expect(on.byOthers).toBe(0);
    expect(on.held).toBe(7);
    expect(on.byCut).toBe(7);
    await cluster?.shutdown();
    cluster = undefined;
    const off = await isolatedRun('isolated-on', false);
    console.info(`[isolation off] ${JSON.stringify(off)}`);
    expect(off.byCut).toBe(7);
    expect(off.held).toBe(0);
  });
});
