/** @gossip/chaos: the multi-host chaos testbed, for `pnpm chaos` and the CI subset. */
export { type AgentEvent, type AgentKind, API, type MemberView } from './agents.js';
export { ChaosError, type ChaosErrorCode } from './errors.js';
export { CLEAN, dropAllInbound, dropFrom, type HostRules, inboundLoss, renderRules } from './faults.js';
export { checkAvailable, findLeftovers, hostNet, type Leftovers, removeEverything } from './netns.js';
export { jsonLine, renderMarkdown, scenarioTable } from './report.js';
export { isClean, runChaos, runPassed, type RunOptions, type RunSummary, type ScenarioOutcome, selectScenarios } from './runner.js';
export { CI_SCENARIOS, SCENARIOS } from './scenarios/index.js';
export { SseParser } from './sse.js';
