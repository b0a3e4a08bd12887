/**
 * The public face of a gossip node: create it, join a cluster, watch members, send messages, leave. It wires
 * the protocol components (member list, membership state machine, prober, gossiper, packet and stream layers)
 * around one shared {@link EngineContext}. Semantics are memberlist's; see the package README for the map.
 */
import type { InboundPacket, Stream } from '@gossip/transport';
import { encodeUserPacket, ipToBytes } from '@gossip/wire';
import { type AbortSignalLike, untilAborted } from './abort.js';
import { AckHandlers } from './ack-handlers.js';
import { Admission } from './admission.js';
import { Awareness } from './awareness.js';
import { TransmitLimitedQueue } from './broadcast-queue.js';
import { CidrAllowList } from './cidr.js';
import { type MemberlistConfig, type ResolvedConfig, resolveConfig } from './config.js';
import { EngineContext } from './context.js';
import { MemberlistError, toError, transportCauseCode } from './errors.js';
import { EventHub } from './events.js';
import { Gossiper } from './gossiper.js';
import { joinCluster } from './join.js';
import { MemberEvents } from './member-events.js';
import { prefixLogger, silentLogger } from '@gossip/transport';
import { aliveBroadcastFor, internMember } from './intern.js';
import { type Member, type MemberInfo, NodeRecord, hostPort, isDeadOrLeft, snapshotMember } from './member.js';
import { Membership, type SuspectCheck } from './membership.js';
import { noopMetrics } from './metrics.js';
import { NodeTable } from './node-table.js';
import { PacketLayer } from './packet-layer.js';
import { Prober } from './prober.js';
import { PendingWaits } from './pending-waits.js';
import { PushPullState } from './push-pull.js';
import { Reconnector } from './reconnect.js';
import { Rejoiner } from './rejoin.js';
import { InboundRouter } from './router.js';
import { StreamLayer } from './stream-layer.js';

/** Options of {@link Memberlist.join}. */
export interface JoinOptions {
  /** Cancels the join: in-flight exchanges are torn down and the promise rejects with `ERR_ABORTED`. */
  signal?: AbortSignalLike;
}

/** Options of {@link Memberlist.leave}. */
export interface LeaveOptions {
  /** How long to wait for the goodbye to be sent (`ERR_TIMEOUT` after it); 0, the default, waits without limit. */
  timeoutMs?: number;
  /**
   * Stops waiting: the promise rejects with `ERR_ABORTED` (cause: the signal's reason). The node has still left —
   * its goodbye stays queued and keeps going out until {@link Memberlist.shutdown}. Already aborted: nothing is
   * done.
   */
  signal?: AbortSignalLike;
}

/** Options of {@link Memberlist.shutdown}. */
export interface ShutdownOptions {
  /**
   * Bounds the wait for the transport to close: the promise rejects with `ERR_ABORTED` when the signal aborts
   * first. Everything else stops at once regardless, and the transport finishes closing in the background.
   */
  signal?: AbortSignalLike;
}

/** Options of {@link Memberlist.setGossipVerify}. */
export interface GossipVerifySettings {
  /** Require inbound packets and streams to be encrypted. */
  incoming?: boolean;
  /** Encrypt outbound packets and streams. */
  outgoing?: boolean;
}

/**
 * The shared info of each snapshot handed to {@link Memberlist.preloadMembers}: a simulator preloads the same
 * snapshots into every node, and parsing each address once instead of once per node is most of the cost.
 */
const preloadedInfos = new WeakMap<Member, MemberInfo>();

/** A member, or a member's name. */
export type MemberRef = Member | string;

/**
 * One gossip node: SWIM failure detection with Lifeguard, memberlist's dissemination, push/pull anti-entropy and
 * delegates, speaking memberlist's wire protocol. Its membership events have an EventEmitter-compatible surface
 * ({@link MemberEvents}): `node.on('join', fn)`, `await node.once('join', { signal })`, `events.once(node, 'leave')`.
 */
