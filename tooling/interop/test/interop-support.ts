/**
 * Support for the mixed Go/TS interop suites (interop-*.test.ts): TS nodes created through the `gossip`
 * umbrella with recording delegates, shared fast timings for both sides, bounded waits, and teardown that stops
 * every TS node and Go process even when a test fails.
 */
import {
  type Member,
  type MemberEvent,
  type Memberlist,
  type NodeOptions,
  TransmitLimitedQueue,
  type UniqueBroadcast,
  createNode,
} from 'gossip';
import { GoPeer, type GoPeerStartOptions, killAllGoProcesses } from '../src/index.js';

/**
 * Timings shared by both sides: memberlist's Local preset with probes every 200 ms (timeout 150 ms), gossip
 * every 50 ms and push/pull every second, so detection and convergence take about a second on loopback. The
 * retransmit multiplier is LAN's 4, not Local's 2: with 2, a 4-node cluster sends each broadcast twice, so a node
 * misses a leave about 4% of the time and, its own suspicion timing out first, records the leaver as dead instead
 * of left (memberlist ignores a leave about a node it already holds dead) — correct protocol behaviour, but a
 * flaky test.
 */
export const TIMINGS = {
  retransmitMult: 4,
  probeIntervalMs: 200,
  probeTimeoutMs: 150,
  gossipIntervalMs: 50,
  pushPullIntervalMs: 1_000,
  tcpTimeoutMs: 2_000,
  gossipToTheDeadTimeMs: 5_000,
  suspicionMult: 4,
} as const;

/** Go peer options with {@link TIMINGS}. */
export const GO_FAST: Omit<GoPeerStartOptions, 'name'> = { preset: 'local', bindAddr: '127.0.0.1', ...TIMINGS };

/** TS node options with {@link TIMINGS}, bound to a free loopback port. */
export const TS_FAST: NodeOptions = { preset: 'local', bind: '127.0.0.1:0', ...TIMINGS };

/** UTF-8 bytes of a string. */
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
/** UTF-8 text of bytes. */
export const text = (data: Uint8Array): string => new TextDecoder().decode(data);
/** A deterministic AES key of `length` bytes all equal to `fill`. */
export const aesKey = (fill: number, length: 16 | 24 | 32): Uint8Array => new Uint8Array(length).fill(fill);

/** Polls `check` every 50 ms until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  description: string,
  timeoutMs: number,
  check: () => T | undefined | false | Promise<T | undefined | false>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for: ${description}${why}`);
    }
    await sleep(50);
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Options of {@link TsPeer.start}: createNode options plus recorded delegate state. */
export interface TsPeerOptions extends NodeOptions {
  name: string;
  /** Initial metadata. */
  meta?: Uint8Array;
  /** Initial push/pull user state. */
  userState?: Uint8Array;
}

/**
 * A TS node created with `createNode`, whose delegate records what it receives (user messages, remote states)
 * and serves metadata, user broadcasts and user state the test sets.
 */
export class TsPeer {
  /** User messages received (best effort, reliable and broadcast), in arrival order. */
  readonly messages: Uint8Array[] = [];
  /** Remote user states merged by push/pull. */
  readonly mergedStates: { data: Uint8Array; join: boolean }[] = [];
  /** Every membership event. */
  readonly events: MemberEvent[] = [];
  /** Metadata returned to core by `nodeMeta`. */
  meta: Uint8Array;
  /** Returned by `localState`. */
  userState: Uint8Array;
  private readonly queue: TransmitLimitedQueue;
  private node!: Memberlist;

  private constructor(options: TsPeerOptions) {
    this.meta = options.meta ?? new Uint8Array(0);
    this.userState = options.userState ?? new Uint8Array(0);
    this.queue = new TransmitLimitedQueue({
      numNodes: () => this.node?.numMembers() ?? 1,
      retransmitMult: options.retransmitMult ?? TIMINGS.retransmitMult,
    });
  }

  /**
   * Creates the node (registered for teardown). Timings are {@link TS_FAST} unless `timings: 'preset'` keeps the
   * preset's own (LAN by default).
   */
  static async start(options: TsPeerOptions, registry: Teardown, { timings = 'fast' }: { timings?: 'fast' | 'preset' } = {}): Promise<TsPeer> {
    const { meta: _meta, userState: _state, ...nodeOptions } = options;
    const peer = new TsPeer(options);
    peer.node = await createNode({
      ...(timings === 'fast' ? TS_FAST : {}),
      ...nodeOptions,
      delegate: {
        nodeMeta: () => peer.meta,
        notifyMsg: (message) => peer.messages.push(message.slice()),
        getBroadcasts: (overhead, limit) => peer.queue.getBroadcasts(overhead, limit),
        localState: () => peer.userState,
        mergeRemoteState: (data, join) => peer.mergedStates.push({ data: data.slice(), join }),
      },
    });
    for (const type of ['join', 'leave', 'update', 'suspect', 'alive'] as const) {
      peer.node.on(type, (event) => peer.events.push(event));
    }
    registry.add(peer);
    return peer;
  }

