/**
 * memberlist's message vocabulary (PROTOCOL.md §2, §4). Field names follow Go's (they are the msgpack map keys on the
 * wire) in camelCase; byte fields are `Uint8Array`, Go `string` fields are `string`.
 */

/** The first byte of every memberlist message. Values are fixed forever. */
export const MessageType = {
  Ping: 0,
  IndirectPing: 1,
  Ack: 2,
  Suspect: 3,
  Alive: 4,
  Dead: 5,
  PushPull: 6,
  Compound: 7,
  User: 8,
  Compress: 9,
  Encrypt: 10,
  Nack: 11,
  HasCrc: 12,
  Err: 13,
  HasLabel: 244,
} as const;

/** A message type byte value. */
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Node states as they appear in push/pull (`NodeStateType`). */
export const NodeState = {
  Alive: 0,
  Suspect: 1,
  Dead: 2,
  Left: 3,
} as const;

/** A node state value. */
export type NodeState = (typeof NodeState)[keyof typeof NodeState];

/** `ping` (type 0): a probe, over UDP or as the TCP fallback ping. */
export interface Ping {
  seqNo: number;
  /** Name of the node the ping is addressed to; empty means "don't check". */
  node: string;
  /** Sender's advertised IP (4 or 16 bytes); omitted on the wire when empty. */
  sourceAddr?: Uint8Array | undefined;
  /** Sender's advertised port; omitted on the wire when 0. */
  sourcePort?: number | undefined;
  /** Sender's name; omitted on the wire when empty. */
  sourceNode?: string | undefined;
}

/** `indirectPingReq` (type 1): asks a relay to probe `target` on the requester's behalf. */
export interface IndirectPingReq {
  seqNo: number;
  /** Target IP (4 or 16 bytes). */
  target: Uint8Array;
  port: number;
  /** Target's node name. */
  node: string;
  /** Whether the requester wants a nack if the target does not answer. */
  nack: boolean;
  sourceAddr?: Uint8Array | undefined;
  sourcePort?: number | undefined;
  sourceNode?: string | undefined;
}

/** `ackResp` (type 2). */
export interface AckResp {
  seqNo: number;
  /** Opaque ack payload; `null` is encoded as msgpack nil (what Go sends when there is none). */
  payload: Uint8Array | null;
}

/** `nackResp` (type 11). */
export interface NackResp {
  seqNo: number;
}

/** `suspect` (type 3) and `dead` (type 5) share this layout. */
export interface Suspect {
  incarnation: number;
  node: string;
  from: string;
}

/** `dead` (type 5); `from === node` means a graceful leave. */
export type Dead = Suspect;

/** `alive` (type 4). */
export interface Alive {
  incarnation: number;
  node: string;
  /** Advertised IP, 4 or 16 bytes. */
  addr: Uint8Array;
  port: number;
  /** Delegate metadata (≤ 512 bytes by convention); `null` encodes as nil. */
  meta: Uint8Array | null;
  /** `[pmin, pmax, pcur, dmin, dmax, dcur]`; always 6 bytes when sent. */
  vsn: Uint8Array;
}

/** `pushPullHeader`: first object of a push/pull stream body. */
export interface PushPullHeader {
  nodes: number;
  userStateLen: number;
  join: boolean;
}

/** `pushNodeState`: one entry of a push/pull node list. */
export interface PushNodeState {
  name: string;
  addr: Uint8Array;
  port: number;
  meta: Uint8Array | null;
  incarnation: number;
  /** A {@link NodeState} value; decoders pass through any Go int a peer sends. */
  state: number;
  vsn: Uint8Array;
}

/** A decoded push/pull body: header, node states and raw user state. */
export interface PushPull {
  join: boolean;
  states: PushNodeState[];
  userState: Uint8Array;
}

/** `userMsgHeader`: precedes a reliable (stream) user message. */
export interface UserMsgHeader {
  userMsgLen: number;
}

/** `errResp` (type 13), sent on a stream when the responder failed to read the request. */
export interface ErrResp {
  error: string;
}

/** `compress` (type 9) body. */
export interface Compress {
  /** 0 = LZW, the only algorithm. */
  algo: number;
  buf: Uint8Array;
}
