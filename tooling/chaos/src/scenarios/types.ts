/** What a scenario is, what it gets, and what it returns. */
import type { Cluster } from '../cluster.js';
import type { Rng } from '../random.js';

/** A measured figure: ms, counts, flags; `null` when it could not be measured (e.g. never happened). */
export type Figure = number | string | boolean | null;

/** The verdict and figures of one scenario on one cluster. */
export interface ScenarioResult {
  readonly pass: boolean;
  readonly figures: Readonly<Record<string, Figure>>;
  /** A few words for the table cell (the key figure). */
  readonly summary: string;
}

/** What a scenario runs against. */
export interface ScenarioContext {
  /** The cluster under test, converged and fault-free when the scenario starts (except `converge`). */
  readonly cluster: Cluster;
  readonly rng: Rng;
  readonly signal: AbortSignal;
  /** Picks the full duration, or the short one in quick mode (CI). */
  dur(fullMs: number, quickMs: number): number;
  /** A progress line. */
  note(message: string): void;
}

/** A chaos scenario. */
export interface Scenario {
  readonly name: string;
  /** What it does, in a line. */
  readonly title: string;
  /** What passing means. */
  readonly target: string;
  /** Runs on the TS cluster with Go peers mixed in; no all-Go twin. */
  readonly mixed?: boolean;
  /** Starts the cluster itself (the runner hands it over stopped). */
  readonly startsCluster?: boolean;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}
