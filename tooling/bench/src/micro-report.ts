/**
 * Markdown for the package micro-benchmarks, read from the JSON each package's `bench` script writes. Each
 * package owns its format; the known shapes get a table with TS/Go ratios, anything else a short generic
 * summary, so a format change degrades the section instead of breaking the run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MicroOutcome } from './micro.js';

type Json = Record<string, unknown>;

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : fallback;
}

function num(v: unknown, digits = 0): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function ratio(ts: unknown, go: unknown): string {
  return typeof ts === 'number' && typeof go === 'number' && go > 0 ? `${(ts / go).toFixed(2)}×` : '—';
}

function rowsOf(j: Json, key: string): Json[] {
  const v = j[key];
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Json[]) : [];
}

function wireSection(j: Json): string[] {
  const rows = rowsOf(j, 'rows');
  if (rows.length === 0 || rows[0]?.tsNsPerOp === undefined) return genericSection(j);
  const out = [
    `${str(j.method)}; TS/Go is the ratio of times per operation (lower is better for TS).`,
    '',
    '| case | TS ns/op | Go ns/op | TS/Go time |',
    '|---|---:|---:|---:|',
  ];
  for (const r of rows) out.push(`| ${str(r.what, str(r.case))} | ${num(r.tsNsPerOp)} | ${num(r.goNsPerOp)} | ${ratio(r.tsNsPerOp, r.goNsPerOp)} |`);
  return out;
}

function transportSection(j: Json): string[] {
  const results = rowsOf(j, 'results');
  if (results.length === 0 || results[0]?.impl === undefined) return genericSection(j);
  const out = [
    `UDP on loopback, ${num(j.packetsPerSize)} packets per size; TS/Go is the ratio of rates (higher is better for TS).`,
    '',
    '| size | TS send/s | Go send/s | TS/Go send | TS recv/s | Go recv/s | TS/Go recv | TS loss | Go loss |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const sizes = [...new Set(results.map((r) => r.size))];
  for (const size of sizes) {
    const ts = results.find((r) => r.size === size && r.impl === 'ts') ?? {};
    const go = results.find((r) => r.size === size && r.impl === 'go') ?? {};
    const pct = (v: unknown): string => (typeof v === 'number' ? `${(v * 100).toFixed(1)} %` : '—');
    out.push(
      `| ${str(size)} B | ${num(ts.sendPerSec)} | ${num(go.sendPerSec)} | ${ratio(ts.sendPerSec, go.sendPerSec)} | ` +
        `${num(ts.recvPerSec)} | ${num(go.recvPerSec)} | ${ratio(ts.recvPerSec, go.recvPerSec)} | ${pct(ts.lossFraction)} | ${pct(go.lossFraction)} |`,
    );
  }
  const pingPong = j.pingPong as Json | undefined;
  const pp = pingPong === undefined ? [] : rowsOf(pingPong, 'results');
  if (pp.length > 0) {
    out.push('', '| ping-pong size | TS round trips/s | Go round trips/s | TS/Go |', '|---:|---:|---:|---:|');
    for (const size of [...new Set(pp.map((r) => r.size))]) {
      const ts = pp.find((r) => r.size === size && r.impl === 'ts') ?? {};
      const go = pp.find((r) => r.size === size && r.impl === 'go') ?? {};
      out.push(`| ${str(size)} B | ${num(ts.perSec)} | ${num(go.perSec)} | ${ratio(ts.perSec, go.perSec)} |`);
    }
  }
  return out;
}

function keyringSection(j: Json): string[] {
  const rows = rowsOf(j, 'rows');
  if (rows.length === 0 || rows[0]?.ts === undefined) return genericSection(j);
  const out = [
    'AES-GCM encrypt + decrypt of one message; TS/Go is the ratio of times (lower is better for TS).',
    '',
    '| key | size | TS enc ns | Go enc ns | TS dec ns | Go dec ns | TS/Go round trip |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const ts = (r.ts ?? {}) as Json;
    const go = (r.go ?? {}) as Json;
    const rt = (o: Json): number | undefined =>
      typeof o.encryptNs === 'number' && typeof o.decryptNs === 'number' ? o.encryptNs + o.decryptNs : undefined;
    out.push(
      `| AES-${str(r.keyBits)} | ${str(r.size)} B | ${num(ts.encryptNs)} | ${num(go.encryptNs)} | ${num(ts.decryptNs)} | ` +
        `${num(go.decryptNs)} | ${ratio(rt(ts), rt(go))} |`,
    );
  }
  return out;
}

function simSection(j: Json): string[] {
  const rows = rowsOf(j, 'rows');
  if (rows.length === 0) return genericSection(j);
  const out = [
    'Deterministic simulator (no Go counterpart: memberlist has no simulator).',
    '',
    'Each cluster is formed, by a join storm onto one seed or started converged (every node already listing every',
    'other: the state a storm leaves, without its gossip, about 2·10⁷ deliveries at 1,000 nodes and 2·10⁹ at 10,000),',
    'then run for two measured simulated minutes. The V8 flags are the bench script’s: an 18 GB heap limit and a',
    '256 MB young generation, without which a 10,000-node minute spends half its time in the garbage collector.',
    '',
    '| nodes | formed by | completed | forming: virtual s / wall s | wall s per simulated minute | heap KB/node | heap B/member entry |',
    '|---:|---|---|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const formedBy = r.formation === 'converged' ? 'started converged' : 'join storm';
    out.push(
      `| ${num(r.nodes)} | ${formedBy} | ${r.completed === true ? 'yes' : `no (${str(r.stoppedBecause, '?')})`} | ` +
        `${num(r.formedVirtualS, 1)} / ${num(r.formedWallS, 1)} | ` +
        `${num(r.wallSecondsPerSimulatedMinute, 2)} | ${num(r.heapKbPerNode)} | ${num(r.heapBytesPerMemberEntry)} |`,
    );
  }
  return out;
}

/** One figure of a target run, for the table: milliseconds as seconds, `undefined` as "never". */
function figure(key: string, v: unknown): string {
  if (v === undefined || v === null) return 'never';
  if (typeof v === 'number' && key.endsWith('Ms')) return `${(v / 1000).toFixed(1)} s`;
  return typeof v === 'number' ? num(v) : str(v);
}

