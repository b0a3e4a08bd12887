/**
 * Configuration of a {@link Memberlist} node: identity, injected runtime (transport, clock, randomness), security,
 * delegates and memberlist's tunables in milliseconds. Presets return memberlist's `DefaultLANConfig`,
 * `DefaultWANConfig` and `DefaultLocalConfig` values (PROTOCOL.md §9.4).
 */
import type { Clock, Random, Transport } from '@gossip/transport';
import { MAX_LABEL_LENGTH } from '@gossip/wire';
import type {
  AliveDelegate,
  ConflictDelegate,
  Delegate,
  EventDelegate,
  MergeDelegate,
  PacketCipher,
  PingDelegate,
} from './delegates.js';
import { MemberlistError } from './errors.js';
import type { Logger } from '@gossip/transport';
import type { MetricsSink } from './metrics.js';

/** Settings of periodic rejoin (config key `rejoin`; rejoin.ts runs it). */
export interface RejoinConfig {
  /** How often a node with no other alive or suspect member tries its seeds again (ms, > 0). */
  readonly intervalMs: number;
  /** Seeds to use (same forms as `join`); by default those of the most recent `join()` call. */
  readonly seeds?: readonly string[];
}

/** Settings of reconnect (config key `reconnect`; reconnect.ts runs it). On by default in every preset. */
export interface ReconnectConfig {
  /** How often one failed member is tried (ms); 0 disables reconnect. Serf's default is 30 s. */
  readonly intervalMs: number;
  /** How long after its failure a member is still tried (ms); 0 disables reconnect. Serf's default is 24 h. */
  readonly timeoutMs: number;
}