  /** The underlying node. */
  get memberlist(): Memberlist {
    return this.node;
  }

  /** Node name. */
  get name(): string {
    return this.node.localNode().name;
  }

  /** `ip:port` to join through. */
  get address(): string {
    return this.node.localNode().address;
  }

  /** Queues a user broadcast, piggybacked on gossip like memberlist's delegate broadcasts. */
  broadcast(data: Uint8Array): void {
    const broadcast: UniqueBroadcast = { unique: true, message: () => data, invalidates: () => false, finished: () => {} };
    this.queue.queueBroadcast(broadcast);
  }

  /** Alive and suspect members, sorted by name. */
  memberNames(): string[] {
    return this.node
      .members()
      .map((m) => m.name)
      .sort();
  }

  /** The member named `name` as this node sees it. */
  member(name: string): Member | undefined {
    return this.node.member(name);
  }

  /** Waits until exactly `names` are alive here (no suspects). */
  async waitForAlive(names: readonly string[], timeoutMs: number): Promise<void> {
    const want = [...names].sort().join(',');
    await eventually(`${this.name} sees exactly [${want}] alive (has ${this.describe()})`, timeoutMs, () => {
      const alive = this.node.members().filter((m) => m.state === 'alive');
      return alive.length === names.length && alive.map((m) => m.name).sort().join(',') === want;
    });
  }

  /** Waits until `name` is in `state` here. */
  async waitForState(name: string, state: Member['state'], timeoutMs: number): Promise<Member> {
    return eventually(`${this.name} sees ${name} ${state}`, timeoutMs, () => {
      const m = this.node.member(name);
      return m?.state === state ? m : undefined;
    });
  }

  /** Waits for a received user message equal to `body`. */
  async waitForMessage(body: string, timeoutMs: number): Promise<void> {
    await eventually(`${this.name} receives message ${JSON.stringify(body)}`, timeoutMs, () =>
      this.messages.some((m) => text(m) === body),
    );
  }

  /** `name:state` of every known member, for failure messages. */
  describe(): string {
    return this.node
      .allMembers()
      .map((m) => `${m.name}:${m.state}@${m.incarnation}`)
      .join(', ');
  }

  /** Crash-like stop: no leave message, sockets closed. */
  async shutdown(): Promise<void> {
    await this.node.shutdown();
  }
}

/** Tracks TS nodes so `afterEach` stops them all, then SIGKILLs every Go process. */
export class Teardown {
  private readonly peers = new Set<TsPeer>();

  add(peer: TsPeer): void {
    this.peers.add(peer);
  }

  /** Shuts down every TS node (bounded) and kills every Go process. */
  async run(): Promise<void> {
    const peers = [...this.peers];
    this.peers.clear();
    await Promise.all(
      peers.map((peer) => Promise.race([peer.shutdown().catch(() => undefined), sleep(5_000)])),
    );
    await killAllGoProcesses();
  }
}

/** Starts `count` Go peers named `${prefix}-i` with {@link GO_FAST} timings plus `options`. */
export async function startGoPeers(
  count: number,
  prefix: string,
  options: Partial<GoPeerStartOptions> = {},
): Promise<GoPeer[]> {
  const peers: GoPeer[] = [];
  for (let i = 0; i < count; i++) peers.push(await GoPeer.start({ ...GO_FAST, ...options, name: `${prefix}-${i}` }));
  return peers;
}

/** Waits until every Go peer sees exactly `names` alive. */
export async function waitGoAlive(peers: readonly GoPeer[], names: readonly string[], timeoutMs: number): Promise<void> {
  const want = [...names].sort().join(',');
  await Promise.all(
    peers.map((peer) =>
      eventually(`${peer.name} sees exactly [${want}] alive`, timeoutMs, async () => {
        const members = await peer.members();
        const alive = members.filter((m) => m.state === 'alive').map((m) => m.name).sort().join(',');
        return members.length === names.length && alive === want;
      }),
    ),
  );
}

/** Leave events (dead or left) seen by TS nodes, for "no member lost" assertions. */
export function leaveEvents(peers: readonly TsPeer[]): string[] {
  return peers.flatMap((p) => p.events.filter((e) => e.type === 'leave').map((e) => `${p.name} saw ${e.member.name} ${e.member.state}`));
}