export class Memberlist extends MemberEvents {
  private readonly ctx: EngineContext;
  private readonly config: ResolvedConfig;
  private readonly acks: AckHandlers;
  private readonly admission: Admission;
  private readonly membership: Membership;
  private readonly packets: PacketLayer;
  private readonly streams: StreamLayer;
  private readonly prober: Prober;
  private readonly gossiper: Gossiper;
  private readonly rejoiner: Rejoiner;
  private readonly reconnector: Reconnector;
  private shutdownPromise: Promise<void> | undefined;
  /** The goodbye broadcast, once `leave` started ('nobody': there was no one to tell). */
  private leaveSent: Promise<void> | 'nobody' | undefined;
  /** `leave`/`updateNode` calls waiting for their broadcast; shutdown ends them with ERR_SHUTDOWN. */
  private readonly waits: PendingWaits;

  private constructor(config: ResolvedConfig) {
    const logger = prefixLogger(config.logger ?? silentLogger, { node: config.name });
    super(
      new EventHub(
        config.eventBufferSize,
        (err) => logger.error({ err }, 'event listener threw'),
        () => logger.debug({}, 'event iterator buffer full, dropped oldest event'),
      ),
    );
    this.config = config;
    const metrics = config.metrics ?? noopMetrics;
    const table = new NodeTable(config.random);
    const broadcasts = new TransmitLimitedQueue({ numNodes: () => table.size, retransmitMult: config.retransmitMult });
    const awareness = new Awareness(config.awarenessMaxMultiplier, metrics);
    const cidrs = config.cidrsAllowed === undefined ? undefined : new CidrAllowList(config.cidrsAllowed);
    this.ctx = new EngineContext(
      config,
      config.transport,
      config.clock,
      config.random,
      logger,
      metrics,
      table,
      broadcasts,
      awareness,
      this.hub,
      cidrs,
    );
    this.acks = new AckHandlers(config.clock);
    this.waits = new PendingWaits(config.clock);
    this.admission = new Admission(this.ctx);
    this.membership = new Membership(this.ctx, this.admission);
    this.packets = new PacketLayer(this.ctx);
    this.streams = new StreamLayer(this.ctx);
    this.prober = new Prober(this.ctx, this.acks, this.packets, this.streams, this.membership);
    this.gossiper = new Gossiper(this.ctx, this.packets, this.streams);
    this.rejoiner = new Rejoiner(this.ctx, this.streams, this.waits, config.rejoin, () => this.gossiper.schedulePostJoinPushPull());
    const router = new InboundRouter(
      this.ctx,
      this.admission,
      this.membership,
      this.prober,
      new PushPullState(this.ctx, this.membership),
    );
    this.packets.attach(router);
    this.streams.attach(router);
    this.reconnector = new Reconnector(this.ctx, this.streams, config.reconnect);
    this.ctx.isolation.onRecovered = () => void this.gossiper.pushPull();
    if (config.suspicionVerification) this.membership.verifySuspect = (name) => {
      const record = this.ctx.table.get(name);
      if (record === undefined || this.ctx.shuttingDown) return Promise.resolve('refused');
      return this.streams.pushPull(hostPort(record.ip, record.port), false).then(
        (): SuspectCheck => 'answered',
        (err: unknown): SuspectCheck => (transportCauseCode(err) === 'ERR_REFUSED' ? 'refused' : 'unreachable'),
      );
    };
  }

  /**
   * Creates a node: validates the config (`ERR_CONFIG`), starts the transport, marks itself alive with
   * incarnation 1 and starts probing, gossip and push/pull. It is alone until {@link Memberlist.join}.
   */
  static async create(config: MemberlistConfig): Promise<Memberlist> {
    const node = new Memberlist(resolveConfig(config));
    await node.start();
    return node;
  }

  private async start(): Promise<void> {
    const ctx = this.ctx;
    await ctx.transport.start({
      onPacket: (packet: InboundPacket) => this.packets.ingest(packet),
      onStream: (stream: Stream) => void this.streams.handleInbound(stream),
    });
    try {
      const adv = ctx.transport.advertiseAddress();
      ctx.self = { addr: ipToBytes(adv.ip), ip: adv.ip, port: adv.port };
      const meta = this.readMeta();
      this.membership.aliveNode(
        {
          incarnation: ctx.nextIncarnation(),
          node: ctx.name,
          addr: ctx.self.addr,
          port: ctx.self.port,
          meta: meta.length === 0 ? null : meta,
          vsn: ctx.vsn(),
        },
        { bootstrap: true },
      );
    } catch (err) {
      await ctx.transport.shutdown();
      throw err instanceof MemberlistError ? err : new MemberlistError('ERR_CONFIG', toError(err).message, { cause: err });
    }
    this.prober.start();
    this.gossiper.start();
    this.rejoiner.start();
    this.reconnector.start();
  }

