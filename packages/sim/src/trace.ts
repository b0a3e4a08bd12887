/**
 * The event trace: every membership event every simulated node emitted, stamped with virtual time and the
 * observing node. It is the simulator's ground truth for measurements (when did the last node see the crash?)
 * and for determinism checks (same seed → same trace, byte for byte).
 */

import { createHash } from 'node:crypto';
import type { MemberEventType, MemberState } from '@gossip/core';

/** One membership event as one node saw it. */
export interface TraceEvent {
  /** Virtual time (ms) at which the observer applied the change. */
  readonly at: number;
  /** The node that emitted the event. */
  readonly observer: string;
  /** `join`, `leave`, `update`, `suspect` or `alive` (a refuted suspicion). */
  readonly type: MemberEventType;
  /** The member the event is about. */
  readonly member: string;
  /** The member's state right after the change (`leave` events say `dead` or `left`). */
  readonly state: MemberState;
  /** The member's incarnation right after the change. */
  readonly incarnation: number;
}

/** A filter over trace events: every field given must match. */
export interface TraceQuery {
  readonly type?: MemberEventType;
  readonly member?: string;
  readonly observer?: string;
  readonly state?: MemberState;
  /** Only events at or after this virtual time. */
  readonly since?: number;
  /** Any other condition. */
  readonly where?: (event: TraceEvent) => boolean;
}

function matches(e: TraceEvent, q: TraceQuery): boolean {
  return (
    (q.type === undefined || e.type === q.type) &&
    (q.member === undefined || e.member === q.member) &&
    (q.observer === undefined || e.observer === q.observer) &&
    (q.state === undefined || e.state === q.state) &&
    (q.since === undefined || e.at >= q.since) &&
    (q.where === undefined || q.where(e))
  );
}

/** Records {@link TraceEvent}s in the order they happened and answers questions about them. */
export class TraceRecorder {
  private readonly list: TraceEvent[] = [];
  private keep: ((event: TraceEvent) => boolean) | boolean = true;

  /** Appends an event (called by the simulation for every event of every node); the recorder owns it. */
  record(event: TraceEvent): void {
    if (this.keep === true || (this.keep !== false && this.keep(event))) this.list.push(Object.freeze(event));
  }

  /**
   * Records everything (`true`), nothing (`false`), or only the events `keep` accepts — a 1,000-node join storm
   * alone produces half a million join events, so big runs record just what they measure.
   */
  setRecording(keep: ((event: TraceEvent) => boolean) | boolean): void {
    this.keep = keep;
  }

  /** Number of recorded events. */
  get size(): number {
    return this.list.length;
  }

  /** Every recorded event, in order. */
  events(): readonly TraceEvent[] {
    return this.list;
  }

  /** The events matching `query`, in order. */
  filter(query: TraceQuery): TraceEvent[] {
    return this.list.filter((e) => matches(e, query));
  }

  /** The first event matching `query`. */
  first(query: TraceQuery): TraceEvent | undefined {
    return this.list.find((e) => matches(e, query));
  }

  /** The last event matching `query`. */
  last(query: TraceQuery): TraceEvent | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const e = this.list[i]!;
      if (matches(e, query)) return e;
    }
    return undefined;
  }

  /** Virtual time of the first event matching `query`, or `undefined`. */
  firstTime(query: TraceQuery): number | undefined {
    return this.first(query)?.at;
  }

  /**
   * For each observer, the time of its first event matching `query` (e.g. when each node first saw `x` dead).
   * Observers without a match are absent from the map.
   */
  firstTimeByObserver(query: TraceQuery): Map<string, number> {
    const out = new Map<string, number>();
    for (const e of this.list) if (!out.has(e.observer) && matches(e, query)) out.set(e.observer, e.at);
    return out;
  }

  /** Forgets every event. */
  clear(): void {
    this.list.length = 0;
  }

  /**
   * The trace as JSON Lines, one event per line with a fixed key order, so two runs can be compared byte for
   * byte or diffed.
   */
  serialize(): string {
    let out = '';
    for (const e of this.list) {
      out += `{"at":${JSON.stringify(e.at)},"observer":${JSON.stringify(e.observer)},"type":"${e.type}","member":${JSON.stringify(e.member)},"state":"${e.state}","incarnation":${e.incarnation}}\n`;
    }
    return out;
  }

  /** SHA-256 (hex) of {@link TraceRecorder.serialize}: a short fingerprint of a run. */
  digest(): string {
    return createHash('sha256').update(this.serialize()).digest('hex');
  }
}
