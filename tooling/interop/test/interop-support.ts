/**
 * Support for the mixed Go/TS interop suites (interop-*.test.ts): TS nodes created through the `gossip`
 * umbrella with recording delegates, shared fast timings for both sides, bounded waits, and teardown that stops
 * every TS node and Go process even when a test fails.
 */
import {
  type Logger,
  type Member,
  type MemberEvent,
  type Memberlist,
  MemoryMetrics,
  MetricNames,
  type NodeOptions,
  TransmitLimitedQueue,
  type UniqueBroadcast,
  createNode,
} from 'gossip';
import { buildGoProgram } from '@gossip/gotools';
import { delay, eventually } from '@gossip/test-support';
import { afterEach, beforeAll, expect } from 'vitest';
import { GO_PEER_DIR, GoPeer, type GoPeerStartOptions, killAllGoProcesses, liveGoProcessCount } from '../src/index.js';

/**
 * Timings shared by both sides: memberlist's Local preset with probes every 300 ms (timeout 150 ms: like LAN's
 * 1 s / 500 ms, half the period is left for indirect acks and the TCP fallback ping, which share the probe's
 * deadline — with 200 / 150 ms that 50 ms window was overrun on this busy machine), gossip every 50 ms and
 * push/pull every second, so detection and convergence take one to two seconds on loopback. The
 * retransmit multiplier is LAN's 4, not Local's 2: with 2, a 4-node cluster sends each broadcast twice, so a node
 * misses a leave about 4% of the time and, its own suspicion timing out first, records the leaver as dead instead
 * of left (memberlist ignores a leave about a node it already holds dead) — correct protocol behaviour, but a
 * flaky test.
 */
export const TIMINGS = {
  retransmitMult: 4,
  probeIntervalMs: 300,
  probeTimeoutMs: 150,
  gossipIntervalMs: 50,
  pushPullIntervalMs: 1_000,
  tcpTimeoutMs: 2_000,
  gossipToTheDeadTimeMs: 5_000,
  suspicionMult: 4,
} as const;

/** Spread after {@link GO_FAST} (or into TS options) to drop the shortened timings and keep the preset's own. */
export const NO_OVERRIDES: { readonly [K in keyof typeof TIMINGS]: undefined } = {
  retransmitMult: undefined,
  probeIntervalMs: undefined,
  probeTimeoutMs: undefined,
  gossipIntervalMs: undefined,
  pushPullIntervalMs: undefined,
  tcpTimeoutMs: undefined,
  gossipToTheDeadTimeMs: undefined,
  suspicionMult: undefined,
};

/** Go peer options with {@link TIMINGS}. */
export const GO_FAST: Omit<GoPeerStartOptions, 'name'> = {
  preset: 'local',
  bindAddr: '127.0.0.1',
  stderrLines: 50_000, // keep the whole log: teardown scans it for wire errors
  ...TIMINGS,
};

/** TS node options with {@link TIMINGS}, bound to a free loopback port. */
export const TS_FAST: NodeOptions = { preset: 'local', bind: '127.0.0.1:0', ...TIMINGS };

/** UTF-8 bytes of a string. */
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
/** UTF-8 text of bytes. */
export const text = (data: Uint8Array): string => new TextDecoder().decode(data);
/** A deterministic AES key of `length` bytes all equal to `fill`. */
export const aesKey = (fill: number, length: 16 | 24 | 32): Uint8Array => new Uint8Array(length).fill(fill);

export { eventually };

/**
 * Bounds for waits, sized for a shared machine with both cores busy: each costs nothing when the condition holds
 * early, so they are several times what an idle machine needs.
 */
export const BOUND = {
  /** Convergence, a state change, a message: usually under a second or two here. */
  converge: 20_000,
  /** Failure detection: probe, suspicion timeout and dissemination. */
  detect: 30_000,
} as const;

/** Completed probes and push/pulls so far, as one node counts them. */
export interface Progress {
  readonly probes: number;
  readonly pushPulls: number;
}

/** A node whose protocol progress can be counted ({@link TsPeer}, or a Go peer through {@link goProgress}). */
export interface ProgressSource {
  readonly name: string;
  progress(): Progress | Promise<Progress>;
}

/**
 * Counts a Go peer's progress: successful probes (memberlist's NotifyPingComplete, switched on here) and streams
 * it dialled (push/pulls, plus any reliable message or fallback ping — so "at least").
 */