/** memberlist's tunables. Every duration is in milliseconds. */
export interface MemberlistTunables {
  /** Time between failure-detection probes (memberlist `ProbeInterval`); scaled up by the health score. */
  probeIntervalMs: number;
  /** How long to wait for a direct ack before asking for indirect probes (`ProbeTimeout`). */
  probeTimeoutMs: number;
  /** Number of peers asked to probe a node that missed its direct ack (`IndirectChecks`). */
  indirectChecks: number;
  /** Broadcasts are retransmitted `retransmitMult × ceil(log10(n + 1))` times (`RetransmitMult`). */
  retransmitMult: number;
  /** Minimum suspicion timeout is `suspicionMult × max(1, log10 n) × probeInterval` (`SuspicionMult`). */
  suspicionMult: number;
  /** Maximum suspicion timeout as a multiple of the minimum (`SuspicionMaxTimeoutMult`, Lifeguard). */
  suspicionMaxTimeoutMult: number;
  /** Upper bound (exclusive) of the health score plus one (`AwarenessMaxMultiplier`, Lifeguard). */
  awarenessMaxMultiplier: number;
  /**
   * Isolation awareness, not in memberlist: while most of our recent probes fail (and for one minimum suspicion
   * timeout after), a suspicion that expires with fewer than k confirmations is held instead of declared dead,
   * for at most one extra maximum suspicion timeout (see the README). `false` restores memberlist's behaviour.
   */
  isolationAwareness: boolean;
  /**
   * Not in memberlist: before a suspicion becomes a death with fewer than k confirmations (one we never
   * witnessed ourselves, or our own that nobody confirmed in a whole maximum timeout), or any death while our
   * own health score is above 0, push/pull with the suspect; if it answers, wait one minimum timeout for its
   * refutation (and ask again if it does not come); if it refuses the connection, declare it dead. `false`
   * trusts the timer alone, as memberlist does.
   */
  suspicionVerification: boolean;
  /**
   * Lifeguard's buddy system: a probe of a suspect carries the suspect message, so the suspect learns of its
   * suspicion from the probe itself and refutes at once instead of waiting for gossip to reach it. memberlist
   * always does this; `false` probes a suspect with a plain ping, which only serves to measure plain SWIM
   * against Lifeguard (the simulator's `PLAIN_SWIM`). Either way peers see ordinary memberlist messages.
   */
  buddySystem: boolean;
  /** Time between gossip rounds (`GossipInterval`). */
  gossipIntervalMs: number;
  /** Peers gossiped to per round (`GossipNodes`). */
  gossipNodes: number;
  /** Dead nodes keep receiving gossip (and stay listed) this long (`GossipToTheDeadTime`). */
  gossipToTheDeadTimeMs: number;
  /** Base interval of push/pull anti-entropy, scaled with cluster size; 0 disables it (`PushPullInterval`). */
  pushPullIntervalMs: number;
  /**
   * After a successful `join()`, one extra push/pull with a random alive peer runs after a random delay in
   * [d, 2d) where d is this value; 0 disables it. It repairs views left incomplete by a join storm (gossip of
   * members that joined after us may miss us) in seconds instead of at the first periodic push/pull. Not in
   * memberlist. Defaults: 10 gossip intervals (LAN 2000, WAN 5000, Local 1000).
   */
  postJoinPushPullDelayMs: number;
  /**
   * Partition healing, not in memberlist (Serf's reconnect): every `intervalMs`, one push/pull (a join, to a Go
   * peer) with a random member that failed — dead, not left — within `timeoutMs`, remembered even after it is
   * reaped. Nothing is sent while no member has failed. `{ intervalMs: 0, timeoutMs: 0 }` turns it off.
   * Defaults: 30 s / 24 h (Serf's), Local 10 s / 24 h.
   */
  reconnect: ReconnectConfig;
  /** Deadline of stream exchanges (push/pull, reliable messages) (`TCPTimeout`). */
  tcpTimeoutMs: number;
  /**
   * Push/pulls tried per seed address by `join()` when the seed is there but busy (the exchange timed out, was
   * reset, or closed unanswered, as a seed at its push/pull cap does); 1 gives memberlist's single try. A refused
   * connection (nobody listening) is not retried. A seed that drops us for a wrong key or label looks busy too,
   * so such a join fails after the backoffs (under 4 s by default) rather than at once. Not in memberlist.
   * Default 5.
   */
  joinAttempts: number;
  /**
   * Backoff before the k-th retry of a join: uniform in [0, min(`joinBackoffMaxMs`, this × 2^(k-1))) ("full
   * jitter", so a storm of joiners spreads out instead of returning in lockstep). Default 250 (Local 125).
   */
  joinBackoffMs: number;
  /** Cap of one join backoff (see `joinBackoffMs`). Default 4000 (Local 1000). */
  joinBackoffMaxMs: number;
  /**
   * Deadline of one join push/pull, from dialing the seed to reading its state; at least `tcpTimeoutMs` is used.
   * Longer than `tcpTimeoutMs` because a seed in a join storm takes connections from its accept queue slowly
   * (Node.js accepts one connection per listener per event-loop turn), and a joiner that gives up reconnects at
   * the back of that queue while its dead connection stays in it and still costs the seed an accept. A seed
   * that is down refuses the connection or times out the dial, so this wait applies only to a seed that is up.
   * Not in memberlist (TCPTimeout there). Default 30 000 (WAN 60 000, Local 5000).
   */
  joinTimeoutMs: number;
  /**
   * A join push/pull unanswered this long is hedged: we announce ourselves to the seed by UDP (our own alive
   * message), and from then on, at this interval, try one member learned since the join began beside the wait
   * (see `hedgedJoinExchange`). Spreads a join storm over the cluster instead of queueing it all at one seed's
   * listener. 0 waits for the seed alone, as memberlist does. Not in memberlist. Default 2000 (WAN 5000, Local
   * 1000).
   */
  joinHedgeMs: number;
  /** A dead node's name may be taken by a new address after this long; 0 = never (`DeadNodeReclaimTime`). */
  deadNodeReclaimTimeMs: number;
  /** Compress packets (when smaller) and streams (always) with LZW (`EnableCompression`). */
  enableCompression: boolean;
  /** Never fall back to a stream ping when UDP probes fail (`DisableTcpPings`). */
  disableTcpPings: boolean;
  /** Byte budget of one gossip/piggyback packet (`UDPBufferSize`). */
  udpBufferSize: number;
  /** Most state/user messages of one packet processed; the rest are dropped (`HandoffQueueDepth`). */
  handoffQueueDepth: number;
  /** memberlist protocol version spoken, 1…5 (`ProtocolVersion`). */
  protocolVersion: number;
  /** Lowest application (delegate) protocol version understood (`DelegateProtocolMin`). */
  delegateProtocolMin: number;
  /** Highest application protocol version understood (`DelegateProtocolMax`). */
  delegateProtocolMax: number;
  /** Application protocol version spoken (`DelegateProtocolVersion`). */
  delegateProtocolVersion: number;
  /** Require incoming packets to be encrypted when a cipher is set (`GossipVerifyIncoming`). */
  gossipVerifyIncoming: boolean;
  /** Encrypt outgoing packets when a cipher is set (`GossipVerifyOutgoing`). */
  gossipVerifyOutgoing: boolean;
  /** Most parts per compound packet sent: 127 keeps v0.2.2 peers safe, 255 is memberlist HEAD's limit. */
  maxCompoundParts: number;
  /** Largest metadata the local delegate may provide (`MetaMaxSize`). */
  metaMaxSize: number;
  /** Largest encrypted stream frame, push/pull user state or stream user message accepted (20 MiB). */
  maxStreamBytes: number;
  /** Largest decompressed payload accepted from one stream frame (40 MiB, memberlist HEAD). */
  maxDecompressedBytes: number;
  /**
   * Largest total decompressed from one datagram, over all its compress wrappers (1 MiB; memberlist has no
   * datagram bound and inflates up to its stream limit). Decompression stops the moment output passes it, so a
   * compression bomb costs a few milliseconds instead of hundreds; dropped as `ERR_TOO_LARGE`.
   */
  maxDatagramDecompressedBytes: number;
  /**
   * Most messages handled from one datagram (255): an honest sender packs one compound of at most 255 parts
   * (the count is a byte), compressed or not; nested compounds that unwrap to thousands of pings or alives would
   * hold the event loop for tens of milliseconds. The excess is dropped as `ERR_TOO_LARGE`.
   */
  maxDatagramMessages: number;
  /**
   * Most probe requests (pings and indirect pings) handled from one datagram (4); each makes us send a packet, to
   * the sender or to a target it names, so more would turn a node into a traffic amplifier for spoofed sources.
   * Honest senders put one in a datagram. The excess is dropped as `ERR_TOO_LARGE`. Not in memberlist.
   */
  maxDatagramProbes: number;
  /** Most node entries accepted in one push/pull (1 048 576, memberlist HEAD). */
  maxPushPullNodes: number;
  /**
   * Most inbound push/pull exchanges served at once (memberlist: 128). A push/pull takes its slot once its header
   * is complete; when none is free it waits up to `pushPullSlotWaitMs`, then is closed unanswered
   * (`gossip.stream.refused{limit=push_pull_slots}`, code `ERR_OVERLOADED`).
   */
  maxConcurrentPushPulls: number;
  /**
   * How long a complete inbound push/pull waits for a slot before being refused (1,000 ms; 0 refuses at once, as
   * memberlist does). Lets a join storm through one seed queue briefly instead of failing. Not in memberlist.
   */
  pushPullSlotWaitMs: number;
  /**
   * Deadline for an inbound stream's label and frame header, from accept (2,000 ms, at most `tcpTimeoutMs`); the
   * rest of the exchange keeps `tcpTimeoutMs`. Slow or silent connections are closed early
   * (`gossip.stream.dropped{code=ERR_TIMEOUT}`). While the process's event-loop turns are long (a saturated
   * process), twice the latest turn is added, so our slowness is not blamed on the peer. Not in memberlist.
   */
  streamHeaderTimeoutMs: number;
  /**
   * Most inbound streams one source IP may hold open at once (128); more are refused at accept
   * (`gossip.stream.refused{limit=per_source}`, code `ERR_OVERLOADED`). As high as the push/pull slots by default,
   * so many nodes sharing one address (tests on loopback) can join one seed at once; lower it where every member
   * has its own address. Not in memberlist.
   */
  maxInboundStreamsPerSource: number;
  /**
   * Most bytes all inbound streams may buffer together (64 MiB). Past it new streams are refused at accept, and a
   * stream whose next chunk would pass it is dropped (`gossip.stream.refused{limit=buffered_bytes}`, code
   * `ERR_OVERLOADED`). Not in memberlist.
   */
  maxInboundStreamBytes: number;
  /**
   * LZW work done on one stream frame per event-loop turn (256 KiB of output when decompressing, of input when
   * compressing). A large compressed frame is processed in slices with a yield (a 0 ms timer of the injected clock)
   * between them, so datagrams and other streams are served meanwhile. Not in memberlist (its goroutines share
   * the CPU instead).
   */
  streamSliceBytes: number;
  /**
   * Push/pull node entries decoded, merged or encoded per event-loop turn (256), with a yield between batches
   * (see `streamSliceBytes`): a 10,000-node push/pull no longer holds the event loop for its whole merge. Not in
   * memberlist.
   */
  pushPullBatchSize: number;
  /** Events buffered per `events()` iterator before the oldest are dropped. */
  eventBufferSize: number;
  /**
   * Largest step up from the incarnation we hold for a member (ourselves included) that an alive, suspect or
   * dead message may take (65,536). Larger jumps are ignored as spoofed (`gossip.incarnation.rejected`, code
   * `ERR_INCARNATION_JUMP`): honest incarnations grow by one per refutation, and one spoofed accusation at
   * 2^32−1 would otherwise make its subject unrefutable for good. Not in memberlist.
   */
  maxIncarnationJump: number;
  /**
   * Warnings about dropped or refused remote input written per reason (error code) before suppression starts
   * (5). Counters still count every drop; suppressed lines are summed up in one line per `dropLogIntervalMs`.
   */
  dropLogBurst: number;
  /** Length of a drop-log suppression window, ending with one summary line (10,000 ms). */
  dropLogIntervalMs: number;
}

