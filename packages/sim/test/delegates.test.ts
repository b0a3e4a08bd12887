import type { Broadcast, Delegate, Member } from '@gossip/core';
import { TransmitLimitedQueue } from '@gossip/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type NodeOverrides, Simulation } from '../src/index.js';
import { startCluster } from './helpers.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

class Rumor implements Broadcast {
  constructor(readonly body: string) {}
  readonly unique = true as const;
  message(): Uint8Array {
    return enc(this.body);
  }
  invalidates(): boolean {
    return false;
  }
  finished(): void {}
}

/**
 * A small application delegate, the kind a user would test: metadata, direct messages, rumors spread by
 * re-broadcasting on first sight (as Serf does), and a state snapshot exchanged by push/pull.
 */
class App implements Delegate {
  meta = 'v1';
  readonly messages: string[] = [];
  readonly rumors = new Set<string>();
  readonly merged: { state: string; join: boolean }[] = [];
  readonly queue: TransmitLimitedQueue;

  constructor(
    readonly name: string,
    numNodes: () => number,
  ) {
    this.queue = new TransmitLimitedQueue({ numNodes, retransmitMult: 4 });
  }

  spread(rumor: string): void {
    this.rumors.add(rumor);
    this.queue.queueBroadcast(new Rumor(`rumor:${rumor}`));
  }

  nodeMeta(): Uint8Array {
    return enc(this.meta);
  }
  notifyMsg(message: Uint8Array): void {
    const text = dec(message);
    if (text.startsWith('rumor:')) {
      const rumor = text.slice('rumor:'.length);
      if (!this.rumors.has(rumor)) this.spread(rumor);
    } else {
      this.messages.push(text);
    }
  }
  getBroadcasts(overhead: number, limit: number): Uint8Array[] {
    return this.queue.getBroadcasts(overhead, limit);
  }
  localState(): Uint8Array {
    return enc(`state-of-${this.name}`);
  }
  mergeRemoteState(state: Uint8Array, join: boolean): void {
    this.merged.push({ state: dec(state), join });
  }
}

let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.shutdown();
  sim = undefined;
});

function appCluster(seed: string): { sim: Simulation; apps: Map<string, App> } {
  const apps = new Map<string, App>();
  const s: Simulation = new Simulation({
    seed,
    node: (name): NodeOverrides => {
      const app = new App(name, () => s.running().length);
      apps.set(name, app);
      return { delegate: app };
    },
  });
  return { sim: s, apps };
}

describe('application delegates under simulation', () => {
  it('given a converged cluster, when a node changes its metadata, then every node sees the update', async () => {
    const c = appCluster('meta');
    sim = c.sim;
    const names = await startCluster(sim, 10);
    expect(sim.membersOf(names[9]!).find((m) => m.name === names[4])!.meta).toEqual(enc('v1'));
    const changedAt = sim.now();
    c.apps.get(names[4]!)!.meta = 'v2';
    await sim.drive(sim.memberlist(names[4]!).updateNode(10_000), 11_000, 'updateNode');
    await sim.waitFor(
      () => names.every((o) => dec(sim!.memberlist(o).member(names[4]!)!.meta) === 'v2'),
      { maxMs: 10_000, what: 'metadata propagation' },
    );
    const updates = sim.trace.firstTimeByObserver({ type: 'update', member: names[4]!, since: changedAt });
    // Every node reports the update, the changed node included (as memberlist's NotifyUpdate does).
    expect([...updates.keys()].sort()).toEqual([...names].sort());
  });

  it('given two members, when one sends best-effort and reliable user messages, then the other receives both', async () => {
    const c = appCluster('messages');
    sim = c.sim;
    const [a, b] = await startCluster(sim, 5);
    await sim.drive(sim.memberlist(a!).sendBestEffort(b!, enc('hello over udp')), 5_000);
    await sim.drive(sim.memberlist(a!).sendReliable(b!, enc('hello over a stream')), 15_000);
    await sim.waitFor(() => c.apps.get(b!)!.messages.length === 2, { maxMs: 5_000, what: 'message delivery' });
    expect(c.apps.get(b!)!.messages.sort()).toEqual(['hello over a stream', 'hello over udp']);
  });

  it('given a delegate that re-broadcasts rumors, when one node starts a rumor, then it reaches every node by gossip', async () => {
    const c = appCluster('broadcasts');
    sim = c.sim;
    const names = await startCluster(sim, 30);
    const started = sim.now();
    c.apps.get(names[7]!)!.spread('the cake is a lie');
    const took = await sim.waitFor(() => names.every((n) => c.apps.get(n)!.rumors.has('the cake is a lie')), {
      maxMs: 10_000,
      what: 'rumor dissemination',
    });
    expect(sim.now() - started).toBe(took);
    // Epidemic dissemination: a handful of 200 ms gossip rounds, not a probe cycle per node.
    expect(took).toBeLessThan(5_000);
  });

  it('given delegates with local state, when nodes join and push/pull runs, then remote state is merged', async () => {
    const c = appCluster('push-pull');
    sim = c.sim;
    const names = await startCluster(sim, 4);
    // Joins exchange state with the seed, flagged as a join.
    for (const n of names.slice(1)) {
      expect(c.apps.get(n)!.merged).toContainEqual({ state: `state-of-${names[0]}`, join: true });
    }
    expect(c.apps.get(names[0]!)!.merged.filter((m) => m.join).map((m) => m.state).sort()).toEqual(
      names.slice(1).map((n) => `state-of-${n}`).sort(),
    );
    // Periodic anti-entropy (every 30 s for ≤ 32 nodes, first run staggered) exchanges it again.
    await sim.runFor(sim.baseTunables().pushPullIntervalMs * 2);
    for (const n of names) {
      const periodic = c.apps.get(n)!.merged.filter((m) => !m.join);
      expect(periodic.length, n).toBeGreaterThan(0);
      for (const m of periodic) expect(m.state).toMatch(/^state-of-node-\d+$/);
    }
  });
});

describe('name conflicts', () => {
  it('given a running member, when a different address joins with its name, then the conflict delegate fires and the newcomer is rejected', async () => {
    const conflicts: { observer: string; existing: Member; other: Member }[] = [];
    sim = new Simulation({
      seed: 'conflict',
      node: (name) => ({
        conflict: { notifyConflict: (existing, other) => conflicts.push({ observer: name, existing, other }) },
      }),
    });
    const names = await startCluster(sim, 5);
    const original = sim.node(names[2]!);
    const impostor = await sim.addImpostor('impostor', names[2]!);
    await sim.join('impostor', [names[0]!]);
    await sim.runFor(10_000);

    expect(conflicts.length).toBeGreaterThan(0);
    const seenByCluster = conflicts.filter((c) => c.observer !== 'impostor');
    expect(seenByCluster.length).toBeGreaterThan(0);
    for (const c of seenByCluster) {
      expect(c.existing.address).toBe(original.address);
      expect(c.other.address).toBe(impostor.address);
    }
    // The cluster keeps the original: same address, alive, everywhere.
    for (const o of names) {
      const m = sim.memberlist(o).member(names[2]!)!;
      expect(m.address, o).toBe(original.address);
      expect(m.state, o).toBe('alive');
    }
  });
});
