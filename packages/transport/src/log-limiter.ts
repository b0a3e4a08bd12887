/**
 * Rate-limited warnings for input a remote sender controls. A node must count every dropped packet, but logging
 * every one lets a flood of bad packets fill the disk (500,000 packets once wrote 30 MB of log). Per key (an
 * error code): the first `burst` lines of a quiet period are written as they come; past them, occurrences are only
 * counted, and one summary line per `intervalMs` reports how many were suppressed. An interval without any
 * occurrence ends the flood: the next one is written in full again.
 *
 * Time comes from the injected {@link Clock} (a virtual clock in simulations); a timer is armed only while a key
 * is suppressing, so a node that is not flooded schedules nothing.
 */
import type { Logger } from './logger.js';
import type { Clock, TimerHandle } from './runtime.js';

/** Tuning of a {@link LogRateLimiter}. */
export interface LogRateLimitOptions {
  /** Lines written per key before suppression starts (default 5). */
  readonly burst?: number;
  /** Length of a suppression window, after which one summary line is written (default 10,000 ms). */
  readonly intervalMs?: number;
}

/** Default {@link LogRateLimitOptions.burst}. */
export const DEFAULT_LOG_BURST = 5;
/** Default {@link LogRateLimitOptions.intervalMs}. */
export const DEFAULT_LOG_INTERVAL_MS = 10_000;

interface KeyState {
  /** When the current window began. */
  windowStart: number;
  /** Lines written in the current window (starts at `burst` once a flood is under way). */
  written: number;
  /** Occurrences counted but not written in the current window. */
  suppressed: number;
  /** The summary timer of the current window, armed when suppression begins in it; `null` when none is. */
  timer: TimerHandle;
  /** The last suppressed occurrence's fields and message, quoted by the summary. */
  lastFields: Record<string, unknown>;
  lastMsg: string;
}

/** Writes warnings through a {@link Logger}, at most `burst` per key and window plus one summary; see the module. */
export class LogRateLimiter {
  private readonly burst: number;
  private readonly intervalMs: number;
  private readonly keys = new Map<string, KeyState>();
  private closed = false;

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    options: LogRateLimitOptions = {},
  ) {
    this.burst = Math.max(0, Math.floor(options.burst ?? DEFAULT_LOG_BURST));
    this.intervalMs = Math.max(1, options.intervalMs ?? DEFAULT_LOG_INTERVAL_MS);
  }

  /** A warning about an occurrence of `key`: written, or counted towards the window's summary. */
  warn(key: string, fields: Record<string, unknown>, msg: string): void {
    const now = this.clock.now();
    let st = this.keys.get(key);
    if (st !== undefined && st.timer === null && now - st.windowStart >= this.intervalMs) {
      // A window that ended without suppression needs no summary: start afresh.
      st.windowStart = now;
      st.written = 0;
    }
    if (st === undefined) {
      st = { windowStart: now, written: 0, suppressed: 0, timer: null, lastFields: fields, lastMsg: msg };
      this.keys.set(key, st);
    }
    if (st.written < this.burst) {
      st.written++;
      this.logger.warn(fields, msg);
      return;
    }
    st.suppressed++;
    st.lastFields = fields;
    st.lastMsg = msg;
    if (st.timer === null && !this.closed) {
      const delay = Math.max(1, st.windowStart + this.intervalMs - now);
      st.timer = this.clock.setTimeout(() => this.endWindow(key), delay);
    }
  }

  /** Writes the summaries still pending and cancels every timer (call when the owner shuts down). */
  close(): void {
    this.closed = true;
    for (const st of this.keys.values()) {
      if (st.timer !== null) this.clock.clearTimeout(st.timer);
      this.summarize(st);
    }
    this.keys.clear();
  }

  private endWindow(key: string): void {
    const st = this.keys.get(key);
    if (st === undefined) return;
    st.timer = null;
    if (st.suppressed === 0) {
      // A whole window without an occurrence: the flood is over, the next one is written in full.
      this.keys.delete(key);
      return;
    }
    this.summarize(st);
    // Still flooding: the next window writes nothing but its summary.
    st.windowStart = this.clock.now();
    st.written = this.burst;
    st.suppressed = 0;
    if (!this.closed) st.timer = this.clock.setTimeout(() => this.endWindow(key), this.intervalMs);
  }

  private summarize(st: KeyState): void {
    if (st.suppressed === 0) return;
    this.logger.warn(
      { ...st.lastFields, suppressed: st.suppressed, intervalMs: this.intervalMs },
      `${st.suppressed} more like this suppressed in the last ${this.intervalMs} ms: ${st.lastMsg}`,
    );
  }
}