  /**
   * Joins a cluster through `seeds` (`host:port`, optionally `name/host:port`; a missing port means ours):
   * every seed is resolved by the transport and all addresses are contacted in parallel with a push/pull.
   * Resolves with how many answered; rejects with a {@link JoinError} if none did, or `ERR_ABORTED`.
   */
  async join(seeds: readonly string[], options: JoinOptions = {}): Promise<number> {
    this.assertRunning();
    this.rejoiner.lastSeeds = [...seeds];
    const joined = await joinCluster(this.ctx, this.streams, seeds, options.signal, this.waits, (address) =>
      this.announceSelf(address),
    );
    // Members that join after us may miss us (and we them) once gossip drains: repair that in seconds.
    this.gossiper.schedulePostJoinPushPull();
    return joined;
  }

  /** Sends our current alive message to `address` by UDP: a slow join's announcement (join.ts). */
  private announceSelf(address: string): void {
    const self = this.ctx.table.get(this.ctx.name);
    if (self === undefined || self.state !== 'alive') return;
    void this.packets.rawSend(address, undefined, aliveBroadcastFor(self.info, self.incarnation).message());
  }

  /**
   * Leaves gracefully: broadcasts that we left and waits until that message has been sent its retransmit count
   * (or `timeoutMs` passed: rejects with `ERR_TIMEOUT`; 0 waits without limit; or `signal` aborted: rejects with
   * `ERR_ABORTED`). Peers mark us `left`. Keep the node running until this resolves, then
   * {@link Memberlist.shutdown}. Takes `leave(timeoutMs)`, `leave(timeoutMs, { signal })` or
   * `leave({ timeoutMs, signal })`.
   */
  leave(timeoutMs: number, options?: Omit<LeaveOptions, 'timeoutMs'>): Promise<void>;
  leave(options?: LeaveOptions): Promise<void>;
  leave(timeoutOrOptions: number | LeaveOptions = {}, more: LeaveOptions = {}): Promise<void> {
    const { timeoutMs = 0, signal } = typeof timeoutOrOptions === 'number' ? { ...more, timeoutMs: timeoutOrOptions } : timeoutOrOptions;
    if (this.ctx.shuttingDown) return Promise.reject(new MemberlistError('ERR_SHUTDOWN', 'node is shut down'));
    if (signal?.aborted) return Promise.reject(new MemberlistError('ERR_ABORTED', 'leave aborted', { cause: signal.reason }));
    // The goodbye is broadcast once; every call (a retry after ERR_TIMEOUT too) waits for that same broadcast.
    this.leaveSent ??= this.announceLeave();
    if (this.leaveSent === 'nobody') return Promise.resolve();
    return this.waits.wait(this.leaveSent, timeoutMs, 'timeout waiting for leave broadcast', signal);
  }

  /** Marks ourselves left and queues the goodbye; resolves once it was sent (memberlist's `Leave`). */
  private announceLeave(): Promise<void> | 'nobody' {
    const ctx = this.ctx;
    ctx.leaving = true;
    const self = ctx.table.get(ctx.name);
    if (self === undefined) return 'nobody';
    const sent = new Promise<void>((resolve) => {
      this.membership.deadNode({ incarnation: self.incarnation, node: ctx.name, from: ctx.name }, resolve);
    });
    return ctx.anyAlive() ? sent : 'nobody';
  }

