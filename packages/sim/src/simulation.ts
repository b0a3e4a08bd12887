/**
 * The simulation: N real `@gossip/core` nodes on one in-memory network, driven by one virtual clock, every random
 * choice (protocol and faults) drawn from streams forked off one seed. The same seed replays the same run
 * exactly, so failures found here are reproducible, and minutes of cluster time cost seconds of wall time.
 */

import type { Member, MemberState, Memberlist, MemberlistTunables } from '@gossip/core';
import type { CrashMode, LinkFaults, Partition, SeededRandom } from '@gossip/transport';
import { MemoryNetwork, VirtualClock, createSeededRandom } from '@gossip/transport';
import { SimulationError } from './errors.js';
import {
  type NodeConfig,
  type NodeOverrides,
  type NodeRecord,
  type NodeStatus,
  type SimNode,
  publicNode,
  simulatedAddress,
  startNodeProcess,
} from './node-process.js';
import { type PresetName, presetTunables } from './presets.js';
import { type TraceEvent, TraceRecorder } from './trace.js';
import { ClusterView } from './view.js';

/** Options for {@link Simulation}. */
export interface SimulationOptions {
  /** Seeds every random stream of the run (protocol and network). Same seed, same run. */
  readonly seed: number | string;
  /** memberlist preset for every node (default `'lan'`). */
  readonly preset?: PresetName;
  /** Tunables applied on top of the preset for every node (e.g. `LIFEGUARD_OFF`). */
  readonly tunables?: Partial<MemberlistTunables>;
  /** Default faults on every link. Default: 0.5 ms latency plus up to 0.5 ms jitter, no loss. */
  readonly faults?: LinkFaults;
  /** Per-node hooks and settings, e.g. a delegate under test; called for every (re)started node. */
  readonly node?: (name: string, generation: number) => NodeOverrides;
  /**
   * What the event trace records: everything (`true`, default), nothing, or the events a filter accepts (e.g.
   * only events about the node a test crashes). Convergence checks work either way.
   */
  readonly trace?: boolean | ((event: TraceEvent) => boolean);
}

/**
 * How long after a stalled node's timers resume it reads the traffic that arrived meanwhile (ms): one turn of
 * Node's event loop, whose timers phase comes before its I/O poll.
 */
export const STALL_IO_TURN_MS = 1;

/** Options for {@link Simulation.waitFor}. */
export interface WaitOptions {
  /** Give up after this much virtual time (ms). */
  readonly maxMs: number;
  /** Included in the timeout error. */
  readonly what?: string;
}

/** Options for {@link Simulation.joinAll}. */
export interface JoinAllOptions {
  /** The node everyone joins through (default: the first node added). */
  readonly seed?: string;
  /**
   * Virtual ms between consecutive joins; 0 (default) is a join storm: every node joins at the same instant.
   */
  readonly staggerMs?: number;
  /** Give up if the joins have not all completed within this much virtual time (default 120 000). */
  readonly maxMs?: number;
}

/** Drives a cluster of real memberlist nodes on a simulated network in virtual time. */
export class Simulation {
  /** The virtual clock every node and the network run on. */
  readonly clock: VirtualClock;
  /** The simulated network (faults, partitions, statistics). */
  readonly network: MemoryNetwork;
  /** Every membership event of every node, with virtual time and observer. */
  readonly trace = new TraceRecorder();
  private readonly view = new ClusterView();
  private readonly random: SeededRandom;
  private readonly tunables: MemberlistTunables;
  private readonly nodeOptions: ((name: string, generation: number) => NodeOverrides) | undefined;
  private readonly records = new Map<string, NodeRecord>();
  private nextIndex = 0;
  private closed = false;
  private laggard: NodeRecord | undefined;
  private runningNames: Set<string> | undefined;

