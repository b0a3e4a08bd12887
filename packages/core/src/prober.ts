/**
 * SWIM failure detection with Lifeguard (PROTOCOL.md §8.1-§8.2, §8.5): the probe cycle over a shuffled member list,
 * direct ping, indirect pings through k random peers (with nacks), the TCP fallback ping, the buddy system
 * (a suspect learns of its suspicion with the probe itself), and the responder side (acks, relaying indirect
 * probes). Probe intervals stretch with the local health score.
 */
import type { TimerHandle } from '@gossip/transport';
import type { AckResp, IndirectPingReq, NackResp, Ping } from '@gossip/wire';
import { bytesToIp, encodeAck, encodeIndirectPing, encodeNack, encodePing, encodeSuspect, joinHostPort } from '@gossip/wire';
import type { AckHandlers } from './ack-handlers.js';
import type { EngineContext } from './context.js';
import { IO_TURN_MS } from './io-turn.js';
import { type Member, type NodeRecord, hostPort, isDeadOrLeft, snapshotMember } from './member.js';
import type { Membership } from './membership.js';
import { MetricNames } from './metrics.js';
import type { PacketLayer } from './packet-layer.js';
import type { StreamLayer } from './stream-layer.js';

/** Outcome of waiting for an ack; `lateMs` says how late the expiry timer ran (an event-loop stall). */
type AckOutcome = { acked: true; payload: Uint8Array | null; at: number } | { acked: false; lateMs: number };

/**
 * Counter: probes whose timers ran so late that their failure says more about us than about the peer.
 * @deprecated Use `MetricNames.probeInconclusive` (the same key).
 */
export const PROBE_INCONCLUSIVE_METRIC = MetricNames.probeInconclusive;

/** Runs the probe cycle and answers probes for one node. */
export class Prober {
  private timer: TimerHandle;
  private nextTickAt = 0;
  private probing = false;
  private tickPending = false;
  private stopped = true;

  constructor(
    private readonly ctx: EngineContext,
    private readonly acks: AckHandlers,
    private readonly packets: PacketLayer,
    private readonly streams: StreamLayer,
    private readonly membership: Membership,
  ) {}

  /** Starts the probe ticker after a random stagger (memberlist's `triggerFunc`). */
  start(): void {
    const interval = this.ctx.config.probeIntervalMs;
    this.stopped = false;
    this.nextTickAt = this.ctx.clock.now() + this.ctx.stagger(interval);
    this.arm();
  }

  /** Stops the ticker; a probe in flight finishes without consequences. */
  stop(): void {
    this.stopped = true;
    this.timer = this.ctx.cancelTimer(this.timer);
  }

  private arm(): void {
    if (this.stopped) return;
    const delay = Math.max(0, this.nextTickAt - this.ctx.clock.now());
    this.timer = this.ctx.clock.setTimeout(() => this.onTick(), delay);
  }