/** Everything needed to create a node. Tunables left out take memberlist's LAN defaults. */
export interface MemberlistConfig extends Partial<MemberlistTunables> {
  /** Unique node name in the cluster. */
  name: string;
  /** How bytes move (UDP/TCP, in-memory network...). Core starts it and shuts it down. */
  transport: Transport;
  /** Time and timers; every timer of the node goes through it. */
  clock: Clock;
  /** Every random choice of the node (probe order, gossip targets, staggers) comes from it. */
  random: Random;
  /** Cluster label: packets and streams without exactly this label are dropped (memberlist HEAD `Label`). */
  label?: string;
  /** Accept unlabelled traffic as if it carried `label`; labelled traffic is then dropped (`SkipInboundLabelCheck`). */
  skipInboundLabelCheck?: boolean;
  /** Encryption (e.g. a keyring from `@gossip/keyring`); none means plaintext. */
  cipher?: PacketCipher;
  /** CIDR ranges whose addresses may join (`CIDRsAllowed`); undefined allows everyone. */
  cidrsAllowed?: readonly string[];
  /** Per-node opt-out of stream pings (`DisableTcpPingsForNode`). */
  disableTcpPingsForNode?: (name: string) => boolean;
  /** Levelled logger (console and pino both fit); silent by default. */
  logger?: Logger;
  /** Metrics sink using memberlist's metric names; nothing is emitted when absent. */
  metrics?: MetricsSink;
  /** Application hooks: metadata, user messages, broadcasts, state sync. */
  delegate?: Delegate;
  /** Join/leave/update notifications. */
  events?: EventDelegate;
  /** Name conflict notifications. */
  conflict?: ConflictDelegate;
  /** Veto for merging a remote cluster on join. */
  merge?: MergeDelegate;
  /** Admission control for members. */
  alive?: AliveDelegate;
  /** Probe hooks (ack payloads, RTTs). */
  ping?: PingDelegate;
  /**
   * Opt-in: while every other member is dead or left, join the seeds again every `intervalMs` (seeds default to
   * those of the last `join()`). Off by default, as in memberlist.
   */
  rejoin?: RejoinConfig;
}

