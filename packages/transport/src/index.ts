export type { Clock, Random, TimerHandle } from './runtime.js';
export type {
  AdvertiseAddress,
  DialOptions,
  InboundPacket,
  Stream,
  Transport,
  TransportErrorCode,
  TransportHandlers,
} from './transport.js';
export { TransportError } from './transport.js';
