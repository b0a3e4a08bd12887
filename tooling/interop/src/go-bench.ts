import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildGoProgram } from '@gossip/gotools';
import { GoPeerError, GoPeerProtocolError } from './errors.js';

/** Directory of the Go benchmark harness (tooling/bench/go). */
export const GO_BENCH_DIR = fileURLToPath(new URL('../../bench/go', import.meta.url));

/** Scenarios of the Go benchmark harness. */
export type GoBenchScenario = 'all' | 'join' | 'crash' | 'leave' | 'idle' | 'fp';

/** Flags of the Go benchmark harness. */
export interface GoBenchOptions {
  /** Nodes in the cluster (default 8). */
  n?: number;
  /** memberlist preset (default lan). */
  preset?: 'lan' | 'local';
  /** Default all. */
  scenario?: GoBenchScenario;
  /** Idle-cost window (default 20 s). */
  idleSeconds?: number;
  /** Extra wait before the idle window (default 0; the first periodic push/pull comes 30–60 s after start on LAN). */
  idleWarmupSeconds?: number;
  /** Each false-positive window, healthy then slowed (default 20 s). */
  fpSeconds?: number;
  /** Repetitions of the join/crash/leave measurements (default 1). */
  reps?: number;
  /** Hard bound on the whole run (default 15 min); the process is killed beyond it. */
  timeoutMs?: number;
}

/** Milliseconds of one measurement over its repetitions. */
export interface GoBenchTiming {
  runsMs: number[];
  medianMs: number;
}

/**
 * The JSON the harness prints (see tooling/bench/go/README.md for every field). Scenario blocks are present
 * when the scenario ran.
 */
export interface GoBenchReport {
  implementation: string;
  n: number;
  preset: string;
  reps: number;
  join?: { convergence: GoBenchTiming };
  crash?: { model: string; firstSuspect: GoBenchTiming; allDead: GoBenchTiming };
  leave?: { allLeft: GoBenchTiming };
  idle?: {
    windowSeconds: number;
    cpuMsPerNodePerSecond: number;
    udpPacketsPerNodePerSecond: number;
    udpBytesPerNodePerSecond: number;
    tcpBytesPerNodePerSecond: number;
    bytesPerNodePerSecond: number;
    heapBytesPerNode: number;
    heapBaselineBytes: number;
    totals: { udpPackets: number; udpBytes: number; tcpBytes: number; tcpDials: number };
  };
  fp?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Builds the harness (once) and runs it; resolves with its parsed JSON report. */
export async function runGoBench(options: GoBenchOptions = {}): Promise<GoBenchReport> {
  const binary = await buildGoProgram(GO_BENCH_DIR, 'memberlist-bench');
  const args = [
    `-n=${options.n ?? 8}`,
    `-preset=${options.preset ?? 'lan'}`,
    `-scenario=${options.scenario ?? 'all'}`,
    `-idle-seconds=${options.idleSeconds ?? 20}`,
    `-idle-warmup=${options.idleWarmupSeconds ?? 0}`,
    `-fp-seconds=${options.fpSeconds ?? 20}`,
    `-reps=${options.reps ?? 1}`,
  ];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      binary,
      args,
      { timeout: options.timeoutMs ?? 15 * 60_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, out, err) => {
        if (error) {
          const tail = err.split('\n').slice(-40).join('\n');
          reject(new GoPeerError('ERR_GO_BENCH_FAILED', `memberlist-bench ${args.join(' ')} failed: ${error.message}\n${tail}`));
        } else {
          resolve(out);
        }
      },
    );
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as GoBenchReport;
  } catch {
    throw new GoPeerProtocolError(`memberlist-bench printed no JSON report: ${last.slice(0, 200)}`);
  }
}