/** A config with every tunable filled in. */
export type ResolvedConfig = MemberlistConfig & MemberlistTunables;

function commonDefaults(): MemberlistTunables {
  return {
    probeIntervalMs: 1000,
    probeTimeoutMs: 500,
    indirectChecks: 3,
    retransmitMult: 4,
    suspicionMult: 4,
    suspicionMaxTimeoutMult: 6,
    awarenessMaxMultiplier: 8,
    isolationAwareness: true,
    suspicionVerification: true,
    buddySystem: true,
    gossipIntervalMs: 200,
    gossipNodes: 3,
    gossipToTheDeadTimeMs: 30_000,
    pushPullIntervalMs: 30_000,
    postJoinPushPullDelayMs: 2000,
    reconnect: { intervalMs: 30_000, timeoutMs: 24 * 3600_000 },
    tcpTimeoutMs: 10_000,
    joinAttempts: 5,
    joinBackoffMs: 250,
    joinBackoffMaxMs: 4000,
    joinTimeoutMs: 30_000,
    joinHedgeMs: 2000,
    deadNodeReclaimTimeMs: 0,
    enableCompression: true,
    disableTcpPings: false,
    udpBufferSize: 1400,
    handoffQueueDepth: 1024,
    protocolVersion: 2,
    delegateProtocolMin: 0,
    delegateProtocolMax: 0,
    delegateProtocolVersion: 0,
    gossipVerifyIncoming: true,
    gossipVerifyOutgoing: true,
    maxCompoundParts: 127,
    metaMaxSize: 512,
    maxStreamBytes: 20 * 1024 * 1024,
    maxDecompressedBytes: 40 * 1024 * 1024,
    maxDatagramDecompressedBytes: 1024 * 1024,
    maxDatagramMessages: 255,
    maxDatagramProbes: 4,
    maxPushPullNodes: 1_048_576,
    maxConcurrentPushPulls: 128,
    pushPullSlotWaitMs: 1000,
    streamHeaderTimeoutMs: 2000,
    maxInboundStreamsPerSource: 128,
    maxInboundStreamBytes: 64 * 1024 * 1024,
    streamSliceBytes: 256 * 1024,
    pushPullBatchSize: 256,
    eventBufferSize: 1024,
    maxIncarnationJump: 65_536,
    dropLogBurst: 5,
    dropLogIntervalMs: 10_000,
  };
}