  constructor(options: SimulationOptions) {
    this.random = createSeededRandom(options.seed);
    this.clock = new VirtualClock();
    this.network = new MemoryNetwork({
      clock: this.clock,
      random: this.random.fork('network'),
      defaults: options.faults ?? { latencyMs: 0.5, jitterMs: 0.5 },
    });
    this.tunables = presetTunables(options.preset ?? 'lan', options.tunables);
    this.nodeOptions = options.node;
    this.trace.setRecording(options.trace ?? true);
  }

  /**
   * A seeded random stream for the scenario's own choices (e.g. when a fault strikes), derived from the
   * simulation's seed and `label` alone: drawing from it perturbs no node and no network decision.
   */
  randomStream(label: string): SeededRandom {
    return this.random.fork(`scenario/${label}`);
  }

  /** Current virtual time (ms since the simulation started). */
  now(): number {
    return this.clock.now();
  }

  /** The tunables every node starts from (preset plus simulation-wide overrides). */
  baseTunables(): MemberlistTunables {
    return { ...this.tunables };
  }

  /**
   * Starts a node (not yet joined). `overrides` apply on top of the simulation's tunables and `node()` hooks, and
   * stick across restarts.
   */
  async addNode(name: string, overrides: NodeOverrides = {}): Promise<SimNode> {
    this.assertOpen();
    if (this.records.has(name)) throw new SimulationError('ERR_SIM_NODE', `node ${name} already exists`);
    const address = simulatedAddress(this.nextIndex++);
    const record = await this.startProcess(name, address, 0, overrides);
    this.records.set(name, record);
    return this.publicNode(record);
  }

  /**
   * Starts a node with a name already used by a running node but its own address: the name-conflict scenario.
   * It is tracked under `alias` (its memberlist name is still `name`).
   */
  async addImpostor(alias: string, name: string, overrides: NodeOverrides = {}): Promise<SimNode> {
    this.assertOpen();
    if (this.records.has(alias)) throw new SimulationError('ERR_SIM_NODE', `node ${alias} already exists`);
    const address = simulatedAddress(this.nextIndex++);
    const record = await this.startProcess(name, address, 0, overrides, alias);
    this.records.set(alias, record);
    return this.publicNode(record);
  }

  /** Starts `count` nodes named `${prefix}${i}` (i from the current count) and returns their names. */
  async addNodes(count: number, prefix = 'node-', overrides: NodeOverrides = {}): Promise<string[]> {
    const names: string[] = [];
    const start = this.records.size;
    for (let i = 0; i < count; i++) {
      const name = `${prefix}${start + i}`;
      await this.addNode(name, overrides);
      names.push(name);
    }
    return names;
  }

  /** The node called `name`. */
  node(name: string): SimNode {
    return this.publicNode(this.record(name));
  }

  /** The memberlist instance of `name` (the current process). */
  memberlist(name: string): Memberlist {
    return this.record(name).memberlist;
  }

  /** Names of every node, in the order added. */
  names(): string[] {
    return [...this.records.keys()];
  }

  /** Names of the running nodes (not crashed, not left). */
  running(): string[] {
    return [...this.records.values()].filter((r) => r.status === 'running').map((r) => r.key);
  }

  /** Joins `name` to the cluster through `seeds` (node names; default: the first other running node). */
  async join(name: string, seeds?: readonly string[], maxMs = 60_000): Promise<number> {
    const r = this.record(name);
    const targets = (seeds ?? this.running().filter((n) => n !== name).slice(0, 1)).map((s) => this.record(s).address);
    if (targets.length === 0) return 0;
    return this.drive(r.memberlist.join(targets), maxMs, `${name} joining`);
  }

