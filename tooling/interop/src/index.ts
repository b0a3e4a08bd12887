export { GoPeer, GO_PEER_DIR, type GoPeerStartOptions } from './go-peer.js';
export { startGoCluster } from './go-cluster.js';
export { EventLog, type EventListener } from './event-log.js';
export { killAllGoProcesses, liveGoProcessCount } from './registry.js';
export {
  runGoBench,
  GO_BENCH_DIR,
  type GoBenchOptions,
  type GoBenchReport,
  type GoBenchScenario,
  type GoBenchTiming,
} from './go-bench.js';
export { withTimeout, poll } from './timing.js';
export {
  GoPeerError,
  GoPeerCommandError,
  GoPeerExitedError,
  GoPeerProtocolError,
  GoPeerTimeoutError,
} from './errors.js';
export type * from './types.js';
