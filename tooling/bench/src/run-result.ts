/** The JSON record of one `pnpm bench` run (bench-results/cluster.json): BENCHMARKS.md is rendered from it. */
import type { MachineInfo } from './machine.js';
import type { MicroOutcome } from './micro.js';
import type { BenchPlan } from './plan.js';
import type { ClusterReport } from './report-types.js';

/** Both implementations' reports for one (preset, N) cell. */
export interface CellResult {
  n: number;
  preset: 'lan' | 'local';
  ts: ClusterReport;
  go: ClusterReport;
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
  /** Jobs of the plan that were not run (budget), in words. */
  skipped: string[];
}