/** The simulator targets of issue #13 (bench/targets.bench.ts): one row per target, each field's value per seed. */
export function simTargetsSection(j: Json): string[] {
  const runs = rowsOf(j, 'results');
  if (runs.length === 0) return genericSection(j);
  const seeds = Array.isArray(j.seeds) ? j.seeds.length : 0;
  const out = [
    '### Simulator targets',
    '',
    `Issue #13's partition, isolation and Lifeguard targets (packages/sim/bench/targets.bench.ts), LAN preset and default`,
    `configuration unless the target says otherwise, ${seeds} seeds each (a row with fewer values ran fewer); values are`,
    `per seed, in seed order; "never" means not within the scenario's limit (10 min). Load average`,
    `${num(j.loadAtStart, 2)} at the start${typeof j.loadNow === 'number' ? `, ${num(j.loadNow, 2)} at the last run` : ''}; ${num(j.wallSeconds)} s of wall time.`,
    '',
    '| target | figures per seed | wall s per run |',
    '|---|---|---:|',
  ];
  const byTarget = new Map<string, Json[]>();
  for (const r of runs) {
    const name = str(r.target);
    byTarget.set(name, [...(byTarget.get(name) ?? []), r]);
  }
  for (const [target, rs] of byTarget) {
    const results = rs.map((r) => (typeof r.result === 'object' && r.result !== null ? (r.result as Json) : {}));
    const keys = [...new Set(results.flatMap((r) => Object.keys(r)))];
    const figures = keys.map((k) => `${k}: ${results.map((r) => figure(k, r[k])).join(' / ')}`).join('; ');
    const wall = rs.map((r) => (typeof r.wallSeconds === 'number' ? r.wallSeconds : 0));
    out.push(`| ${target} | ${figures} | ${num(wall.reduce((a, b) => a + b, 0) / Math.max(1, wall.length), 1)} |`);
  }
  return out;
}

function genericSection(j: Json): string[] {
  const scalars = Object.entries(j).filter(([, v]) => typeof v !== 'object');
  return [
    `Unrecognised format; top-level fields: ${scalars.map(([k, v]) => `${k}=${String(v)}`).join(', ') || Object.keys(j).join(', ')}.`,
  ];
}

const RENDERERS: Record<string, (j: Json) => string[]> = {
  'wire.json': wireSection,
  'transport.json': transportSection,
  'keyring.json': keyringSection,
  'sim.json': simSection,
};

/** The micro-benchmark part of BENCHMARKS.md, from the data each outcome captured (or the file, for old runs). */
export function microMarkdown(outcomes: readonly MicroOutcome[], resultsDir: string): string[] {
  const out: string[] = [];
  for (const o of outcomes) {
    out.push(`### ${o.pkg}`, '');
    if (!o.ok) {
      out.push(`**Not measured in this run**: ${o.note ?? 'failed'}.`, '');
      continue;
    }
    let j: Json | undefined = typeof o.data === 'object' && o.data !== null ? (o.data as Json) : undefined;
    const path = join(resultsDir, o.file);
    if (j === undefined && existsSync(path)) {
      try {
        j = JSON.parse(readFileSync(path, 'utf8')) as Json;
      } catch {
        j = undefined;
      }
    }
    if (j === undefined) {
      out.push(`No readable bench-results/${o.file}.`, '');
      continue;
    }
    out.push(...(RENDERERS[o.file] ?? genericSection)(j), '', `(${o.seconds} s; full data in bench-results/cluster.json and bench-results/${o.file})`, '');
    // The simulator's bench also runs the issue #13 targets into their own file.
    const targets = join(resultsDir, 'sim-targets.json');
    if (o.file === 'sim.json' && existsSync(targets)) {
      try {
        out.push(...simTargetsSection(JSON.parse(readFileSync(targets, 'utf8')) as Json), '', '(full data in bench-results/sim-targets.json)', '');
      } catch {
        out.push('No readable bench-results/sim-targets.json.', '');
      }
    }
  }
  return out;
}
