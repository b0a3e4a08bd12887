/**
 * The JSON report of one cluster benchmark run (N nodes, one preset, one implementation). The Go harness
 * (tooling/bench/go) prints exactly this shape; the TS harness (src/ts-harness.ts) prints it too, so the
 * two can be compared field by field.
 */

/** Milliseconds of one measurement over its repetitions; `medianMs` is null when every run timed out. */
export interface Timing {
  runsMs: number[];
  medianMs: number | null;
  timedOut: number;
}

/** Idle cost over one window on a converged cluster. */
export interface IdleReport {
  windowSeconds: number;
  cpuMsPerNodePerSecond: number;
  udpPacketsPerNodePerSecond: number;
  udpBytesPerNodePerSecond: number;
  tcpBytesPerNodePerSecond: number;
  bytesPerNodePerSecond: number;
  heapBytesPerNode: number;
  heapBaselineBytes: number;
  /**
   * Heap after GC with a second converged cluster of N beside the first, minus the heap with the first alone, ÷ N
   * (0 when it did not converge; absent in reports made before it existed).
   */
  heapSecondClusterBytesPerNode?: number;
  totals: { udpPackets: number; udpBytes: number; tcpBytes: number; tcpDials: number };
}

/** What happened in one false-positive window. */
export interface FpWindow {
  accusations: number;
  falseAccusations: number;
  accusationsBySlow: number;
  accusationsOfSlow: number;
  refutations: number;
  healthyDeclaredDead: string[];
  healthyDeaths: number;
  slowDeclaredDeadBy: number;
  slowHealthScore?: number;
}

/** The false-positive scenario: a healthy window, then one with a slowed node. */
export interface FpReport {
  windowSeconds: number;
  slowNode: string;
  slowDelay: string;
  healthy: FpWindow;
  slowed: FpWindow;
  /** TS only: a second slowed window with the Go harness's fault model (inbound traffic delayed). */
  slowedInboundDelay?: FpWindow;
}

/** The scale scenario (tooling/bench/go/storm.go, src/ts-storm.ts): a join storm through one seed, then a hold window. */
export interface StormReport {
  n: number;
  /** Every node listed all N (alive or suspect) before the bound. */
  formed: boolean;
  /** Storm start → formed (or → the bound). */
  formationMs: number;
  /** Storm start → the last join call returned. */
  joinsReturnedMs: number;
  /** Join calls that rejected. */
  failedJoins: number;
  /** Push/pull attempts of join calls that failed (retried ones included). */
  failedAttempts: number;
  /** Fewest members any node listed when the formation wait ended. */
  minMembersSeen: number;
  /** Length of the hold window after formation (0 when the cluster did not form). */
  holdSeconds: number;
  /** Process CPU in the hold window ÷ N ÷ seconds. */
  cpuMsPerNodePerSecond: number;
  /** Process RSS at the end of the hold window ÷ N: everything the process holds, one-time costs included. */
  rssBytesPerNode: number;
  /** Local suspicions in the hold window (every node is healthy, so all are false). */
  accusations: number;
  /** Nodes suspected by more than one peer in the hold window. */
  suspectedByMoreThanOne: number;
  /** (observer, node) pairs declared dead in the hold window. */
  declaredDead: number;
  /** Process CPU since start (creation, storm and window). */
  processCpuSeconds: number;
  /** Go only: some node's list stayed locked, so the fewest members could not be read (`minMembersSeen` -1). */
  nodeListsLocked?: boolean;
}

/** One implementation's report for one (N, preset). */
export interface ClusterReport {
  implementation: string;
  n: number;
  preset: string;
  reps: number;
  join?: { convergence: Timing };
  crash?: { model: string; firstSuspect: Timing; allDead: Timing };
  leave?: { allLeft: Timing };
  idle?: IdleReport;
  fp?: FpReport;
  storm?: StormReport;
  errors?: string[];
  wallSeconds: number;
  [key: string]: unknown;
}
