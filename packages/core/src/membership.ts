/**
 * The membership state machine: how alive, suspect and dead messages (from packets, from push/pull, or from
 * our own probes) change the member list, following memberlist's `aliveNode`, `suspectNode`, `deadNode` and
 * `refute` (PROTOCOL.md §8.3-§8.4). Every accepted change is re-broadcast, reported to delegates and events, and counted.
 */
import type { TimerHandle } from '@gossip/transport';
import type { Alive, Dead, PushNodeState, Suspect } from '@gossip/wire';
import { NodeState, encodeAlive, encodeDead, encodeSuspect } from '@gossip/wire';
import type { Admission } from './admission.js';
import { MemberlistBroadcast } from './broadcasts.js';
import type { EngineContext } from './context.js';
import type { MemberEventType } from './events.js';
import { IO_TURN_MS } from './io-turn.js';
import { type Member, type MemberState, NodeRecord, bytesEqual, hostPort, ipText, isDeadOrLeft, snapshotMember } from './member.js';
import { MetricNames } from './metrics.js';
import { aliveBroadcastFor, internMember } from './intern.js';
import type { ExpiredSuspicion } from './isolation.js';
import { Suspicion, suspicionTimeouts } from './suspicion.js';


const EMPTY = new Uint8Array(0);


/** The 6-byte version vector of an alive (zero-padded when a peer sent fewer). */
function vsnOf(a: Alive): Uint8Array {
  if (a.vsn.length >= 6) return a.vsn.subarray(0, 6);
  const vsn = new Uint8Array(6);
  vsn.set(a.vsn);
  return vsn;
}

/** A public snapshot of a member described by an alive message (for delegates that vet it). */
function memberFromAlive(a: Alive, now: number): Member {
  const { node: name, port, meta, incarnation, vsn } = a;
  return snapshotMember({ name, ip: ipText(a.addr), port, meta, state: 'alive', incarnation, vsn, stateChangedAt: now });
}

/** Options of {@link Membership.aliveNode}. */
export interface AliveOptions {
  /** Our own alive at start or on `updateNode`: applied as is, never refuted. */
  bootstrap?: boolean;
  /** Called once the resulting broadcast has been sent its retransmit count (or replaced). */
  onBroadcastDone?: () => void;
  /**
   * Learned from a push/pull that only repairs our own view (the first answer to a join that began while we knew
   * nobody else, or a post-join push/pull): a member new to us is listed without queueing its alive for gossip
   * (see {@link Membership.mergeEntry}).
   */
  quiet?: boolean;
}

/** An expired suspicion as {@link Membership} tracks it. */
interface Expiry extends ExpiredSuspicion {
  /**
   * Not witnessed by us: we only heard of it, from one accuser's gossip or from push/pull (then the suspect is
   * named as accuser and no probe of anyone's failed).
   */
  readonly secondHand: boolean;
  /** Direct checks of the suspect so far (see {@link Membership.verifySuspect}). */
  readonly verifications: number;
  /** No more checks: the suspect refused the connection, or the checks ran out. The timer decides from now on. */
  readonly verified: boolean;
}

/** What a direct check of a suspect found (see {@link Membership.verifySuspect}). */
export type SuspectCheck =
  /** It answered a push/pull: it is alive and has now seen the suspicion. */
  | 'answered'
  /** Its host refused the connection: the process is gone. */
  | 'refused'
  /** No answer in time (loss, a partition, a vanished host): nothing learned. */
  | 'unreachable';

/**
 * The most direct checks of one suspect before it is declared dead. They must also all start within one extra
 * maximum suspicion timeout; an unreachable check costs up to a TCP timeout, an answered one a minimum timeout.
 */
export const MAX_SUSPECT_CHECKS = 8;

