/**
 * Turns a pair of cluster reports (TS and Go, same N and preset, same run) into comparison rows, each with the
 * TS/Go ratio and the target it is held to. Targets are goals, not CI gates:
 * convergence and detection no slower than Go, bytes per node no more than Go's, CPU per node at most 1.5×
 * Go, heap per node at most 2× Go, zero false positives when healthy, and no long tail (the slowest join
 * within 2× the median).
 */
import type { ClusterReport, FpWindow, IdleReport, Timing } from './report-types.js';
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

/** One alternated pair of idle windows (Go and TS one after the other, the order swapped at every pair). */
export interface IdlePair {
  go?: IdleReport;
  ts?: IdleReport;
  /** 1-minute load average when each side's run started. */
  load: { go?: number; ts?: number };
  first: 'go' | 'ts';
}

/** A cell of several values: their median and range. */
function spread(values: readonly number[]): Cell {
  if (values.length === 0) return { median: null };
  return { median: median(values) ?? null, min: Math.min(...values), max: Math.max(...values), runs: values.length };
}

/** TS/Go of each pair that has both sides. */
export function pairRatios(pairs: readonly IdlePair[]): number[] {
  return pairs.flatMap((p) => {
    const r = ratioOf(p.ts?.cpuMsPerNodePerSecond ?? null, p.go?.cpuMsPerNodePerSecond ?? null);
    return r === null ? [] : [r];
  });
}

/** Everything the process holds after GC ÷ N: the cluster's heap plus the process's one-time costs. */
function wholeHeap(i: IdleReport | undefined, n: number): number | undefined {
  return i === undefined ? undefined : i.heapBytesPerNode + i.heapBaselineBytes / n;
}

/**
 * Rows for the idle windows (empty when neither side has one). With `pairs`, idle CPU is the median of the
 * pairs' values on each side and the ratio is the median of the per-pair ratios (the range of those ratios is in
 * the metric's name): at about 1 ms of CPU per node per second, one window of each is mostly the machine's noise.
 */
export function idleRows(ts: ClusterReport, go: ClusterReport, pairs: readonly IdlePair[] = []): Row[] {
  if (ts.idle === undefined && go.idle === undefined) return [];
  const base = { preset: ts.preset, n: ts.n };
  const t = ts.idle;
  const g = go.idle;
  const ratios = pairRatios(pairs);
  let cpu: Row;
  if (ratios.length > 0) {
    const r = median(ratios) ?? null;
    const range = ratios.length > 1 ? `, pair ratios ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` : '';
    cpu = {
      ...base,
      metric: `idle CPU (median of ${ratios.length} alternated Go/TS pairs${range})`,
      unit: 'ms/node/s',
      ts: spread(pairs.flatMap((p) => (p.ts === undefined ? [] : [p.ts.cpuMsPerNodePerSecond]))),
      go: spread(pairs.flatMap((p) => (p.go === undefined ? [] : [p.go.cpuMsPerNodePerSecond]))),
      ratio: r,
      target: '≤ 1.5× Go',
      met: atMost(r, 1.5),
    };
  } else {
    cpu = ratioRow({ ...base, metric: 'idle CPU (one window each)', unit: 'ms/node/s', ts: value(t?.cpuMsPerNodePerSecond), go: value(g?.cpuMsPerNodePerSecond) }, 1.5, '≤ 1.5× Go');
  }
  const info = (metric: string, unit: Row['unit'], tv: number | undefined, gv: number | undefined): Row => ({
    ...base,
    metric,
    unit,
    ts: value(tv),
    go: value(gv),
    ratio: ratioOf(tv ?? null, gv ?? null),
    target: '—',
    met: null,
  });
  return [
    cpu,
    ratioRow({ ...base, metric: 'idle bytes sent (UDP+TCP)', unit: 'B/node/s', ts: value(t?.bytesPerNodePerSecond), go: value(g?.bytesPerNodePerSecond) }, 1, '≤ 1× Go'),
    info('idle UDP bytes sent', 'B/node/s', t?.udpBytesPerNodePerSecond, g?.udpBytesPerNodePerSecond),
    info('idle UDP packets sent', 'packets/node/s', t?.udpPacketsPerNodePerSecond, g?.udpPacketsPerNodePerSecond),
    ratioRow(
      { ...base, metric: 'heap per node: whole process after GC ÷ N', unit: 'B/node', ts: value(wholeHeap(t, ts.n)), go: value(wholeHeap(g, go.n)) },
      2,
      '≤ 2× Go',
    ),
    info('heap per node: the cluster over the process before it (after GC)', 'B/node', t?.heapBytesPerNode, g?.heapBytesPerNode),
    info(
      'heap per node: a second cluster beside the first (after GC)',
      'B/node',
      t?.heapSecondClusterBytesPerNode || undefined,
      g?.heapSecondClusterBytesPerNode || undefined,
    ),
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