/** memberlist's `DefaultLANConfig` tunables: tuned for a local network (probe 1 s, gossip 200 ms). */
export function lanConfig(): MemberlistTunables {
  return commonDefaults();
}

/** memberlist's `DefaultWANConfig` tunables: slower, more patient timings for wide-area links. */
export function wanConfig(): MemberlistTunables {
  return {
    ...commonDefaults(),
    tcpTimeoutMs: 30_000,
    joinTimeoutMs: 60_000,
    joinHedgeMs: 5000,
    suspicionMult: 6,
    pushPullIntervalMs: 60_000,
    postJoinPushPullDelayMs: 5000,
    probeTimeoutMs: 3000,
    probeIntervalMs: 5000,
    gossipNodes: 4,
    gossipIntervalMs: 500,
    gossipToTheDeadTimeMs: 60_000,
  };
}

/** memberlist's `DefaultLocalConfig` tunables: aggressive timings for a single host or loopback. */
export function localConfig(): MemberlistTunables {
  return {
    ...commonDefaults(),
    tcpTimeoutMs: 1000,
    joinTimeoutMs: 5000,
    joinHedgeMs: 1000,
    joinBackoffMs: 125,
    joinBackoffMaxMs: 1000,
    indirectChecks: 1,
    retransmitMult: 2,
    suspicionMult: 3,
    pushPullIntervalMs: 15_000,
    postJoinPushPullDelayMs: 1000,
    reconnect: { intervalMs: 10_000, timeoutMs: 24 * 3600_000 },
    probeTimeoutMs: 200,
    gossipIntervalMs: 100,
    gossipToTheDeadTimeMs: 15_000,
  };
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new MemberlistError('ERR_CONFIG', `invalid config: ${what}`);
}

function isInt(v: number, min: number, max = Number.MAX_SAFE_INTEGER): boolean {
  return Number.isInteger(v) && v >= min && v <= max;
}