/** Applies membership messages to the member list. */
export class Membership {
  /**
   * Checks a suspect before it is declared dead when it is short of k confirmations (one we never saw fail
   * ourselves, or our own that nobody confirmed) or our own health score is above 0: a push/pull with the member
   * itself. memberlist trusts the timer alone, so a member
   * that missed the suspect's refutation (gossip reaches everyone only with high probability, and a node on a
   * lossy link misses much of it) declares it dead at a stale incarnation: a false `leave` for its application.
   */
  verifySuspect: ((name: string) => Promise<SuspectCheck>) | undefined;

  private readonly suspicions = new Map<string, Suspicion>();
  /** Expired suspicions waiting one I/O turn before declaring death (cleared on shutdown). */
  private readonly expiring = new Set<TimerHandle>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly admission: Admission,
  ) {}

  /**
   * Whether `msg`, an encoded alive from a datagram, is byte for byte the alive we last applied for a member
   * other than us: handling it would change nothing, so it is dropped before it is decoded. Every node receives
   * each alive once per retransmission by each node gossiping it (up to 16 times a member in a 1,000-node
   * cluster), and in a join storm decoding those copies was most of a node's work. An alive delegate sees every
   * copy, as in memberlist.
   */
  isDuplicateAlive(msg: Uint8Array): boolean {
    const ctx = this.ctx;
    if (ctx.config.alive?.notifyAlive !== undefined) return false;
    const record = ctx.table.holdingAlive(msg);
    return record !== undefined && record.name !== ctx.name;
  }

  /** Handles an `alive` (memberlist's `aliveNode`). */
  aliveNode(a: Alive, options: AliveOptions = {}): void {
    const ctx = this.ctx;
    const isSelfName = a.node === ctx.name;
    if (ctx.leaving && isSelfName) return;
    if (a.vsn.length >= 3) {
      const pmin = a.vsn[0] ?? 0;
      const pmax = a.vsn[1] ?? 0;
      if (pmin === 0 || pmax === 0 || pmin > pmax) {
        ctx.remoteWarnings.warn('alive:versions', { peer: a.node, pmin, pmax }, 'ignoring alive with invalid protocol versions');
        return;
      }
    }
    const now = ctx.clock.now();
    const aliveDelegate = ctx.config.alive;
    if (aliveDelegate?.notifyAlive !== undefined) {
      if (a.vsn.length < 6) {
        ctx.remoteWarnings.warn('alive:versions', { peer: a.node }, 'ignoring alive without versions');
        return;
      }
      const verdict = this.callDelegate(() => aliveDelegate.notifyAlive?.(memberFromAlive(a, now)));
      if (verdict instanceof Error) {
        ctx.remoteWarnings.warn('alive:delegate', { peer: a.node, reason: verdict.message }, 'alive delegate rejected member');
        return;
      }
    }

    let record = ctx.table.get(a.node);
    // memberlist would list an unknown node as dead at incarnation 0 and never accept it; skipping the phantom
    // entry has the same outcome without a spurious dead member.
    if (record === undefined && a.incarnation === 0) return;
    const moved = record !== undefined && (!bytesEqual(record.addr, a.addr) || record.port !== a.port);
    // memberlist's `IPAllowed`: only a new member's address, or a member's new address, is checked.
    if ((record === undefined || moved) && !this.admission.addressAllowed(a.addr)) {
      const what = record === undefined ? 'rejected member outside cidrsAllowed' : 'rejected address update outside cidrsAllowed';
      ctx.remoteWarnings.warn('alive:cidr', { peer: a.node, addr: ipText(a.addr) }, what);
      return;
    }
    let updatesNode = false;
    if (record !== undefined && this.implausibleJump(record, a.incarnation, 'alive')) return;
    const isNew = record === undefined;
    if (record === undefined) {
      record = new NodeRecord(internMember(a.node, a.addr, a.port, a.meta, vsnOf(a)), 0, 'dead', now);
      ctx.table.add(record);
    } else if (moved) {
      const reclaim = ctx.config.deadNodeReclaimTimeMs;
      const canReclaim = reclaim > 0 && now - record.stateChangedAt > reclaim;
      if (record.state === 'left' || (record.state === 'dead' && canReclaim)) {
        ctx.logger.info(
          { peer: a.node, from: hostPort(record.ip, record.port), to: hostPort(ipText(a.addr), a.port) },
          'updating address of left or failed node',
        );
        updatesNode = true;
      } else {
        ctx.logger.error(
          { peer: a.node, mine: hostPort(record.ip, record.port), theirs: hostPort(ipText(a.addr), a.port) },
          'conflicting address for node',
        );
        const conflict = ctx.config.conflict;
        if (conflict?.notifyConflict !== undefined) {
          const existing = snapshotMember(record);
          const other = memberFromAlive(a, now);
          this.callDelegate(() => conflict.notifyConflict?.(existing, other));
        }
        return;
      }
    }

    const isLocal = record.name === ctx.name;
    if (a.incarnation <= record.incarnation && !isLocal && !updatesNode) return;
    if (a.incarnation < record.incarnation && isLocal) return;

    this.stopSuspicion(a.node);
    const oldState = record.state;
    const oldMeta = record.meta;

    if (!options.bootstrap && isLocal) {
      // Someone gossips an alive about us that we did not send (e.g. our previous life before a restart).
      if (a.incarnation === record.incarnation && bytesEqual(a.meta ?? EMPTY, record.meta) && bytesEqual(a.vsn, record.vsn)) {
        return;
      }
      ctx.remoteWarnings.warn('refute:alive', { incarnation: a.incarnation }, 'refuting an alive message about ourselves');
      this.refute(record, a.incarnation);
    } else {
      // Versions are only taken from a full vector; a short one (which memberlist never sends) keeps ours.
      const vsn = a.vsn.length >= 6 ? a.vsn.subarray(0, 6) : record.vsn;
      const info = internMember(a.node, a.addr, a.port, a.meta, vsn);
      // A member new to us from a push/pull that only repairs our own view is old news to everyone else.
      const gossip = !(isNew && options.quiet === true);
      let applied: Uint8Array;
      if (a.vsn.length === 6) {
        const shared = aliveBroadcastFor(info, a.incarnation);
        applied = shared.message();
        const onDone = options.onBroadcastDone;
        if (gossip) {
          this.ctx.broadcasts.queueBroadcast(
            onDone === undefined ? shared : new MemberlistBroadcast(a.node, applied, onDone),
          );
        }
      } else {
        applied = encodeAlive(a);
        if (gossip) this.broadcast(a.node, applied, options.onBroadcastDone);
      }
      record.info = info;
      record.incarnation = a.incarnation;
      ctx.table.noteAlive(record, applied);
      if (record.state !== 'alive') this.setState(record, 'alive', now);
    }
    ctx.metrics.incrCounter(MetricNames.msgAlive, 1);

    if (oldState === 'dead' || oldState === 'left') {
      this.notify('join', record, now);
    } else if (!bytesEqual(oldMeta, record.meta)) {
      this.notify('update', record, now);
    } else if (oldState === 'suspect' && record.state === 'alive') {
      this.notify('alive', record, now);
    }
  }

  /** Handles a `suspect` (memberlist's `suspectNode`). */
  suspectNode(s: Suspect): void {
    const ctx = this.ctx;
    const record = ctx.table.get(s.node);
    if (record === undefined || s.incarnation < record.incarnation) return;
    if (this.implausibleJump(record, s.incarnation, 'suspect')) return;

    const timer = this.suspicions.get(s.node);
    if (timer !== undefined) {
      // Lifeguard: independent confirmations shorten the timeout; only new ones are worth re-gossiping. A
      // suspicion learned from push/pull names the suspect as its accuser (see mergeState): nobody's probe
      // failed, so it confirms nothing.
      if (s.from !== s.node && timer.confirm(s.from)) this.broadcast(s.node, encodeSuspect(s));
      return;
    }
    if (record.state !== 'alive') return;

    if (record.name === ctx.name) {
      ctx.remoteWarnings.warn('refute:suspect', { accuser: s.from }, 'refuting a suspect message');
      this.refute(record, s.incarnation);
      return;
    }
    this.broadcast(s.node, encodeSuspect(s));
    ctx.metrics.incrCounter(MetricNames.msgSuspect, 1);

    const now = ctx.clock.now();
    record.incarnation = s.incarnation;
    this.setState(record, 'suspect', now);
    const stateSeq = record.stateSeq;

    const c = ctx.config;
    const n = ctx.table.size;
    // Expect confirmations from everyone but us and the suspect, at most suspicionMult − 2 of them.
    let k = c.suspicionMult - 2;
    if (n - 2 < k) k = 0;
    const { minMs, maxMs } = suspicionTimeouts({
      suspicionMult: c.suspicionMult,
      suspicionMaxTimeoutMult: c.suspicionMaxTimeoutMult,
      probeIntervalMs: c.probeIntervalMs,
      n,
    });
    const name = s.node;
    this.suspicions.set(
      name,
      new Suspicion({
        from: s.from,
        k,
        minMs,
        maxMs,
        clock: ctx.clock,
        onTimeout: (confirmations) =>
          this.expire(
            name,
            stateSeq,
            { startedAt: now, confirmations, k, minMs, maxMs, secondHand: s.from !== ctx.name, verifications: 0, verified: false },
            ctx.clock.now(),
            IO_TURN_MS,
          ),
      }),
    );
    this.notify('suspect', record, now);
  }

  /**
   * A suspicion timer ran out. One I/O turn later (so a refutation that arrived while our event loop was
   * stalled is read first) the member is declared dead — unless isolation awareness holds the death because we
   * seem to be the one cut off, in which case the decision is taken again when the hold ends.
   */
  private expire(name: string, stateSeq: number, s: Expiry, expiredAt: number, delay: number, held = false): void {
    const ctx = this.ctx;
    const turn = ctx.clock.setTimeout(() => {
      this.expiring.delete(turn);
      const current = ctx.table.get(name);
      if (ctx.shuttingDown || current === undefined) return;
      if (current.state !== 'suspect' || current.stateSeq !== stateSeq) return;
      // Confirmations that arrived after the timer ran out count too.
      const confirmations = Math.max(s.confirmations, this.suspicions.get(name)?.confirmations ?? 0);
      const latest = { ...s, confirmations };
      const verdict = ctx.isolation.verdict(latest, expiredAt);
      if (typeof verdict === 'object') {
        if (!held) {
          ctx.metrics.incrCounter(MetricNames.suspectIsolationHeld, 1);
          ctx.logger.warn({ peer: name, confirmations, holdMs: verdict.holdMs }, 'suspect timeout reached while isolated: holding the death');
        }
        this.expire(name, stateSeq, latest, expiredAt, verdict.holdMs, true);
        return;
      }
      const verify = this.verifySuspect;
      // Lifeguard's own health score says whether we are the unhealthy one (missed nacks, refuted accusations).
      const degraded = ctx.awareness.getHealthScore() > 0;
      if ((confirmations < s.k || degraded) && !s.verified && verify !== undefined) {
        // Too few members confirmed the accusation in a whole maximum timeout: either we never saw the member
        // fail (second-hand, or from push/pull), or only we did. Or we are unhealthy ourselves: a node whose own
        // links lose packets suspects healthy members, misses their refutations, and counts the accusations of
        // other unhealthy nodes as confirmations. Ask the member itself first; if it answers, we get its current
        // state and it sees that it is suspected and refutes — give that one minimum timeout. A crashed member
        // refuses the connection: the death is delayed by a round trip. (A member that is really gone is declared
        // dead meanwhile by the healthy members, whose gossip we accept as usual.)
        void verify(name).then((check) => {
          const verifications = s.verifications + 1;
          // Unreachable is no evidence either way, and a member that answered but whose refutation we then miss
          // too is alive all the same (the next push/pull brings its new incarnation): ask again while the checks
          // fit in one more maximum timeout. A refused connection settles it.
          const again = check !== 'refused' && verifications < MAX_SUSPECT_CHECKS && ctx.clock.now() < expiredAt + s.maxMs;
          const checked = { ...latest, verifications, verified: !again };
          if (check === 'answered') ctx.logger.info({ peer: name }, 'suspect answered a push/pull: waiting for its refutation');
          else ctx.logger.debug({ peer: name, check, verifications }, 'suspect did not answer a push/pull');
          this.expire(name, stateSeq, checked, expiredAt, check === 'answered' ? s.minMs : IO_TURN_MS, held);
        });
        return;
      }
      if (s.k > 0 && confirmations < s.k) ctx.metrics.incrCounter(MetricNames.degradedTimeout, 1);
      const quiet = verdict === 'quiet';
      ctx.logger.info({ peer: name, confirmations, quiet }, 'marking node as failed, suspect timeout reached');
      this.deadNode({ incarnation: current.incarnation, node: name, from: ctx.name }, undefined, quiet);
    }, delay);
    this.expiring.add(turn);
  }

  /**
   * Handles a `dead` (memberlist's `deadNode`); `from === node` is a graceful leave. `quiet` applies it without
   * broadcasting it (isolation awareness: a death only we witnessed while cut off).
   */
  deadNode(d: Dead, onBroadcastDone?: () => void, quiet = false): void {
    const ctx = this.ctx;
    const record = ctx.table.get(d.node);
    if (record === undefined || d.incarnation < record.incarnation) return;
    if (this.implausibleJump(record, d.incarnation, 'dead')) return;
    this.stopSuspicion(d.node);
    if (isDeadOrLeft(record.state)) return;

    if (record.name === ctx.name && !ctx.leaving) {
      ctx.remoteWarnings.warn('refute:dead', { accuser: d.from }, 'refuting a dead message');
      this.refute(record, d.incarnation);
      return;
    }
    // About ourselves while leaving, this dead message is our goodbye: leave() waits for it to be sent.
    if (!quiet) this.broadcast(d.node, encodeDead(d), onBroadcastDone);
    ctx.metrics.incrCounter(MetricNames.msgDead, 1);

    const now = ctx.clock.now();
    record.incarnation = d.incarnation;
    this.setState(record, d.from === d.node ? 'left' : 'dead', now);
    this.notify('leave', record, now);
  }

  /**
   * Applies a remote node list from push/pull (memberlist's `mergeState`): alive entries as alive messages, left
   * ones as leaves, and suspect or dead ones only as suspicions (a remote death is verified locally).
   */
  mergeState(remote: readonly PushNodeState[]): void {
    for (const r of remote) this.mergeEntry(r);
  }

  /**
   * Applies one entry of a remote node list (see {@link Membership.mergeState}); push/pull merges it in batches.
   * `quiet`: the list only repairs our own view: the first answer to a join that began while we knew nobody else,
   * or a post-join push/pull with a member of the cluster we joined. memberlist re-gossips every member new to it,
   * so each fresh joiner of an N-node cluster sends N alives its retransmit count of times (16,000 messages at
   * N = 1,000), all of them old news to every other member, and a join storm's gossip grows as N². Members new to
   * us are listed quietly then; refutations, suspicions and news about members we knew are gossiped as usual, and
   * so is any other answer (a second seed's cluster may not know the first one's members; a periodic push/pull
   * may bridge a healed partition).
   */
  mergeEntry(r: PushNodeState, quiet = false): void {
    const meta = r.meta;
    switch (r.state) {
      case NodeState.Alive:
        this.aliveNode(
          { incarnation: r.incarnation, node: r.name, addr: r.addr, port: r.port, meta, vsn: r.vsn },
          { quiet },
        );
        break;
      case NodeState.Left:
        this.deadNode({ incarnation: r.incarnation, node: r.name, from: r.name });
        break;
      case NodeState.Suspect:
      case NodeState.Dead:
        // memberlist accuses in our own name here, so every member that merges a stale list (say, from a node
        // back from isolation) gossips the same suspicion as a fresh, "independent" confirmation. Naming the
        // suspect itself as the accuser starts the suspicion all the same but confirms nothing (a deviation
        // that only weakens false confirmations; Go peers see an ordinary suspect message).
        this.suspectNode({ incarnation: r.incarnation, node: r.name, from: r.name });
        break;
      default:
        this.ctx.logger.debug({ peer: r.name, state: r.state }, 'ignoring push/pull entry with unknown state');
    }
  }

  /** Cancels every suspicion timer (shutdown). */
  stopAll(): void {
    for (const timer of this.suspicions.values()) timer.stop();
    this.suspicions.clear();
    for (const turn of this.expiring) this.ctx.clock.clearTimeout(turn);
    this.expiring.clear();
  }

  /** Number of running suspicion timers. */
  activeSuspicions(): number {
    return this.suspicions.size;
  }

  /**
   * Tells the cluster we are alive with an incarnation above `accusedInc` (memberlist's `refute`). Refuting
   * costs health: being accused is a hint that we may be the slow one (Lifeguard).
   */
  refute(self: NodeRecord, accusedInc: number): void {
    const ctx = this.ctx;
    let inc = ctx.nextIncarnation();
    if (accusedInc >= inc) inc = ctx.raiseIncarnation(accusedInc + 1);
    self.incarnation = inc;
    ctx.awareness.applyDelta(1);
    const msg = encodeAlive({
      incarnation: inc,
      node: self.name,
      addr: self.addr,
      port: self.port,
      meta: self.meta.length === 0 ? null : self.meta,
      vsn: self.vsn,
    });
    // Queued under our IP, as memberlist does, so it does not displace news about our name already queued.
    this.broadcast(self.ip, msg);
  }

  /**
   * True, after counting and logging it, when `incarnation` is more than `maxIncarnationJump` above the one we
   * hold for `record` (ourselves included): such a message is ignored as spoofed. Incarnations grow by one per
   * refutation, so an honest one never jumps that far; a spoofed one at 2^32−1 would otherwise leave its
   * subject unable to refute ever again (no uint32 outbids it). See SECURITY.md, "Incarnation numbers".
   */
  private implausibleJump(record: NodeRecord, incarnation: number, type: 'alive' | 'suspect' | 'dead'): boolean {
    const ctx = this.ctx;
    if (incarnation - record.incarnation <= ctx.config.maxIncarnationJump) return false;
    ctx.metrics.incrCounter(MetricNames.incarnationRejected, 1, { type });
    ctx.remoteWarnings.warn(
      `incarnation:${type}`,
      { peer: record.name, held: record.incarnation, incarnation, code: 'ERR_INCARNATION_JUMP' },
      `ignoring ${type} whose incarnation jumps implausibly far ahead`,
    );
    return true;
  }

  private broadcast(key: string, msg: Uint8Array, onDone?: () => void): void {
    this.ctx.broadcasts.queueBroadcast(new MemberlistBroadcast(key, msg, onDone));
  }

  private stopSuspicion(name: string): void {
    const timer = this.suspicions.get(name);
    if (timer !== undefined) {
      timer.stop();
      this.suspicions.delete(name);
    }
  }

  private setState(record: NodeRecord, state: MemberState, now: number): void {
    record.state = state;
    record.stateChangedAt = now;
    record.stateSeq++;
  }

  private notify(type: MemberEventType, record: NodeRecord, now: number): void {
    const ctx = this.ctx;
    const member = snapshotMember(record);
    const delegate = ctx.config.events;
    if (delegate !== undefined) {
      if (type === 'join' && delegate.notifyJoin) this.callDelegate(() => delegate.notifyJoin?.(member));
      else if (type === 'leave' && delegate.notifyLeave) this.callDelegate(() => delegate.notifyLeave?.(member));
      else if (type === 'update' && delegate.notifyUpdate) this.callDelegate(() => delegate.notifyUpdate?.(member));
    }
    ctx.events.emit({ type, member, at: now });
  }

  /** Runs application code; an exception is logged, never allowed to break protocol state. */
  private callDelegate<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this.ctx.logger.error({ err }, 'delegate threw; ignoring');
      return undefined;
    }
  }
}