  /**
   * Re-reads metadata from the delegate, bumps our incarnation and broadcasts the change; waits until it has been
   * sent its retransmit count (`ERR_TIMEOUT` after `timeoutMs`; 0 waits without limit).
   */
  async updateNode(timeoutMs: number): Promise<void> {
    this.assertRunning();
    const ctx = this.ctx;
    // Alive messages about ourselves are ignored once we left: the broadcast this would wait for never comes.
    if (ctx.leaving) throw new MemberlistError('ERR_LEFT', 'node has left the cluster');
    const meta = this.readMeta();
    const self = ctx.table.get(ctx.name);
    if (self === undefined) throw new MemberlistError('ERR_LEFT', 'local node is not in the member list');
    const sent = new Promise<void>((resolve) => {
      this.membership.aliveNode(
        {
          incarnation: ctx.nextIncarnation(),
          node: ctx.name,
          addr: self.addr,
          port: self.port,
          meta: meta.length === 0 ? null : meta,
          vsn: ctx.vsn(),
        },
        { bootstrap: true, onBroadcastDone: resolve },
      );
    });
    if (ctx.anyAlive()) await this.waits.wait(sent, timeoutMs, 'timeout waiting for update broadcast');
  }

  /**
   * Stops every timer and the transport; pending operations end. Idempotent. With `signal`, the wait for the
   * transport to close is bounded (see {@link ShutdownOptions}).
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    this.shutdownPromise ??= (async () => {
      const ctx = this.ctx;
      ctx.shuttingDown = true;
      this.prober.stop();
      this.gossiper.stop();
      this.rejoiner.stop();
      this.reconnector.stop();
      this.membership.stopAll();
      // Pending probes and pings end as unanswered (their own timers are cleared); callers check shuttingDown.
      this.acks.cancelAll();
      this.waits.rejectAll(new MemberlistError('ERR_SHUTDOWN', 'node is shut down'));
      this.streams.shutdown();
      this.admission.streams.close();
      this.hub.close();
      ctx.remoteWarnings.close();
      try {
        await ctx.transport.shutdown();
      } catch (err) {
        ctx.logger.error({ err }, 'failed to shut down transport');
      }
    })();
    return untilAborted(this.shutdownPromise, options.signal, 'shutdown');
  }

  /** Alive and suspect members, including ourselves (memberlist's `Members`). */
  members(): Member[] {
    return this.ctx.table
      .all()
      .filter((n) => !isDeadOrLeft(n.state))
      .map(snapshotMember);
  }

  /** Every member this node knows about, dead and left ones included until they are reaped. */
  allMembers(): Member[] {
    return this.ctx.table.all().map(snapshotMember);
  }

  /** Number of alive and suspect members, including ourselves (memberlist's `NumMembers`). */
  numMembers(): number {
    let n = 0;
    for (const m of this.ctx.table.all()) if (!isDeadOrLeft(m.state)) n++;
    return n;
  }

  /** The member named `name`, in any state, if known. */
  member(name: string): Member | undefined {
    const record = this.ctx.table.get(name);
    return record === undefined ? undefined : snapshotMember(record);
  }

  /** Ourselves as the cluster sees us. */
  localNode(): Member {
    const record = this.ctx.table.get(this.ctx.name);
    if (record === undefined) throw new MemberlistError('ERR_SHUTDOWN', 'local node is not in the member list');
    return snapshotMember(record);
  }

  /**
   * Lists `members` as alive at their incarnation without sending, queueing or announcing anything, as if a join
   * had already converged. Made for simulators that study a formed cluster (forming 10,000 nodes by a join
   * storm costs 10,000² × the retransmit limit message deliveries) and for tests; not for production, since the
   * entries bypass the alive and merge delegates. Skipped: ourselves, members already known, members not alive,
   * and addresses outside `cidrsAllowed`. No event fires. Returns how many members were added.
   */
  preloadMembers(members: Iterable<Member>): number {
    const ctx = this.ctx;
    if (ctx.shuttingDown) throw new MemberlistError('ERR_SHUTDOWN', 'memberlist is shut down');
    const now = ctx.clock.now();
    let added = 0;
    for (const m of members) {
      if (m.state !== 'alive' || m.name === ctx.name || ctx.table.get(m.name) !== undefined) continue;
      let info = preloadedInfos.get(m);
      if (info === undefined) {
        const vsn = Uint8Array.of(m.pmin, m.pmax, m.pcur, m.dmin, m.dmax, m.dcur);
        info = internMember(m.name, ipToBytes(m.addr), m.port, m.meta, vsn);
        preloadedInfos.set(m, info);
      }
      if (!this.admission.addressAllowed(info.addr)) continue;
      ctx.table.add(new NodeRecord(info, m.incarnation, 'alive', now));
      added++;
    }
    return added;
  }