  /**
   * Joins every running node to `seed`: all at once (a join storm) or `staggerMs` apart. Resolves when every join
   * has completed; rejects if any failed.
   */
  async joinAll(options: JoinAllOptions = {}): Promise<void> {
    const running = this.running();
    const seed = options.seed ?? running[0];
    if (seed === undefined) return;
    const seedAddress = [this.record(seed).address];
    const joins: Promise<number>[] = [];
    const stagger = options.staggerMs ?? 0;
    let i = 0;
    for (const name of running) {
      if (name === seed) continue;
      const ml = this.record(name).memberlist;
      const delay = stagger * i++;
      if (delay === 0) joins.push(ml.join(seedAddress));
      else joins.push(new Promise<void>((resolve) => this.clock.setTimeout(resolve, delay)).then(() => ml.join(seedAddress)));
    }
    await this.drive(Promise.all(joins), options.maxMs ?? 120_000, 'join storm');
  }

  /**
   * Starts from a formed cluster instead of forming one: every running node lists every other running node alive
   * (at the incarnation that node announces), with nothing sent, queued or announced, as a converged join storm
   * would leave it minus the storm's traffic. For studying a large cluster's steady state: forming 10,000 nodes
   * by joins delivers 10,000² × the retransmit limit (about 2·10⁹) gossip messages. Use {@link joinAll} to test
   * joining itself. No membership events fire; the cluster view is updated directly.
   */
  startConverged(): void {
    this.assertOpen();
    const running = [...this.records.values()].filter((r) => r.status === 'running');
    const members = running.map((r) => r.memberlist.localNode());
    for (const r of running) {
      r.memberlist.preloadMembers(members);
      for (const m of members) this.view.apply(r.observer, m.name, 'alive');
    }
  }

  /**
   * Kills `name` silently, as `kill -9` would: nothing more leaves it, nothing reaches it, and its process is torn
   * down without a leave message. `'refuse'` (default): its host still answers dials with a refusal;
   * `'blackhole'`: the whole host is gone.
   */
  async crash(name: string, mode: CrashMode = 'refuse'): Promise<void> {
    const r = this.record(name);
    if (r.status !== 'running') throw new SimulationError('ERR_SIM_NODE', `${name} is not running`);
    this.network.crash(r.address, mode);
    this.setStatus(r, 'crashed');
    await this.drive(this.stopProcess(r), 60_000, `stopping ${name}`);
  }

  /**
   * Restarts `name` as a fresh process under the same name and address (incarnation starts at 1 again), and
   * joins it through `seeds` (default: the first other running node). A running node is crashed first.
   */
  async restart(name: string, seeds?: readonly string[]): Promise<SimNode> {
    const r = this.record(name);
    if (r.status === 'running') await this.crash(name);
    this.network.restore(r.address);
    const next = await this.startProcess(r.name, r.address, r.generation + 1, r.overrides, name);
    this.records.set(name, next);
    await this.join(name, seeds);
    return this.publicNode(next);
  }

  /** Leaves gracefully (broadcasts the leave, waits for it to spread) and shuts the node down. */
  async leave(name: string, timeoutMs = 10_000): Promise<void> {
    const r = this.record(name);
    if (r.status !== 'running') throw new SimulationError('ERR_SIM_NODE', `${name} is not running`);
    await this.drive(r.memberlist.leave(timeoutMs), timeoutMs + 1000, `${name} leaving`);
    this.setStatus(r, 'left');
    await this.drive(this.stopProcess(r), 60_000, `stopping ${name}`);
  }

  /**
   * Makes `name` process everything delivered to it `minMs`–`maxMs` late (Lifeguard's "slow message processing",
   * e.g. a starved event loop); `undefined` makes it healthy again.
   */
  slow(name: string, delay: { minMs: number; maxMs: number } | undefined): void {
    const address = this.record(name).address;
    this.network.setSlow(address, delay && { minDelayMs: delay.minMs, maxDelayMs: delay.maxMs });
  }