export async function goProgress(peer: GoPeer): Promise<ProgressSource> {
  await peer.setPingEvents(true);
  const from = peer.events.mark();
  return {
    name: peer.name,
    progress: async () => ({
      probes: peer.events.all().slice(from).filter((e) => e.type === 'pingComplete').length,
      pushPulls: (await peer.stats()).tcpDials,
    }),
  };
}

/**
 * Waits until every node has really run `probes` more probe rounds and `pushPulls` more push/pulls — the evidence
 * a "nothing went wrong meanwhile" assertion needs, instead of a fixed sleep that may be too short on a loaded
 * machine and is always too long on an idle one. Go peers count only successful probes.
 */
export async function waitForRounds(
  description: string,
  nodes: readonly (ProgressSource | GoPeer)[],
  { probes = 0, pushPulls = 0 }: { probes?: number; pushPulls?: number },
  timeoutMs: number = BOUND.detect,
): Promise<void> {
  const sources = await Promise.all(nodes.map((n) => (n instanceof GoPeer ? goProgress(n) : Promise.resolve(n))));
  const start = await Promise.all(sources.map((s) => Promise.resolve(s.progress())));
  const what = `${description}: ${probes} probes and ${pushPulls} push/pulls on every node`;
  await eventually(what, timeoutMs, async () => {
    const behind: string[] = [];
    for (const [i, source] of sources.entries()) {
      const now = await source.progress();
      const done = { probes: now.probes - start[i]!.probes, pushPulls: now.pushPulls - start[i]!.pushPulls };
      if (done.probes < probes || done.pushPulls < pushPulls) behind.push(`${source.name} ${done.probes}/${done.pushPulls}`);
    }
    if (behind.length > 0) throw new Error(`behind: ${behind.join(', ')}`);
    return true;
  }, { intervalMs: 50 });
}

/**
 * Waits until `ms` have passed since `since` (a `performance.now()` reading): for protocol timers the test cannot
 * observe, such as memberlist's dead-node reclaim time, counted from the moment the test saw the death.
 */
export async function waitForElapsed(description: string, since: number, ms: number): Promise<void> {
  await eventually(description, ms + BOUND.converge, () => performance.now() - since >= ms, { intervalMs: 10 });
}

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
export class TsPeer implements ProgressSource {
  /** User messages received (best effort, reliable and broadcast), in arrival order. */
  readonly messages: Uint8Array[] = [];
  /** Remote user states merged by push/pull. */
  readonly mergedStates: { data: Uint8Array; join: boolean }[] = [];
  /** Every membership event. */
  readonly events: MemberEvent[] = [];
  /** Info, warnings and errors the node logged (core and transport), for diagnosis and "nothing was dropped" checks. */
  readonly logs: { level: 'info' | 'warn' | 'error'; msg: string; fields: Record<string, unknown> }[] = [];
  /** The logger given to the node: keeps info, warnings and errors, drops debug lines. */
  readonly logger: Logger = {
    debug: () => {},
    info: (fields, msg) => void this.logs.push({ level: 'info', msg, fields }),
    warn: (fields, msg) => void this.logs.push({ level: 'warn', msg, fields }),
    error: (fields, msg) => void this.logs.push({ level: 'error', msg, fields }),
  };
  /** Metadata returned to core by `nodeMeta`. */
  meta: Uint8Array;
  /** Returned by `localState`. */
  userState: Uint8Array;
  /** The node's metrics: probes and push/pulls are counted from it (see {@link waitForRounds}). */
  readonly metrics = new MemoryMetrics();
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
      logger: peer.logger,
      metrics: peer.metrics,
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

  /** Probes and push/pulls this node has completed. */
  progress(): Progress {
    return {
      probes: this.metrics.sample(MetricNames.probeNode)?.count ?? 0,
      pushPulls: this.metrics.sample(MetricNames.pushPullNode)?.count ?? 0,
    };
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

  /** The node's name, even after shutdown. */
  nameOrUnknown(): string {
    try {
      return this.name;
    } catch {
      return '?';
    }
  }

  /** Crash-like stop: no leave message, sockets closed. */
  async shutdown(): Promise<void> {
    await this.node.shutdown();
  }
}

/** Go peers started through this module since the last teardown (their logs are scanned for wire errors). */
const startedGoPeers = new Set<GoPeer>();

/**
 * memberlist v0.2.2 log lines that mean it could not take bytes a peer sent (decoding, decompression, CRC,
 * truncated compounds, unknown types, refused alives) or crashed. Between correct implementations there are none.
 */
const GO_WIRE_ERRORS = [
  /Failed to decode/,
  /Failed to decompress/,
  /Compound request had \d+ truncated/,
  /Got invalid checksum/,
  /[Mm]sg type \(\d+\) not supported/,
  /Message type \(\d+\) not supported/,
  /Received invalid msgType/,
  /Failed to receive user message/,
  /handler queue full/,
  /ignoring alive message/,
  /Ignoring an alive message/,
  /Refuting an alive message/,
  /panic:/,
];

/** What a test expects to see in Go logs despite {@link GO_WIRE_ERRORS} (e.g. labelled packets to v0.2.2). */
export interface TeardownOptions {
  allowGoLog?: readonly RegExp[];
}

/** Tracks TS nodes so `afterEach` stops them all, then SIGKILLs every Go process. */
export class Teardown {
  private readonly peers = new Set<TsPeer>();