/** Fills unset tunables with LAN defaults and validates everything; throws `ERR_CONFIG`. */
export function resolveConfig(config: MemberlistConfig): ResolvedConfig {
  const defaults = lanConfig();
  const resolved = { ...defaults } as ResolvedConfig;
  for (const [key, value] of Object.entries(config)) {
    if (value !== undefined) (resolved as unknown as Record<string, unknown>)[key] = value;
  }
  check(typeof resolved.name === 'string' && resolved.name.length > 0, 'name must be a non-empty string');
  check(new TextEncoder().encode(resolved.name).length <= 65_535, 'name is too long');
  check(resolved.transport !== undefined, 'transport is required');
  check(resolved.clock !== undefined, 'clock is required');
  check(resolved.random !== undefined, 'random is required');
  check(isInt(resolved.protocolVersion, 1, 5), 'protocolVersion must be 1…5');
  for (const key of ['delegateProtocolMin', 'delegateProtocolMax', 'delegateProtocolVersion'] as const) {
    check(isInt(resolved[key], 0, 255), `${key} must be 0…255`);
  }
  for (const key of ['probeIntervalMs', 'probeTimeoutMs', 'tcpTimeoutMs', 'joinBackoffMaxMs', 'joinTimeoutMs'] as const) {
    check(Number.isFinite(resolved[key]) && resolved[key] > 0, `${key} must be > 0`);
  }
  for (const key of [
    'gossipIntervalMs',
    'gossipToTheDeadTimeMs',
    'pushPullIntervalMs',
    'postJoinPushPullDelayMs',
    'deadNodeReclaimTimeMs',
    'joinBackoffMs',
    'joinHedgeMs',
  ] as const) {
    check(Number.isFinite(resolved[key]) && resolved[key] >= 0, `${key} must be >= 0`);
  }
  check(isInt(resolved.joinAttempts, 1), 'joinAttempts must be an integer >= 1');
  check(isInt(resolved.indirectChecks, 0), 'indirectChecks must be an integer >= 0');
  check(isInt(resolved.gossipNodes, 0), 'gossipNodes must be an integer >= 0');
  check(isInt(resolved.retransmitMult, 1), 'retransmitMult must be an integer >= 1');
  check(isInt(resolved.suspicionMult, 1), 'suspicionMult must be an integer >= 1');
  check(isInt(resolved.suspicionMaxTimeoutMult, 1), 'suspicionMaxTimeoutMult must be an integer >= 1');
  check(isInt(resolved.awarenessMaxMultiplier, 1), 'awarenessMaxMultiplier must be an integer >= 1');
  check(isInt(resolved.udpBufferSize, 64, 65_535), 'udpBufferSize must be 64…65535');
  check(isInt(resolved.handoffQueueDepth, 1), 'handoffQueueDepth must be >= 1');
  check(isInt(resolved.maxCompoundParts, 2, 255), 'maxCompoundParts must be 2…255');
  check(isInt(resolved.metaMaxSize, 0, 65_535), 'metaMaxSize must be 0…65535');
  check(isInt(resolved.maxStreamBytes, 1), 'maxStreamBytes must be >= 1');
  check(isInt(resolved.maxDecompressedBytes, 1), 'maxDecompressedBytes must be >= 1');
  check(isInt(resolved.maxDatagramDecompressedBytes, 1), 'maxDatagramDecompressedBytes must be >= 1');
  check(isInt(resolved.maxDatagramMessages, 1), 'maxDatagramMessages must be >= 1');
  check(isInt(resolved.maxDatagramProbes, 1), 'maxDatagramProbes must be >= 1');
  check(isInt(resolved.maxPushPullNodes, 1), 'maxPushPullNodes must be >= 1');
  check(isInt(resolved.maxConcurrentPushPulls, 1), 'maxConcurrentPushPulls must be >= 1');
  check(Number.isFinite(resolved.pushPullSlotWaitMs) && resolved.pushPullSlotWaitMs >= 0, 'pushPullSlotWaitMs must be >= 0');
  check(Number.isFinite(resolved.streamHeaderTimeoutMs) && resolved.streamHeaderTimeoutMs > 0, 'streamHeaderTimeoutMs must be > 0');
  check(isInt(resolved.maxInboundStreamsPerSource, 1), 'maxInboundStreamsPerSource must be an integer >= 1');
  check(isInt(resolved.maxInboundStreamBytes, 1), 'maxInboundStreamBytes must be an integer >= 1');
  check(isInt(resolved.streamSliceBytes, 1), 'streamSliceBytes must be an integer >= 1');
  check(isInt(resolved.pushPullBatchSize, 1), 'pushPullBatchSize must be an integer >= 1');
  check(isInt(resolved.eventBufferSize, 1), 'eventBufferSize must be >= 1');
  // A partial `reconnect` (e.g. only `intervalMs`) keeps the default of the other field.
  if (typeof config.reconnect === 'object' && config.reconnect !== null) {
    resolved.reconnect = { ...defaults.reconnect, ...withoutUndefined(config.reconnect) };
  }
  const rc = resolved.reconnect as ReconnectConfig | undefined;
  check(
    typeof rc === 'object' && rc !== null && [rc.intervalMs, rc.timeoutMs].every((v) => Number.isFinite(v) && v >= 0),
    'reconnect.intervalMs and reconnect.timeoutMs must be >= 0',
  );
  check(isInt(resolved.maxIncarnationJump, 1, 0xffffffff), 'maxIncarnationJump must be 1…4294967295');
  check(isInt(resolved.dropLogBurst, 0), 'dropLogBurst must be an integer >= 0');
  check(Number.isFinite(resolved.dropLogIntervalMs) && resolved.dropLogIntervalMs > 0, 'dropLogIntervalMs must be > 0');
  if (resolved.rejoin !== undefined) {
    const r = resolved.rejoin;
    check(Number.isFinite(r.intervalMs) && r.intervalMs > 0, 'rejoin.intervalMs must be > 0');
    check(r.seeds === undefined || r.seeds.every((s) => typeof s === 'string' && s.length > 0), 'rejoin.seeds must be non-empty strings');
  }
  if (resolved.label !== undefined && resolved.label !== '') {
    const len = new TextEncoder().encode(resolved.label).length;
    check(len <= MAX_LABEL_LENGTH, `label must be at most ${MAX_LABEL_LENGTH} bytes`);
  }
  return resolved;
}