  /**
   * Stalls the whole process of `name` for `durationMs` (a stop-the-world GC pause, SIGSTOP, a starved VM: the
   * Lifeguard paper's failure mode for a slow node): none of its timers run and nothing is delivered to it; when
   * it resumes, everything that fell due or arrived meanwhile happens at once. Unlike {@link slow}, its own
   * probe timeouts stretch too. A stall that overlaps another extends it. On resuming, the overdue timers run
   * first and the backlog is read one I/O turn ({@link STALL_IO_TURN_MS}) later, as Node.js runs its timers phase
   * before it polls for I/O: a process that wakes up sees its timeouts expire before it sees the replies.
   */
  stall(name: string, durationMs: number): void {
    const r = this.record(name);
    if (r.status !== 'running') throw new SimulationError('ERR_SIM_NODE', `${name} is not running`);
    this.network.pause(r.address, durationMs + STALL_IO_TURN_MS);
    r.clock.pause(durationMs);
  }

  /** Cuts the nodes `groupA` off from `groupB` (or from everyone else). Heal with the returned handle or `heal()`. */
  partition(groupA: readonly string[], groupB?: readonly string[]): Partition {
    const addr = (names: readonly string[]) => names.map((n) => this.record(n).address);
    return this.network.partition(addr(groupA), groupB && addr(groupB));
  }

  /** Removes every partition. */
  heal(): void {
    this.network.heal();
  }

  /** Lets `ms` of virtual time pass. */
  async runFor(ms: number): Promise<void> {
    this.assertOpen();
    await this.clock.advance(ms);
  }

  /**
   * Runs until `predicate()` holds, checked after every simulated instant, and returns the virtual time it took.
   * Throws `ERR_SIM_TIMEOUT` if it does not hold within `maxMs`.
   */
  async waitFor(predicate: () => boolean, options: WaitOptions): Promise<number> {
    this.assertOpen();
    const start = this.clock.now();
    const ok = await this.clock.runUntil(predicate, options.maxMs);
    if (!ok) {
      throw new SimulationError(
        'ERR_SIM_TIMEOUT',
        `${options.what ?? 'condition'} did not hold within ${options.maxMs} ms of virtual time`,
      );
    }
    return this.clock.now() - start;
  }

  /**
   * Whether every running node (or every running node among `observers`) believes exactly `expectAlive`
   * (default: the running nodes) alive, and nothing else. Maintained from events, so it is cheap enough to
   * check after every instant.
   */
  converged(options: { expectAlive?: readonly string[]; observers?: readonly string[] } = {}): boolean {
    const expected = options.expectAlive ? new Set(this.memberNames(options.expectAlive)) : this.runningMemberNames();
    if (options.observers !== undefined) {
      return options.observers.every((o) => {
        const r = this.record(o);
        return r.status !== 'running' || this.view.seesExactlyAlive(r.observer, expected);
      });
    }
    return this.everyRunning((r) => this.view.seesExactlyAlive(r.observer, expected));
  }

  /**
   * Whether every running node (other than `name` itself), or every running node among `observers`, believes
   * `name` is in `state`. For `dead` and `left`, a node that has already reaped the member (forgotten it) counts
   * as agreeing.
   */
  allSee(name: string, state: MemberState, observers?: readonly string[]): boolean {
    const subject = this.record(name);
    const memberName = subject.name;
    const reapedCounts = state === 'dead' || state === 'left';
    if (observers !== undefined) {
      return observers.every((o) => {
        const r = this.record(o);
        if (r.status !== 'running' || r === subject) return true;
        const seen = this.view.get(r.observer, memberName);
        return seen === undefined ? reapedCounts : seen === state;
      });
    }
    return this.everyRunning((r) => {
      if (r === subject) return true;
      const seen = this.view.get(r.observer, memberName);
      return seen === undefined ? reapedCounts : seen === state;
    });
  }

  /** What `observer`'s memberlist instance currently holds about `member`, or `undefined` if it has none. */
  belief(observer: string, member: string): { state: MemberState; incarnation: number } | undefined {
    const m = this.record(observer).memberlist.member(this.memberNameOf(member));
    return m && { state: m.state, incarnation: m.incarnation };
  }

