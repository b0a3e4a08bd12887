/**
 * Turns a pair of cluster reports (TS and Go, same N and preset, same run) into comparison rows, each with the
 * TS/Go ratio and the target it is held to. Targets are goals, not CI gates:
 * convergence and detection no slower than Go, bytes per node no more than Go's, CPU per node at most 1.5×
 * Go, heap per node at most 2× Go, zero false positives when healthy, and no long tail (the slowest join
 * within 2× the median).
 */
import type { ClusterReport, FpWindow, Timing } from './report-types.js';
import { median } from './stats.js';

/** One side of a row: a median (Infinity = more than half the runs timed out) and the range of the runs. */
export interface Cell {
  median: number | null;
  min?: number;
  /** Infinity when a run timed out. */
  max?: number;
  runs?: number;
  timedOut?: number;
}

/** One comparison row. */
export interface Row {
  preset: string;
  n: number;
  metric: string;
  unit: 'ms' | 'ms/node/s' | 'B/node/s' | 'packets/node/s' | 'B/node' | 'count' | 'ratio';
  ts: Cell;
  go: Cell;
  /** TS / Go (of the medians); null when not defined. */
  ratio: number | null;
  /** Human-readable target, or '—' for information only. */
  target: string;
  /** null when the row has no target or cannot be judged. */
  met: boolean | null;
}

/** A timing's runs as a cell; timed-out runs count as +Infinity so the median stays a median of all runs. */
export function timingCell(t: Timing | undefined): Cell {
  if (t === undefined) return { median: null };
  // The Go harness encodes an empty run list as null.
  const runs = (t.runsMs as number[] | null) ?? [];
  const all = [...runs, ...Array<number>(t.timedOut).fill(Infinity)];
  if (all.length === 0) return { median: null };
  return {
    median: median(all) ?? null,
    min: Math.min(...all),
    max: Math.max(...all),
    runs: all.length,
    timedOut: t.timedOut,
  };
}

function value(v: number | undefined): Cell {
  return v === undefined || Number.isNaN(v) ? { median: null } : { median: v };
}

/** TS/Go of two medians, or null when either is missing, infinite or Go's is zero. */
export function ratioOf(ts: number | null, go: number | null): number | null {
  if (ts === null || go === null || !Number.isFinite(ts) || !Number.isFinite(go) || go === 0) return null;
  return ts / go;
}

function atMost(ratio: number | null, bound: number): boolean | null {
  return ratio === null ? null : ratio <= bound;
}

/** A row compared by ratio; a TS median that timed out fails, a Go one that timed out while TS finished passes. */
function ratioRow(base: Omit<Row, 'ratio' | 'met' | 'target'>, bound: number, target: string): Row {
  const ratio = ratioOf(base.ts.median, base.go.median);
  let met = atMost(ratio, bound);
  if (met === null && base.ts.median !== null && base.go.median !== null) {
    if (base.ts.median === Infinity) met = false;
    else if (base.go.median === Infinity) met = true;
  }
  return { ...base, ratio, target, met };
}

/** Rows for join, crash and leave. */
export function timedRows(ts: ClusterReport, go: ClusterReport): Row[] {
  const base = { preset: ts.preset, n: ts.n };
  const rows: Row[] = [];
  const join = { ts: timingCell(ts.join?.convergence), go: timingCell(go.join?.convergence) };
  rows.push(ratioRow({ ...base, metric: 'join convergence', unit: 'ms', ...join }, 1, '≤ 1× Go'));
  const tail = (c: Cell): Cell => {
    if (c.median === null || c.max === undefined) return { median: null };
    // A timed-out run is an unbounded tail.
    if (c.max === Infinity) return { median: Infinity };
    return { median: c.median === 0 ? null : c.max / c.median };
  };
  const tsTail = tail(join.ts);
  rows.push({
    ...base,
    metric: 'join long tail (slowest / median)',
    unit: 'ratio',
    ts: tsTail,
    go: tail(join.go),
    ratio: null,
    target: 'TS ≤ 2',
    met: tsTail.median === null ? null : tsTail.median <= 2,
  });
  rows.push(
    ratioRow(
      { ...base, metric: 'crash: first suspicion', unit: 'ms', ts: timingCell(ts.crash?.firstSuspect), go: timingCell(go.crash?.firstSuspect) },
      1,
      '≤ 1× Go',
    ),
  );
  rows.push(
    ratioRow(
      { ...base, metric: 'crash: all declare dead', unit: 'ms', ts: timingCell(ts.crash?.allDead), go: timingCell(go.crash?.allDead) },
      1,
      '≤ 1× Go',
    ),
  );
  rows.push(
    ratioRow({ ...base, metric: 'leave: all see it left', unit: 'ms', ts: timingCell(ts.leave?.allLeft), go: timingCell(go.leave?.allLeft) }, 1, '≤ 1× Go'),
  );
  return rows;
}

