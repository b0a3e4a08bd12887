/**
 * `@gossip/agent`: the `gossip` command (bin) and the pieces it is built from, for programs that embed an agent
 * or extend the command (the demo app adds `gossip demo` on top of these).
 */
export { Agent, type AgentOptions } from './agent/agent.js';
export { Feed, type FeedEvent, type FeedEventBody, type FeedListener, type KvFeedEvent, type MemberFeedEvent, type DemoFeedEvent } from './agent/feed.js';
export { LOG_LEVELS, type CliLogLevel, createCliLogger, formatLogLine } from './agent/logger.js';
export { type AgentMeta, type MemberJson, encodeAgentMeta, memberToJson } from './agent/member-json.js';
export { EXIT_USAGE, type Options, type ParsedFlags, parseChoice, parseDuration, parseFlags, parseHostPort, parseIntFlag, parseSeeds, usageError } from './args.js';
export { DemoError, type DemoErrorCode, isDemoError } from './errors.js';
export type { DemoControl, DemoNodeStatus } from './http/demo-control.js';
export { API_PREFIX, HttpApi, type HttpApiOptions } from './http/server.js';
export { type Io, processIo, untilInterrupted } from './io.js';
export { type Stamp, HybridClock, compareStamps } from './kv/hlc.js';
export { DEFAULT_KV_LIMITS, type KvChange, type KvLimits, type KvOrigin, type KvRecord, KvStore, type KvStoreOptions } from './kv/store.js';
export { KV_RETRANSMIT_MULT, KvReplicator, type KvReplicatorOptions } from './kv/replicator.js';
export { COMMANDS, type Command, main, mainUsage } from './main.js';
