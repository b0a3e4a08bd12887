/** The scenario registry, in the order `all` runs them (mixed Go/TS scenarios last: they add Go hosts). */
import { cost } from './cost.js';
import { converge, crash, mixedCrash } from './membership.js';
import { flapping, loss, mixedPartition, oneWay, partition, udpBlackholeScenario } from './network.js';
import { rollingRestart, stall } from './process.js';
import type { Scenario } from './types.js';

/** Every scenario, in run order. */
export const SCENARIOS: readonly Scenario[] = [converge, crash, cost, stall, loss, partition, oneWay, udpBlackholeScenario, flapping, rollingRestart, mixedCrash, mixedPartition];

/** The CI subset (`pnpm test`, 6 hosts). */
export const CI_SCENARIOS: readonly string[] = ['converge', 'crash', 'stall', 'partition'];

export type { Figure, Scenario, ScenarioContext, ScenarioResult } from './types.js';