  add(peer: TsPeer): void {
    this.peers.add(peer);
  }

  /**
   * Shuts down every TS node (bounded) and kills every Go process. Returns the wire errors either side logged:
   * input the TS nodes dropped as undecodable (malformed, truncated, bad CRC, bad LZW...) and memberlist log lines
   * matching {@link GO_WIRE_ERRORS}. Between correct implementations there are none, so tests assert the list is
   * empty — a wire incompatibility is caught even when the protocol recovers from it.
   */
  async run(options: TeardownOptions = {}): Promise<string[]> {
    const peers = [...this.peers];
    this.peers.clear();
    const goPeers = [...startedGoPeers];
    startedGoPeers.clear();
    if (process.env.GOSSIP_TS_LOG === '1') {
      for (const p of peers) for (const l of p.logs) console.log(`[${p.nameOrUnknown()}] ${l.level} ${l.msg} ${JSON.stringify(l.fields)}`);
    }
    await Promise.all(
      peers.map((peer) => Promise.race([peer.shutdown().catch(() => undefined), delay(5_000)])),
    );
    await killAllGoProcesses();
    const allowed = options.allowGoLog ?? [];
    const goErrors = goPeers.flatMap((g) =>
      g
        .stderr()
        .split('\n')
        .filter((line) => GO_WIRE_ERRORS.some((re) => re.test(line)) && !allowed.some((re) => re.test(line)))
        .map((line) => `${g.name}: ${line.trim()}`),
    );
    const tsErrors = peers.flatMap((p) =>
      p.logs
        .filter((l) => typeof l.fields.code === 'string' && DECODE_FAILURES.has(l.fields.code))
        .map((l) => `${p.nameOrUnknown()}: ${l.msg} (${String(l.fields.code)} from ${String(l.fields.from)})`),
    );
    return [...tsErrors, ...goErrors];
  }
}

/** Drop codes that mean bytes from a peer could not be decoded (as opposed to labels, keys or limits by design). */
const DECODE_FAILURES = new Set([
  'ERR_TRUNCATED',
  'ERR_MALFORMED',
  'ERR_UNKNOWN_TYPE',
  'ERR_CRC_MISMATCH',
  'ERR_LZW',
  'ERR_UNKNOWN_ALGO',
  'ERR_EMPTY',
  'ERR_UNEXPECTED_MESSAGE',
]);

/** Starts `count` Go peers named `${prefix}-i` with {@link GO_FAST} timings plus `options`. */
export async function startGoPeers(
  count: number,
  prefix: string,
  options: Partial<GoPeerStartOptions> = {},
): Promise<GoPeer[]> {
  const peers: GoPeer[] = [];
  for (let i = 0; i < count; i++) peers.push(await startGoPeer({ ...options, name: `${prefix}-${i}` }));
  return peers;
}

/** Starts one Go peer with {@link GO_FAST} timings plus `options` (registered for the teardown's log scan). */
export async function startGoPeer(options: Partial<GoPeerStartOptions> & { name: string }): Promise<GoPeer> {
  const peer = await GoPeer.start({ ...GO_FAST, ...options });
  startedGoPeers.add(peer);
  return peer;
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

/**
 * Registers the hooks every interop file needs and returns its {@link Teardown}: the Go peer is built once, and
 * after each test every node is stopped and the test fails if either side logged a wire error or a Go process
 * outlived it.
 */
export function useInteropSuite(): Teardown {
  const teardown = new Teardown();
  beforeAll(async () => {
    await buildGoProgram(GO_PEER_DIR, 'go-peer');
  }, 180_000);
  afterEach(async () => {
    expect(await teardown.run(), 'wire errors logged by TS or Go nodes').toEqual([]);
    expect(liveGoProcessCount()).toBe(0);
  });
  return teardown;
}