  /** `observer`'s member list straight from its memberlist instance (the ground truth behind the trace). */
  membersOf(observer: string): Member[] {
    return this.record(observer).memberlist.members();
  }

  /**
   * Runs the clock until `promise` settles and returns its result: operations such as `join` or `leave` wait on
   * simulated network round trips, which only happen while virtual time moves.
   */
  async drive<T>(promise: Promise<T>, maxMs: number, what = 'operation'): Promise<T> {
    this.assertOpen();
    let settled = false;
    const tracked = promise.finally(() => {
      settled = true;
    });
    // Keep an early rejection from being reported as unhandled while the clock runs.
    tracked.catch(() => {});
    const ok = await this.clock.runUntil(() => settled, maxMs);
    if (!ok) throw new SimulationError('ERR_SIM_TIMEOUT', `${what} did not finish within ${maxMs} ms of virtual time`);
    return tracked;
  }

  /** Shuts every running node down and stops the simulation. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    const stopping: Promise<void>[] = [];
    for (const r of this.records.values()) {
      if (r.status === 'running') {
        this.setStatus(r, 'crashed');
        stopping.push(this.stopProcess(r));
      }
    }
    await this.drive(Promise.all(stopping), 60_000, 'shutdown');
    this.closed = true;
  }

  private async startProcess(
    name: string,
    address: string,
    generation: number,
    overrides: NodeOverrides,
    alias = name,
  ): Promise<NodeRecord> {
    const config: NodeConfig = {
      ...this.tunables,
      ...this.nodeOptions?.(alias, generation),
      ...overrides,
      random: this.random.fork(`node/${alias}/${generation}`),
    };
    const starting = startNodeProcess({ network: this.network, view: this.view, trace: this.trace }, {
      key: alias,
      name,
      address,
      generation,
      config,
      overrides,
    });
    const record = await this.drive(starting, 60_000, `starting ${alias}`);
    this.runningNames = undefined;
    return record;
  }

  /** Shuts the process down; the returned promise settles only while the clock is driven. */
  private stopProcess(r: NodeRecord): Promise<void> {
    return r.memberlist.shutdown();
  }

  /**
   * Checks `ok` for every running node, starting with the one that failed last time: while a condition is still
   * false it usually fails on the same laggard, which makes polling after every instant O(1).
   */
  private everyRunning(ok: (r: NodeRecord) => boolean): boolean {
    const laggard = this.laggard;
    if (laggard !== undefined && laggard.status === 'running' && !ok(laggard)) return false;
    for (const r of this.records.values()) {
      if (r.status !== 'running' || r === laggard) continue;
      if (!ok(r)) {
        this.laggard = r;
        return false;
      }
    }
    return true;
  }

  /** Memberlist names of the running nodes; cached until a node starts or stops. */
  private runningMemberNames(): ReadonlySet<string> {
    this.runningNames ??= new Set([...this.records.values()].filter((r) => r.status === 'running').map((r) => r.name));
    return this.runningNames;
  }

  private setStatus(r: NodeRecord, status: NodeStatus): void {
    r.status = status;
    this.runningNames = undefined;
  }

  private record(name: string): NodeRecord {
    const r = this.records.get(name);
    if (!r) throw new SimulationError('ERR_SIM_NODE', `no simulated node named ${name}`);
    return r;
  }

  private memberNameOf(key: string): string {
    return this.records.get(key)?.name ?? key;
  }

  private memberNames(keys: readonly string[]): string[] {
    return keys.map((k) => this.memberNameOf(k));
  }

  private publicNode(r: NodeRecord): SimNode {
    return publicNode(r);
  }

  private assertOpen(): void {
    if (this.closed) throw new SimulationError('ERR_SIM_SHUTDOWN', 'the simulation has been shut down');
  }
}
