/** Preset timings of memberlist: DefaultLANConfig, DefaultWANConfig, DefaultLocalConfig. */
export type GoPreset = 'lan' | 'wan' | 'local';

/** Member state as memberlist tracks it privately (v0.2.2's public `Node.State` is always alive). */
export type GoNodeState = 'alive' | 'suspect' | 'dead' | 'left';

/** Start-up configuration of one Go memberlist node. Timings are overrides of the preset, in ms. */
export interface GoPeerConfig {
  /** Unique node name (memberlist `Config.Name`). */
  name: string;
  /** IP to bind UDP and TCP on; default 127.0.0.1 (loopback only in this project). */
  bindAddr?: string;
  /** Port for both UDP and TCP; 0 (default) picks a free one, reported as {@link GoPeer.port}. */
  bindPort?: number;
  advertiseAddr?: string;
  advertisePort?: number;
  /** Default `lan`. */
  preset?: GoPreset;
  probeIntervalMs?: number;
  probeTimeoutMs?: number;
  gossipIntervalMs?: number;
  gossipNodes?: number;
  gossipToTheDeadTimeMs?: number;
  suspicionMult?: number;
  suspicionMaxTimeoutMult?: number;
  pushPullIntervalMs?: number;
  tcpTimeoutMs?: number;
  retransmitMult?: number;
  indirectChecks?: number;
  awarenessMaxMultiplier?: number;
  disableTcpPings?: boolean;
  deadNodeReclaimTimeMs?: number;
  udpBufferSize?: number;
  handoffQueueDepth?: number;
  /** memberlist protocol version 1..5; default 2. Version 1 replaces every peer port by its own bind port. */
  protocolVersion?: number;
  delegateProtocolVersion?: number;
  delegateProtocolMin?: number;
  delegateProtocolMax?: number;
  /** Default true. */
  enableCompression?: boolean;
  /** AES keys (16, 24 or 32 bytes); the first is primary unless {@link primaryKey} is given. */
  keys?: Uint8Array[];
  primaryKey?: Uint8Array;
  /** Default true. */
  gossipVerifyIncoming?: boolean;
  /** Default true. */
  gossipVerifyOutgoing?: boolean;
  /** Initial node meta (≤ 512 bytes). */
  meta?: Uint8Array;
  /** Initial push/pull user state (Delegate.LocalState). */
  userState?: Uint8Array;
  /** Payload of every ack this node sends (PingDelegate.AckPayload). */
  ackPayload?: Uint8Array;
  /** Emit a `pingComplete` event for every successful probe (noisy; off by default). */
  pingEvents?: boolean;
  /** Start with inbound packets and streams delayed by 1–2 s. */
  slow?: boolean;
}

/** One member as a Go node sees it. */
export interface GoNodeView {
  name: string;
  addr: string;
  port: number;
  state: GoNodeState;
  /** Null only for the "other" side of a conflict, which memberlist never stored. */
  incarnation: number | null;
  meta: Uint8Array;
  /** [pmin, pmax, pcur, dmin, dmax, dcur] */
  vsn: number[];
}

/** Asynchronous notifications from a Go node. */
export type GoPeerEvent =
  | { type: 'join' | 'leave' | 'update'; node: GoNodeView }
  | { type: 'message'; data: Uint8Array }
  | { type: 'mergeRemoteState'; data: Uint8Array; join: boolean }
  | { type: 'conflict'; existing: GoNodeView; other: GoNodeView }
  | { type: 'pingComplete'; node: string; rttMs: number; payload: Uint8Array }
  | { type: 'error'; error: string }
  | { type: 'exit'; code: number | null; signal: string | null };

/** The keyring after a key operation. */
export interface GoKeyringView {
  keys: Uint8Array[];
  primary: Uint8Array | null;
}

/** Cumulative traffic written by the node (counted by its wrapping transport). */
export interface GoTrafficStats {
  udpPackets: number;
  udpBytes: number;
  tcpBytes: number;
  tcpDials: number;
  tcpAccepts: number;
  /** Inbound packets and streams held back by the slow switch. */
  delayed: number;
}
