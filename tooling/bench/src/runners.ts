/**
 * Runs one cluster benchmark (N nodes, one preset) for one implementation in its own process and returns its
 * JSON report: the Go harness (tooling/bench/go, built with `buildGoProgram`) or the TS harness
 * (src/ts-harness.ts under `node --expose-gc`). Both print the same report shape; a report is parsed even when
 * the process exits non-zero (the harnesses exit 1 when they recorded an error), and a process that outlives
 * its hard bound is killed and reported as an error.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildGoProgram } from '@gossip/gotools';
import { GO_BENCH_DIR } from '@gossip/interop';
import type { ClusterReport } from './report-types.js';

/** Which scenarios to run. The Go harness takes one name or `all`; idle and fp are switched off by zero windows. */
export interface ClusterRunOptions {
  n: number;
  preset: 'lan' | 'local';
  /** `timed` = join + crash + leave (+ idle when `idleSeconds` > 0); `fp` = the false-positive windows only. */
  /** `idle` = only a fresh converged cluster's idle window (with the second-cluster heap). */
  kind: 'timed' | 'fp' | 'storm' | 'idle';
  reps: number;
  idleSeconds: number;
  /** Each false-positive window (healthy, then slowed). */
  fpSeconds: number;
  /** TS only: an extra slowed window with the Go harness's fault model (inbound delay); 0 = none. */
  fpDelaySeconds?: number;
  /** Bound on every wait inside the harness (join convergence, detection, leave; storm: the formation). */
  timeoutSeconds: number;
  /** Storm: the window watched after formation. */
  stormHoldSeconds?: number;
  /** Hard bound on the whole process. */
  hardTimeoutMs: number;
  /** Progress lines go here (prefixed). */
  log: (line: string) => void;
}

/** Implementations benchmarked. */
export type Impl = 'go' | 'ts';

// The built harness (pnpm --filter @gossip/bench build): plain node, because the tsx loader alone costs an idle
// process about 5 ms of CPU per second, which would be charged to the TS nodes.
const TS_HARNESS = fileURLToPath(new URL('../dist/ts-harness.js', import.meta.url));

/**
 * Extra settle time before the idle window, for both implementations alike: a TS node runs one push/pull
 * 1-2 × postJoinPushPullDelayMs (LAN 2 s) after its join, and that one-off exchange is not idle cost.
 */
export const IDLE_WARMUP_SECONDS = 4;

/** Runs the Go harness. */
export async function runGo(o: ClusterRunOptions): Promise<ClusterReport> {
  const binary = await buildGoProgram(GO_BENCH_DIR, 'memberlist-bench');
  if (o.kind === 'storm') {
    const storm = [`-n=${o.n}`, `-preset=${o.preset}`, '-scenario=storm', `-storm-hold-seconds=${o.stormHoldSeconds ?? 60}`];
    return runHarness('go', binary, [...storm, `-timeout=${o.timeoutSeconds}s`], o);
  }
  const args = [
    `-n=${o.n}`,
    `-preset=${o.preset}`,
    `-scenario=${o.kind === 'fp' ? 'fp' : o.kind === 'idle' ? 'idle' : 'all'}`,
    `-idle-seconds=${o.kind === 'fp' ? 0 : o.idleSeconds}`,
    `-idle-warmup=${IDLE_WARMUP_SECONDS}`,
    `-fp-seconds=${o.kind === 'fp' ? o.fpSeconds : 0}`,
    `-reps=${o.reps}`,
    `-timeout=${o.timeoutSeconds}s`,
  ];
  const report = await runHarness('go', binary, args, o);
  // With -scenario=all the Go harness always builds the idle/fp cluster; drop the blocks that were not asked for.
  if (o.kind === 'timed') {
    delete report.fp;
    if (o.idleSeconds <= 0) delete report.idle;
  }
  return report;
}

/** Runs the TS harness. */
export function runTs(o: ClusterRunOptions): Promise<ClusterReport> {
  if (!existsSync(TS_HARNESS)) {
    return Promise.reject(new Error(`${TS_HARNESS} is missing: run pnpm --filter @gossip/bench build (pnpm bench does)`));
  }
  const scenario =
    o.kind === 'storm' || o.kind === 'fp' || o.kind === 'idle'
      ? o.kind
      : o.idleSeconds > 0
        ? 'join,crash,leave,idle'
        : 'join,crash,leave';
  const args = [
    '--expose-gc',
    TS_HARNESS,
    `--n=${o.n}`,
    `--preset=${o.preset}`,
    `--scenario=${scenario}`,
    `--idle-seconds=${o.idleSeconds}`,
    `--idle-warmup=${IDLE_WARMUP_SECONDS}`,
    `--fp-seconds=${o.fpSeconds}`,
    `--fp-delay-seconds=${o.fpDelaySeconds ?? 0}`,
    `--reps=${o.reps}`,
    `--timeout=${o.timeoutSeconds}`,
    `--storm-hold-seconds=${o.stormHoldSeconds ?? 60}`,
  ];
  return runHarness('ts', process.execPath, args, o);
}

function runHarness(impl: Impl, command: string, args: string[], o: ClusterRunOptions): Promise<ClusterReport> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail: string[] = [];
    let partial = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        o.log(`${impl} n=${o.n} ${o.preset}: ${line}`);
        stderrTail = [...stderrTail.slice(-19), line];
      }
    });
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, o.hardTimeoutMs);
    const finish = (code: number | null, spawnError?: Error): void => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      let report: ClusterReport | undefined;
      try {
        report = last === '' ? undefined : (JSON.parse(last) as ClusterReport);
      } catch {
        report = undefined;
      }
      report ??= { implementation: impl, n: o.n, preset: o.preset, reps: o.reps, wallSeconds: 0 };
      const errors = [...(report.errors ?? [])];
      if (spawnError !== undefined) errors.push(`${impl} harness could not start: ${spawnError.message}`);
      if (killed) errors.push(`${impl} harness killed after ${o.hardTimeoutMs / 1000} s`);
      else if (code !== 0 && errors.length === 0) errors.push(`${impl} harness exited ${code}: ${stderrTail.slice(-5).join(' | ')}`);
      if (errors.length > 0) report.errors = errors;
      resolve(report);
    };
    child.on('error', (err) => finish(null, err));
    child.on('close', (code) => finish(code));
  });
}
