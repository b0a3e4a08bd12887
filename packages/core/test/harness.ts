/**
 * Test harness: N real core nodes on a MemoryNetwork driven by a VirtualClock and one seeded random stream, so
 * every cluster test is deterministic and runs in virtual time.
 */
import { MemoryNetwork, VirtualClock, createSeededRandom } from '@gossip/transport';
import { afterEach } from 'vitest';
import type { Clock, NetworkEvent, SeededRandom, Transport } from '@gossip/transport';
import { Memberlist, type MemberlistConfig, MemoryMetrics, localConfig, lanConfig } from '../src/index.js';

export interface TestNode {
  readonly name: string;
  readonly address: string;
  readonly node: Memberlist;
  readonly metrics: MemoryMetrics;
}

export type NodeOverrides = Partial<Omit<MemberlistConfig, 'name' | 'transport' | 'clock' | 'random'>>;

/** A small deterministic cluster. */
export class TestCluster {
  readonly clock = new VirtualClock();
  readonly random: SeededRandom;
  readonly network: MemoryNetwork;
  readonly nodes: TestNode[] = [];
  private nextIp = 0;

  constructor(
    seed: string,
    readonly preset: 'lan' | 'local' = 'lan',
    onEvent?: (event: NetworkEvent) => void,
  ) {
    this.random = createSeededRandom(seed);
    this.network = new MemoryNetwork({
      clock: this.clock,
      random: this.random.fork('network'),
      ...(onEvent === undefined ? {} : { onEvent }),
    });
  }

  /** Address the next node will get (10.0.0.x:7946). */
  nextAddress(): string {
    return `10.0.${Math.floor(this.nextIp / 250)}.${(this.nextIp % 250) + 1}:7946`;
  }

  /** Starts a node (not joined). */
  async add(
    name: string,
    overrides: NodeOverrides = {},
    address = this.nextAddress(),
    runtime: { clock?: Clock; wrap?: (t: Transport) => Transport } = {},
  ): Promise<TestNode> {
    if (address === this.nextAddress()) this.nextIp++;
    const metrics = new MemoryMetrics();
    const endpoint = this.network.endpoint(address);
    const node = await Memberlist.create({
      ...(this.preset === 'lan' ? lanConfig() : localConfig()),
      metrics,
      ...overrides,
      name,
      transport: runtime.wrap ? runtime.wrap(endpoint) : endpoint,
      clock: runtime.clock ?? this.clock,
      random: this.random.fork(`${name}@${address}@${this.nodes.length}`),
    });
    const t = { name, address, node, metrics };
    this.nodes.push(t);
    return t;
  }

  /**
   * Node `a` (no gossip rounds of its own) joined by node `b`, whose traffic is then blackholed: whatever `a`
   * broadcasts (a leave, an update) has nowhere to go until `network.restore(b.address)`.
   */
  async pairWithUnreachablePeer(): Promise<{ a: TestNode; b: TestNode }> {
    const a = await this.add('a', { gossipIntervalMs: 0 });
    const b = await this.add('b');
    await this.run(b.node.join([a.address]));
    this.network.crash(b.address, 'blackhole');
    return { a, b };
  }

  /** Starts `n` nodes named node-0… and joins each to the first. */
  async start(n: number, overrides: NodeOverrides = {}): Promise<TestNode[]> {
    const started: TestNode[] = [];
    for (let i = 0; i < n; i++) started.push(await this.add(`node-${i}`, overrides));
    const first = started[0]!;
    for (const t of started.slice(1)) await this.run(t.node.join([first.address]));
    return started;
  }

  /** Awaits a promise while advancing virtual time (streams and timers need the clock to move). */
  async run<T>(promise: Promise<T>, maxMs = 120_000): Promise<T> {
    let settled = false;
    let value: T | undefined;
    let error: unknown;
    let failed = false;
    promise.then(
      (v) => {
        settled = true;
        value = v;
      },
      (e: unknown) => {
        settled = true;
        failed = true;
        error = e;
      },
    );
    await this.clock.runUntil(() => settled, maxMs);
    if (!settled) throw new Error(`promise did not settle within ${maxMs} virtual ms`);
    if (failed) throw error;
    return value as T;
  }

  /** Advances virtual time. */
  async advance(ms: number): Promise<void> {
    await this.clock.advance(ms);
  }

  /** Runs until `predicate` holds; returns the virtual ms it took, or throws after `maxMs`. */
  async until(predicate: () => boolean, maxMs: number, what = 'condition'): Promise<number> {
    const start = this.clock.now();
    const ok = await this.clock.runUntil(predicate, maxMs);
    if (!ok) throw new Error(`${what} not reached within ${maxMs} virtual ms`);
    return this.clock.now() - start;
  }

  /** True when every listed node sees exactly `names` as alive members. */
  converged(nodes: readonly TestNode[], names: readonly string[]): boolean {
    const want = [...names].sort().join(',');
    return nodes.every(
      (t) =>
        t.node
          .members()
          .filter((m) => m.state === 'alive')
          .map((m) => m.name)
          .sort()
          .join(',') === want,
    );
  }

  /** State of `name` as seen by `observer`. */
  stateOf(observer: TestNode, name: string): string | undefined {
    return observer.node.member(name)?.state;
  }

  /** Shuts every node down. */
  async shutdown(): Promise<void> {
    await Promise.all(this.nodes.map((t) => t.node.shutdown()));
  }
}

/** What a test started and must shut down; see {@link shutDownAfterEach}. */
export interface Started {
  cluster: TestCluster | undefined;
  readonly peers: { shutdown(): Promise<void> }[];
}

/** Registers an `afterEach` that shuts down the peers and the cluster a test put in the returned holder. */
export function shutDownAfterEach(): Started {
  const started: Started = { cluster: undefined, peers: [] };
  afterEach(async () => {
    for (const p of started.peers.splice(0)) await p.shutdown();
    await started.cluster?.shutdown();
    started.cluster = undefined;
  });
  return started;
}
