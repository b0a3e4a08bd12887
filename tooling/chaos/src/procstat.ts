/** Per-process CPU time and resident memory from /proc: what one host's agent really costs. */
import { readFileSync } from 'node:fs';
import { run } from './exec.js';

/** CPU ticks per second (`getconf CLK_TCK`; 100 on Linux unless configured otherwise). */
export async function clockTicks(): Promise<number> {
  const out = await run('getconf', ['CLK_TCK']).catch(() => '100');
  const n = Number(out.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
}

/** One reading of a process. */
export interface ProcSample {
  /** user + system CPU time, in ticks. */
  readonly ticks: number;
  /** Resident set size, bytes. */
  readonly rssBytes: number;
}

/** Reads `pid`'s CPU ticks and RSS; `undefined` when it is gone. */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields after it are counted from the closing parenthesis.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[11]) + Number(rest[12]); // utime, stime (fields 14 and 15)
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
    if (!Number.isFinite(ticks) || !Number.isFinite(rssKb)) return undefined;
    return { ticks, rssBytes: rssKb * 1024 };
  } catch {
    return undefined;
  }
}

/** Mean and max over hosts of CPU (% of one core) and RSS (MiB) across a window. */
export interface CostFigures {
  readonly hosts: number;
  readonly cpuMeanPct: number;
  readonly cpuMaxPct: number;
  readonly rssMeanMiB: number;
  readonly rssMaxMiB: number;
}

/** Summarises per-process readings taken `seconds` apart (processes missing at either end are left out). */
export function summarise(before: ReadonlyMap<number, ProcSample>, after: ReadonlyMap<number, ProcSample>, seconds: number, ticksPerSecond: number): CostFigures {
  const cpu: number[] = [];
  const rss: number[] = [];
  for (const [pid, a] of before) {
    const b = after.get(pid);
    if (b === undefined) continue;
    cpu.push(((b.ticks - a.ticks) / ticksPerSecond / seconds) * 100);
    rss.push(b.rssBytes / (1024 * 1024));
  }
  const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    hosts: cpu.length,
    cpuMeanPct: round(mean(cpu)),
    cpuMaxPct: round(cpu.length === 0 ? 0 : Math.max(...cpu)),
    rssMeanMiB: round(mean(rss)),
    rssMaxMiB: round(rss.length === 0 ? 0 : Math.max(...rss)),
  };
}

/** Samples every pid in `pids`. */
export function sampleAll(pids: readonly number[]): Map<number, ProcSample> {
  const out = new Map<number, ProcSample>();
  for (const pid of pids) {
    const s = sampleProcess(pid);
    if (s !== undefined) out.set(pid, s);
  }
  return out;
}
