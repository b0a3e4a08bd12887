/** Small statistics used by the harness and the report: medians, ranges, rounding. */
import type { Timing } from './report-types.js';

/** Rounds to one decimal, like the Go harness. */
export function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

/** Median of `values` (mean of the middle two for an even count); undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** An empty {@link Timing}. */
export function emptyTiming(): Timing {
  return { runsMs: [], medianMs: null, timedOut: 0 };
}

/** Adds one run (or a time-out) to `t`, keeping the median current. */
export function addRun(t: Timing, ms: number, ok: boolean): void {
  if (!ok) {
    t.timedOut++;
    return;
  }
  t.runsMs.push(round1(ms));
  t.medianMs = median(t.runsMs) ?? null;
}

/** Lowest and highest run, or undefined for none. */
export function range(values: readonly number[]): { min: number; max: number } | undefined {
  if (values.length === 0) return undefined;
  return { min: Math.min(...values), max: Math.max(...values) };
}
