/**
 * What one TS benchmark node witnessed, stamped where the node reports it: membership events through the
 * EventDelegate, and its own accusations, suspicion time-outs and refutations through its log. This mirrors
 * the Go harness's observer (tooling/bench/go/observer.go) line for line: memberlist logs "Suspect X has
 * failed, no acks received" where @gossip/core logs "suspect node has failed, no acks received", and so on.
 */
import type { EventDelegate, Logger, Member, MemberState } from '@gossip/core';

/** Milliseconds on the wall clock (`Date.now()`), comparable across the bench processes. */
export type WallMs = number;

/** Something that happened to `target` at `at`. */
export interface Stamped {
  readonly at: WallMs;
  readonly target: string;
}

/** The latest leave event of one member. */
export interface LeaveRecord {
  readonly at: WallMs;
  readonly state: MemberState;
}

/** Everything one observer saw in a time window. */
export interface WindowCounts {
  readonly accusations: Stamped[];
  readonly timeouts: Stamped[];
  readonly refutations: number;
  /** Leave events whose state is dead (not left). */
  readonly deaths: Stamped[];
}

/** A record of one node's view, fed by its event delegate and logger (or, for a child-process node, by IPC). */
export class Observer {
  private joins = 0;
  private lastJoin: WallMs = 0;
  private readonly leaves = new Map<string, LeaveRecord>();
  private readonly deaths: Stamped[] = [];
  private readonly accusations: Stamped[] = [];
  private readonly timeouts: Stamped[] = [];
  private readonly refutations: WallMs[] = [];

  /** Event delegate to give the node (`events` option): counts joins, keeps the latest leave per member. */
  readonly events: EventDelegate = {
    notifyJoin: (m: Member) => this.recordJoin(m.name, Date.now()),
    notifyLeave: (m: Member) => this.recordLeave(m.name, m.state, Date.now()),
  };

  /** Logger to give the node: recognises the lines that mark accusations, suspicion time-outs and refutations. */
  readonly logger: Logger = {
    debug: () => {},
    info: (fields, msg) => this.recordLog(msg, fields, Date.now()),
    warn: (fields, msg) => this.recordLog(msg, fields, Date.now()),
    error: () => {},
  };

  /** A member joined (self included), as `notifyJoin` reports it. */
  recordJoin(name: string, at: WallMs): void {
    this.joins++;
    this.lastJoin = at;
    this.leaves.delete(name);
  }

  /** A member left or was declared dead, as `notifyLeave` reports it. */
  recordLeave(name: string, state: MemberState, at: WallMs): void {
    this.leaves.set(name, { at, state });
    if (state === 'dead') this.deaths.push({ at, target: name });
  }

  /** Classifies one log line; returns what kind it was (for forwarding over IPC), or undefined. */
  recordLog(msg: string, fields: Record<string, unknown>, at: WallMs): LogKind | undefined {
    const kind = classifyLogLine(msg);
    if (kind === undefined) return undefined;
    const target = typeof fields.peer === 'string' ? fields.peer : '';
    this.recordKind(kind, target, at);
    return kind;
  }

  /** Records an already classified log line. */
  recordKind(kind: LogKind, target: string, at: WallMs): void {
    if (kind === 'accusation') this.accusations.push({ at, target });
    else if (kind === 'timeout') this.timeouts.push({ at, target });
    else this.refutations.push(at);
  }

  /** Joins seen so far (self included) and when the last one happened. */
  joinCount(): { count: number; at: WallMs } {
    return { count: this.joins, at: this.lastJoin };
  }

  /** The latest leave event of `name`, unless it re-joined since. */
  leaveOf(name: string): LeaveRecord | undefined {
    return this.leaves.get(name);
  }

  /** What happened in `[from, to)`. */
  since(from: WallMs, to: WallMs): WindowCounts {
    const inWindow = (t: WallMs): boolean => t >= from && t < to;
    return {
      accusations: this.accusations.filter((a) => inWindow(a.at)),
      timeouts: this.timeouts.filter((a) => inWindow(a.at)),
      refutations: this.refutations.filter(inWindow).length,
      deaths: this.deaths.filter((d) => inWindow(d.at)),
    };
  }
}

/** Kinds of log lines the benchmarks count. */
export type LogKind = 'accusation' | 'timeout' | 'refutation';

/** Maps @gossip/core's log messages to what they mean for the benchmarks. */
export function classifyLogLine(msg: string): LogKind | undefined {
  if (msg.includes('has failed, no acks received')) return 'accusation';
  if (msg.includes('suspect timeout reached')) return 'timeout';
  if (msg === 'refuting a suspect message' || msg === 'refuting a dead message') return 'refutation';
  return undefined;
}