  /** Lifeguard's local health score: 0 is healthy, up to `awarenessMaxMultiplier − 1`. */
  healthScore(): number {
    return this.ctx.awareness.getHealthScore();
  }

  /** The memberlist protocol version we speak. */
  protocolVersion(): number {
    return this.config.protocolVersion;
  }

  /** Number of membership broadcasts waiting to be gossiped. */
  numQueuedBroadcasts(): number {
    return this.ctx.broadcasts.numQueued();
  }

  /** Switches encryption enforcement at runtime, e.g. while rolling encryption out (needs a cipher). */
  setGossipVerify(settings: GossipVerifySettings): void {
    const v = this.ctx.gossipVerify;
    this.ctx.gossipVerify = { incoming: settings.incoming ?? v.incoming, outgoing: settings.outgoing ?? v.outgoing };
  }

  /** Sends a user message in one UDP packet (memberlist's `SendBestEffort`); the peer's `notifyMsg` gets it. */
  async sendBestEffort(to: MemberRef, payload: Uint8Array): Promise<void> {
    this.assertRunning();
    const record = this.resolve(to);
    const ok = await this.packets.rawSend(hostPort(record.ip, record.port), record, encodeUserPacket(payload));
    if (!ok) throw new MemberlistError('ERR_TRANSPORT', `failed to send to ${record.name}`);
  }

  /**
   * Sends a user message in one UDP packet to any `ip:port`, member or not (memberlist's `SendToAddress`). No CRC
   * is added since the receiver's protocol version is unknown.
   */
  async sendToAddress(address: string, payload: Uint8Array): Promise<void> {
    this.assertRunning();
    const ok = await this.packets.rawSend(address, undefined, encodeUserPacket(payload));
    if (!ok) throw new MemberlistError('ERR_TRANSPORT', `failed to send to ${address}`);
  }

  /** Sends a user message over a stream (memberlist's `SendReliable`); resolves once it was written. */
  async sendReliable(to: MemberRef, payload: Uint8Array): Promise<void> {
    this.assertRunning();
    const record = this.resolve(to);
    await this.streams.sendUserMessage(hostPort(record.ip, record.port), payload);
  }

  /**
   * Pings node `name` once over UDP (at `address`, or where the member list says it is) and resolves the
   * round-trip time in ms; `ERR_TIMEOUT` after the probe timeout (memberlist's `Ping`).
   */
  async ping(name: string, address?: string): Promise<number> {
    this.assertRunning();
    const target = address ?? this.addressOf(this.resolve(name));
    const rtt = await this.prober.pingOnce(name, target);
    this.assertRunning();
    if (rtt === undefined) throw new MemberlistError('ERR_TIMEOUT', `no response from node ${name}`);
    return rtt;
  }

  private addressOf(record: NodeRecord): string {
    return hostPort(record.ip, record.port);
  }

  private resolve(to: MemberRef): NodeRecord {
    const name = typeof to === 'string' ? to : to.name;
    const record = this.ctx.table.get(name);
    if (record === undefined) throw new MemberlistError('ERR_UNKNOWN_NODE', `unknown node ${name}`);
    return record;
  }

  private readMeta(): Uint8Array {
    const delegate = this.config.delegate;
    if (delegate?.nodeMeta === undefined) return new Uint8Array(0);
    const meta = delegate.nodeMeta(this.config.metaMaxSize);
    if (meta.length > this.config.metaMaxSize) {
      throw new MemberlistError(
        'ERR_META_TOO_LARGE',
        `node metadata of ${meta.length} bytes exceeds the limit of ${this.config.metaMaxSize}`,
      );
    }
    return meta;
  }

  private assertRunning(): void {
    if (this.ctx.shuttingDown) throw new MemberlistError('ERR_SHUTDOWN', 'node is shut down');
  }
}