/** Rows for the idle window (empty when either side has none). */
export function idleRows(ts: ClusterReport, go: ClusterReport): Row[] {
  if (ts.idle === undefined && go.idle === undefined) return [];
  const base = { preset: ts.preset, n: ts.n };
  const t = ts.idle;
  const g = go.idle;
  return [
    ratioRow({ ...base, metric: 'idle CPU', unit: 'ms/node/s', ts: value(t?.cpuMsPerNodePerSecond), go: value(g?.cpuMsPerNodePerSecond) }, 1.5, '≤ 1.5× Go'),
    ratioRow({ ...base, metric: 'idle bytes sent (UDP+TCP)', unit: 'B/node/s', ts: value(t?.bytesPerNodePerSecond), go: value(g?.bytesPerNodePerSecond) }, 1, '≤ 1× Go'),
    {
      ...base,
      metric: 'idle UDP bytes sent',
      unit: 'B/node/s',
      ts: value(t?.udpBytesPerNodePerSecond),
      go: value(g?.udpBytesPerNodePerSecond),
      ratio: ratioOf(t?.udpBytesPerNodePerSecond ?? null, g?.udpBytesPerNodePerSecond ?? null),
      target: '—',
      met: null,
    },
    {
      ...base,
      metric: 'idle UDP packets sent',
      unit: 'packets/node/s',
      ts: value(t?.udpPacketsPerNodePerSecond),
      go: value(g?.udpPacketsPerNodePerSecond),
      ratio: ratioOf(t?.udpPacketsPerNodePerSecond ?? null, g?.udpPacketsPerNodePerSecond ?? null),
      target: '—',
      met: null,
    },
    ratioRow({ ...base, metric: 'heap per node (after GC)', unit: 'B/node', ts: value(t?.heapBytesPerNode), go: value(g?.heapBytesPerNode) }, 2, '≤ 2× Go'),
  ];
}

function fpCount(w: FpWindow | undefined, pick: (w: FpWindow) => number): Cell {
  return w === undefined ? { median: null } : { median: pick(w) };
}

/** Rows for the false-positive scenario. */
export function fpRows(ts: ClusterReport, go: ClusterReport): Row[] {
  if (ts.fp === undefined && go.fp === undefined) return [];
  const base = { preset: ts.preset, n: ts.n, unit: 'count' as const };
  const zero = (c: Cell): boolean | null => (c.median === null ? null : c.median === 0);
  const healthyAcc = fpCount(ts.fp?.healthy, (w) => w.falseAccusations);
  const healthyDead = fpCount(ts.fp?.healthy, (w) => w.healthyDeaths);
  const info = (metric: string, pick: (w: FpWindow) => number, tsWindow = ts.fp?.slowed): Row => {
    const tsCell = fpCount(tsWindow, pick);
    const goCell = fpCount(go.fp?.slowed, pick);
    return { ...base, metric, ts: tsCell, go: goCell, ratio: ratioOf(tsCell.median, goCell.median), target: '—', met: null };
  };
  const rows: Row[] = [
    {
      ...base,
      metric: 'healthy: false accusations',
      ts: healthyAcc,
      go: fpCount(go.fp?.healthy, (w) => w.falseAccusations),
      ratio: null,
      target: 'TS = 0',
      met: zero(healthyAcc),
    },
    {
      ...base,
      metric: 'healthy: healthy nodes declared dead',
      ts: healthyDead,
      go: fpCount(go.fp?.healthy, (w) => w.healthyDeaths),
      ratio: null,
      target: 'TS = 0',
      met: zero(healthyDead),
    },
    info('slowed: accusations of healthy nodes', (w) => w.falseAccusations),
    info('slowed: … of which by the slow node', (w) => w.accusationsBySlow),
    info('slowed: accusations of the slow node (true positives)', (w) => w.accusationsOfSlow),
    info('slowed: healthy declared dead (observer, node pairs)', (w) => w.healthyDeaths),
    info('slowed: observers declaring the slow node dead', (w) => w.slowDeclaredDeadBy),
  ];
  if (ts.fp?.slowedInboundDelay !== undefined) {
    const w = ts.fp.slowedInboundDelay;
    rows.push(info("slowed (TS with Go's inbound-delay model): accusations of healthy nodes", (x) => x.falseAccusations, w));
    rows.push(info("slowed (TS with Go's inbound-delay model): healthy declared dead", (x) => x.healthyDeaths, w));
  }
  return rows;
}
