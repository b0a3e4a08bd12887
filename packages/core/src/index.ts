/**
 * `@gossip/core`: SWIM + Lifeguard cluster membership with HashiCorp memberlist's semantics and wire protocol.
 * Time, randomness and I/O are injected (`Clock`, `Random`, `Transport`), so the same engine runs on real
 * sockets and in a deterministic simulation.
 */
export {
  Memberlist,
  type GossipVerifySettings,
  type JoinOptions,
  type LeaveOptions,
  type MemberRef,
  type ShutdownOptions,
} from './memberlist.js';
export { MemberEvents, type OnceOptions } from './member-events.js';
export {
  lanConfig,
  localConfig,
  resolveConfig,
  wanConfig,
  type MemberlistConfig,
  type MemberlistTunables,
  type ResolvedConfig,
} from './config.js';
// Encryption sizes are @gossip/wire's (the keyring uses the same functions); re-exported for core's API.
export { encryptOverhead, encryptedLength } from '@gossip/wire';
export {
  type AliveDelegate,
  type ConflictDelegate,
  type Delegate,
  type EventDelegate,
  type MergeDelegate,
  type PacketCipher,
  type SteppedDecrypt,
  type PingDelegate,
} from './delegates.js';
export { MEMBER_STATE_CODE, type Member, type MemberState } from './member.js';
export {
  EventHub,
  type EventIteratorOptions,
  type MemberEvent,
  type MemberEventIterator,
  type MemberEventListener,
  type MemberEventType,
} from './events.js';
export { JoinError, MemberlistError, isMemberlistError, type MemberlistErrorCode } from './errors.js';
export { onAbort, type AbortSignalLike } from './abort.js';
export {
  TransmitLimitedQueue,
  isNamedBroadcast,
  isUniqueBroadcast,
  retransmitLimit,
  type Broadcast,
  type NamedBroadcast,
  type TransmitLimitedQueueOptions,
  type UniqueBroadcast,
} from './broadcast-queue.js';
export { Suspicion, remainingSuspicionTime, suspicionTimeouts, type SuspicionOptions, type SuspicionTimeoutParams } from './suspicion.js';
export { Awareness } from './awareness.js';
export { levelFilter, prefixLogger, silentLogger, type LogLevel, type Logger } from '@gossip/transport';
export {
  MemoryMetrics,
  MetricNames,
  noopMetrics,
  prometheusName,
  type MemoryMetricsOptions,
  type MetricLabels,
  type MetricsSink,
  type SampleSummary,
} from './metrics.js';
export { metricHelp, metricUnit } from './metric-help.js';
export { pushPullScale } from './gossiper.js';
export { PROBE_INCONCLUSIVE_METRIC } from './prober.js';
export { CidrAllowList } from './cidr.js';
export type { RejoinConfig } from './config.js';
export type { ReconnectConfig } from './config.js';
export { RECONNECT_MAX_REMEMBERED } from './reconnect.js';