  private onTick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    this.nextTickAt += this.ctx.config.probeIntervalMs;
    // A ticker keeps one missed tick, like a Go ticker channel: a long probe is followed by one catch-up probe.
    if (this.nextTickAt <= this.ctx.clock.now()) this.nextTickAt = this.ctx.clock.now() + this.ctx.config.probeIntervalMs;
    this.arm();
    if (this.probing) {
      this.tickPending = true;
      return;
    }
    void this.runProbe();
  }

  private async runProbe(): Promise<void> {
    this.probing = true;
    try {
      do {
        this.tickPending = false;
        await this.probe();
      } while (this.tickPending && !this.stopped);
    } catch (err) {
      this.ctx.logger.error({ err }, 'probe failed');
    } finally {
      this.probing = false;
    }
  }

  /** One probe round: the next probe-able member in round-robin order (memberlist's `probe`). */
  async probe(): Promise<void> {
    const ctx = this.ctx;
    const table = ctx.table;
    let checked = 0;
    for (;;) {
      if (checked >= table.size) return;
      if (table.probeIndex >= table.size) {
        const reaped = table.reapAndShuffle(ctx.clock.now(), ctx.config.gossipToTheDeadTimeMs, ctx.name);
        if (reaped.length > 0) ctx.logger.debug({ reaped }, 'reaped dead and left nodes');
        this.reportInstances();
        table.probeIndex = 0;
        checked++;
        continue;
      }
      const node = table.at(table.probeIndex) as NodeRecord;
      table.probeIndex++;
      if (node.name === ctx.name || isDeadOrLeft(node.state)) {
        checked++;
        continue;
      }
      await this.probeNode(node.clone());
      return;
    }
  }

  /** Member counts per state and the broadcast backlog, once per probe cycle and only when metrics are wanted. */
  private reportInstances(): void {
    const ctx = this.ctx;
    if (ctx.config.metrics === undefined) return;
    ctx.metrics.addSample(MetricNames.queueBroadcasts, ctx.broadcasts.numQueued());
    const counts = { alive: 0, suspect: 0, dead: 0, left: 0 };
    for (const n of ctx.table.all()) counts[n.state]++;
    for (const [state, value] of Object.entries(counts)) {
      ctx.metrics.setGauge(MetricNames.nodeInstances, value, { node_state: state });
    }
  }

  /** Probes one member (memberlist's `probeNode`); `node` is a copy taken when the probe started. */
  async probeNode(node: NodeRecord): Promise<void> {
    const ctx = this.ctx;
    const started = ctx.clock.now();
    const probeInterval = ctx.awareness.scaleTimeout(ctx.config.probeIntervalMs);
    if (probeInterval > ctx.config.probeIntervalMs) ctx.metrics.incrCounter(MetricNames.degradedProbe, 1);

    const ping = this.makePing(node.name);
    let nacks = 0;
    let resolveAck!: (o: AckOutcome) => void;
    const ackOutcome = new Promise<AckOutcome>((resolve) => (resolveAck = resolve));
    this.acks.register(ping.seqNo, probeInterval, {
      onAck: (payload, at) => resolveAck({ acked: true, payload, at }),
      onNack: () => nacks++,
      onTimeout: (lateMs) => resolveAck({ acked: false, lateMs }),
    });
    const sentAt = ctx.clock.now();
    const deadline = sentAt + probeInterval;
    let stalledMs = 0;
    const address = hostPort(node.ip, node.port);

    if (node.state === 'alive' || !ctx.config.buddySystem) {
      await this.packets.sendMsg(address, encodePing(ping));
    } else {
      // Buddy system: tell a suspect it is suspected with the probe itself, so it can refute at once.
      const suspect = encodeSuspect({ incarnation: node.incarnation, node: node.name, from: ctx.name });
      await this.packets.sendMessages(address, node, [encodePing(ping), suspect]);
    }

    const direct = await this.raceTimeout(ackOutcome, ctx.config.probeTimeoutMs);
    if (direct.value !== undefined && direct.value.acked) {
      this.finishSuccess(node, direct.value, sentAt, started);
      return;
    }
    stalledMs = direct.lateMs;
    if (this.stopped) return;
    ctx.logger.debug({ peer: node.name }, 'failed ping (timeout reached)');

    // Indirect probes through k random alive peers.
    const relays = ctx.table.kRandom(
      ctx.config.indirectChecks,
      (n) => n.name === ctx.name || n.name === node.name || n.state !== 'alive',
    );
    let expectedNacks = 0;
    for (const relay of relays) {
      const wantNack = (relay.vsn[1] ?? 0) >= 4;
      if (wantNack) expectedNacks++;
      const req: IndirectPingReq = {
        seqNo: ping.seqNo,
        target: node.addr,
        port: node.port,
        node: node.name,
        nack: wantNack,
        sourceAddr: ctx.self.addr,
        sourcePort: ctx.self.port,
        sourceNode: ctx.name,
      };
      void this.packets.sendMsg(hostPort(relay.ip, relay.port), encodeIndirectPing(req));
    }

    // In parallel, a TCP ping: catches nodes that lost UDP but are otherwise fine.
    const tcpOff = ctx.config.disableTcpPings || (ctx.config.disableTcpPingsForNode?.(node.name) ?? false);
    const fallback: Promise<boolean> =
      !tcpOff && (node.vsn[1] ?? 0) >= 3
        ? this.streams.tcpPing(address, ping, deadline).catch((err: unknown) => {
            ctx.logger.debug({ err, peer: node.name }, 'failed fallback ping');
            return false;
          })
        : Promise.resolve(false);

    const outcome = await ackOutcome;
    if (outcome.acked) {
      this.finishSuccess(node, undefined, sentAt, started);
      return;
    }
    if (await fallback) {
      ctx.logger.warn({ peer: node.name }, 'was able to connect over TCP but UDP probes failed, network may be misconfigured');
      this.finishSuccess(node, undefined, sentAt, started);
      return;
    }
    if (this.stopped || ctx.shuttingDown) return;

    // Our own timers ran far behind schedule (event loop stalled, process paused): the silence we measured is
    // ours, not the peer's. Count it against our health instead of accusing the peer.
    stalledMs = Math.max(stalledMs, outcome.lateMs);
    if (stalledMs >= ctx.config.probeTimeoutMs) {
      ctx.awareness.applyDelta(1);
      ctx.metrics.incrCounter(MetricNames.probeInconclusive, 1);
      ctx.logger.warn({ peer: node.name, stalledMs }, 'probe inconclusive: our timers ran late (event loop stalled?)');
      return;
    }

    // Lifeguard: missing nacks mean our own messages are not getting through, so we are the unhealthy one.
    let delta = 1;
    if (expectedNacks > 0) delta = nacks < expectedNacks ? expectedNacks - nacks : 0;
    ctx.awareness.applyDelta(delta);
    // Not even a nack from the relays, or no member left alive to relay: nobody heard us (isolation awareness).
    ctx.isolation.recordProbe(nacks === 0 && (expectedNacks > 0 || relays.length === 0) ? 'silent' : 'failed');
    ctx.metrics.addSample(MetricNames.probeNode, ctx.clock.now() - started);
    ctx.logger.info({ peer: node.name }, 'suspect node has failed, no acks received');
    this.membership.suspectNode({ incarnation: node.incarnation, node: node.name, from: ctx.name });
  }

  private finishSuccess(node: NodeRecord, ack: AckOutcome | undefined, sentAt: number, started: number): void {
    const ctx = this.ctx;
    ctx.awareness.applyDelta(-1);
    ctx.isolation.recordProbe('acked');
    ctx.metrics.addSample(MetricNames.probeNode, ctx.clock.now() - started);
    if (ack !== undefined && ack.acked) {
      const delegate = ctx.config.ping;
      if (delegate?.notifyPingComplete !== undefined) {
        const current = ctx.table.get(node.name);
        const member: Member = snapshotMember(current ?? node);
        try {
          delegate.notifyPingComplete(member, ack.at - sentAt, ack.payload ?? new Uint8Array(0));
        } catch (err) {
          ctx.logger.error({ err }, 'ping delegate threw');
        }
      }
    }
  }

  /**
   * A single UDP ping to node `name` at `address` outside the probe cycle (memberlist's `Ping`); resolves the round-trip time in
   * ms, or undefined when no ack came within the probe timeout.
   */
  async pingOnce(name: string, address: string): Promise<number | undefined> {
    const ctx = this.ctx;
    const ping = this.makePing(name);
    let resolveAck!: (o: AckOutcome) => void;
    const outcome = new Promise<AckOutcome>((resolve) => (resolveAck = resolve));
    this.acks.register(ping.seqNo, ctx.config.probeTimeoutMs, {
      onAck: (payload, at) => resolveAck({ acked: true, payload, at }),
      onTimeout: (lateMs) => resolveAck({ acked: false, lateMs }),
    });
    const sentAt = ctx.clock.now();
    await this.packets.sendMsg(address, encodePing(ping));
    const result = await outcome;
    return result.acked ? Math.max(0, result.at - sentAt) : undefined;
  }

  /** Answers a ping (PROTOCOL.md §8.2): an ack to the advertised source, or to the datagram's source. */
  handlePing(p: Ping, from: string): void {
    const ctx = this.ctx;
    if (p.node !== '' && p.node !== ctx.name) {
      ctx.remoteWarnings.warn('ping:target', { from, target: p.node }, 'got ping for unexpected node');
      return;
    }
    let payload: Uint8Array | null = null;
    const delegate = ctx.config.ping;
    if (delegate?.ackPayload !== undefined) {
      try {
        payload = delegate.ackPayload();
      } catch (err) {
        ctx.logger.error({ err }, 'ping delegate ackPayload threw');
      }
    }
    const to = this.replyAddress(p.sourceAddr, p.sourcePort, from);
    if (p.node === ctx.name && p.sourceNode && ctx.table.get(p.sourceNode) === undefined) {
      ctx.lastUnknownPinger = { address: to, at: ctx.clock.now() };
    }
    void this.packets.sendMsg(to, encodeAck({ seqNo: p.seqNo, payload }));
  }

  /**
   * Relays an indirect probe (PROTOCOL.md §8.2): ping the target, forward its ack, or nack after the probe timeout. The
   * router has already fixed up the target's port.
   */
  handleIndirectPing(ind: IndirectPingReq, from: string): void {
    const ctx = this.ctx;
    let target: string;
    try {
      target = joinHostPort(bytesToIp(ind.target), ind.port);
    } catch {
      ctx.drop('packet', 'ERR_MALFORMED', 'indirect ping with invalid target address', from);
      return;
    }
    const requester = this.replyAddress(ind.sourceAddr, ind.sourcePort, from);
    const ping = this.makePing(ind.node);
    this.acks.register(ping.seqNo, ctx.config.probeTimeoutMs, {
      onAck: () => void this.packets.sendMsg(requester, encodeAck({ seqNo: ind.seqNo, payload: null })),
      onTimeout: () => {
        if (ind.nack && !ctx.shuttingDown) void this.packets.sendMsg(requester, encodeNack({ seqNo: ind.seqNo }));
      },
    });
    void this.packets.sendMsg(target, encodePing(ping));
  }

  /** Completes a pending probe. */
  handleAck(ack: AckResp, receivedAt: number): void {
    this.acks.ack(ack.seqNo, ack.payload, receivedAt);
  }

  /** Counts a nack towards a pending probe. */
  handleNack(nack: NackResp): void {
    this.acks.nack(nack.seqNo);
  }

  private makePing(target: string): Ping {
    const ctx = this.ctx;
    return {
      seqNo: ctx.nextSeqNo(),
      node: target,
      sourceAddr: ctx.self.addr,
      sourcePort: ctx.self.port,
      sourceNode: ctx.name,
    };
  }

  private replyAddress(addr: Uint8Array | undefined, port: number | undefined, from: string): string {
    if (addr !== undefined && addr.length > 0 && port !== undefined && port > 0) {
      try {
        return joinHostPort(bytesToIp(addr), port);
      } catch {
        return from;
      }
    }
    return from;
  }

  /**
   * Resolves with the promise's value, or with no value after `ms` plus one I/O turn (so a reply that arrived
   * during an event-loop stall is still read first), reporting how late the timer ran.
   */
  private raceTimeout<T>(promise: Promise<T>, ms: number): Promise<{ value: T | undefined; lateMs: number }> {
    const clock = this.ctx.clock;
    const due = clock.now() + ms;
    return new Promise((resolve) => {
      let timer = clock.setTimeout(() => {
        const lateMs = Math.max(0, clock.now() - due);
        timer = clock.setTimeout(() => resolve({ value: undefined, lateMs }), IO_TURN_MS);
      }, ms);
      void promise.then((value) => {
        clock.clearTimeout(timer);
        resolve({ value, lateMs: 0 });
      });
    });
  }
}
