export type { Clock, Random, SeededRandom, TimerHandle } from './runtime.js';
export type {
  AbortSignalLike,
  AdvertiseAddress,
  DialOptions,
  InboundPacket,
  Stream,
  Transport,
  TransportErrorCode,
  TransportHandlers,
} from './transport.js';
export { TransportError } from './transport.js';
export { createSystemClock, systemClock, type SystemClockOptions } from './system-clock.js';
export { systemRandom } from './system-random.js';
export { createSeededRandom } from './seeded-random.js';
export { VirtualClock, VirtualClockError, type VirtualClockOptions } from './virtual-clock.js';
export { MemoryNetwork, type CrashMode, type MemoryNetworkOptions } from './memory/memory-network.js';
export { MemoryEndpoint, type MemoryEndpointOptions } from './memory/memory-endpoint.js';
export type { LinkFaults, SlowNode } from './memory/link-faults.js';
export type { Partition } from './memory/partitions.js';
export type { MemoryNetworkStats, NetworkEvent, PacketDropReason } from './memory/memory-stats.js';
export { canonicalAddress, joinHostPort, splitHostPort, type HostPort } from './address.js';
export { UdpTcpTransport, type UdpTcpTransportOptions } from './net/udp-tcp-transport.js';
export type { UdpTcpStats } from './net/udp-tcp-stats.js';
export { detectPrivateIp, selectPrivateIp, type InterfaceAddress } from './net/advertise.js';
export { consoleLogger, levelFilter, prefixLogger, silentLogger, type LogLevel, type Logger } from './logger.js';
export {
  DEFAULT_LOG_BURST,
  DEFAULT_LOG_INTERVAL_MS,
  LogRateLimiter,
  type LogRateLimitOptions,
} from './log-limiter.js';
