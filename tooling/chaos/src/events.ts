/** Every member event every host reported, in one log the scenarios query. */
import type { AgentEvent } from './agents.js';

/** One observation: `observer` saw `subject` change (`type`) at `time` (wall-clock ms). */
export interface Observation {
  readonly time: number;
  readonly observer: string;
  readonly type: AgentEvent['type'];
  readonly subject: string;
  readonly incarnation: number;
}

/** A filter over the log; every field optional. */
export interface ObservationQuery {
  readonly types?: readonly AgentEvent['type'][];
  /** Only these subjects. */
  readonly subjects?: ReadonlySet<string>;
  /** Only these observers. */
  readonly observers?: ReadonlySet<string>;
  readonly since?: number;
  readonly until?: number;
}

/** Append-only observation log (bounded: a runaway agent cannot exhaust the runner's memory). */
export class EventLog {
  private readonly entries: Observation[] = [];

  constructor(private readonly capacity = 2_000_000) {}

  /** Records what `observer` reported. */
  add(observer: string, event: AgentEvent): void {
    if (this.entries.length >= this.capacity) this.entries.shift();
    this.entries.push({ time: event.time, observer, type: event.type, subject: event.member.name, incarnation: event.member.incarnation });
  }

  /** Observations matching `q`, oldest first. */
  query(q: ObservationQuery): Observation[] {
    return this.entries.filter(
      (e) =>
        (q.types === undefined || q.types.includes(e.type)) &&
        (q.subjects === undefined || q.subjects.has(e.subject)) &&
        (q.observers === undefined || q.observers.has(e.observer)) &&
        (q.since === undefined || e.time >= q.since) &&
        (q.until === undefined || e.time <= q.until),
    );
  }
}
