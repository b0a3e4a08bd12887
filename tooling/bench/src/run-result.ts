/** The JSON record of one `pnpm bench` run (bench-results/cluster.json): BENCHMARKS.md is rendered from it. */
import type { MachineInfo } from './machine.js';
import type { MicroOutcome } from './micro.js';
import type { BenchPlan } from './plan.js';
import type { ClusterReport } from './report-types.js';
import type { IdlePair } from './rows.js';

/** Both implementations' reports for one (preset, N) cell. */
export interface CellResult {
  n: number;
  preset: 'lan' | 'local';
  ts: ClusterReport;
  go: ClusterReport;
  /** The idle runs, alternated Go/TS pairs; `ts.idle` and `go.idle` are the first pair's. */
  idlePairs?: IdlePair[];
}

/** One row of the scale table: what each implementation did, and the machine's load when its run started. */
export interface ScaleCell {
  n: number;
  ts?: ClusterReport;
  go?: ClusterReport;
  /** 1-minute load average at the start of each implementation's run. */
  load: { ts?: number; go?: number };
  /** When the scale jobs ran (they may be rerun alone with `--scale-only`). */
  startedAt: string;
}

/** One whole run. */
export interface RunResult {
  schema: 1;
  mode: 'full' | 'quick';
  startedAt: string;
  finishedAt: string;
  wallSeconds: number;
  machine: MachineInfo;
  plan: BenchPlan;
  micro: MicroOutcome[];
  timed: CellResult[];
  fp: CellResult | undefined;
  /** The scale table (absent in runs made before it existed). */
  scale?: ScaleCell[];
  /** Jobs of the plan that were not run (budget), in words. */
  skipped: string[];
}
