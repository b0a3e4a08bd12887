/**
 * What a node knows about one member of the cluster. {@link Member} is the public, immutable snapshot;
 * {@link NodeRecord} is the engine's mutable entry (memberlist's `nodeState`).
 */

import { NodeState, bytesToIp, joinHostPort } from '@gossip/wire';

/** Liveness of a member as this node believes it (memberlist's `NodeStateType`). */
export type MemberState = 'alive' | 'suspect' | 'dead' | 'left';

/** Wire values of {@link MemberState} (push/pull `State`), from wire's {@link NodeState}. */
export const MEMBER_STATE_CODE: Readonly<Record<MemberState, NodeState>> = {
  alive: NodeState.Alive,
  suspect: NodeState.Suspect,
  dead: NodeState.Dead,
  left: NodeState.Left,
};

/** The {@link MemberState} of a push/pull `State` value; an unknown value reads as dead. */
export function memberStateOf(code: number): MemberState {
  switch (code) {
    case NodeState.Alive:
      return 'alive';
    case NodeState.Suspect:
      return 'suspect';
    case NodeState.Left:
      return 'left';
    default:
      return 'dead';
  }
}

/** An immutable snapshot of a member, as returned by `members()` and carried by events. */
export interface Member {
  /** Unique node name: the identity all membership state is keyed by. */
  readonly name: string;
  /** Advertised IP address (dotted quad or IPv6 text; IPv4-mapped addresses are shown as IPv4). */
  readonly addr: string;
  /** Advertised port (UDP and TCP). */
  readonly port: number;
  /** `addr:port` (`[v6]:port` for IPv6), ready for a transport. */
  readonly address: string;
  /** Metadata from the member's delegate (at most `metaMaxSize` bytes). A copy: mutating it changes nothing. */
  readonly meta: Uint8Array;
  /** Liveness as this node believes it. */
  readonly state: MemberState;
  /** The member's incarnation number: it only grows, and the member bumps it to refute suspicion. */
  readonly incarnation: number;
  /** Lowest memberlist protocol version the member understands. */
  readonly pmin: number;
  /** Highest memberlist protocol version the member understands. */
  readonly pmax: number;
  /** Protocol version the member currently speaks. */
  readonly pcur: number;
  /** Lowest delegate (application) protocol version the member understands. */
  readonly dmin: number;
  /** Highest delegate protocol version the member understands. */
  readonly dmax: number;
  /** Delegate protocol version the member currently speaks. */
  readonly dcur: number;
  /** When this node last saw the member change state (injected clock, ms). */
  readonly stateChangedAt: number;
}

/**
 * The part of a member's record that every node ends up agreeing on: who it is, where it is, what it says about
 * itself. Immutable and shared (see `internMember`): in a simulation all n nodes of a process point at one copy
 * instead of n, which is what lets a 10,000-node cluster fit in memory. A change (new address, new metadata)
 * replaces the whole object.
 */
export interface MemberInfo {
  readonly name: string;
  /** Advertised IP, 4 or 16 bytes as received (kept byte-exact for re-gossip). Never mutate. */
  readonly addr: Uint8Array;
  /** {@link MemberInfo.addr} rendered as text. */
  readonly ip: string;
  readonly port: number;
  /** Metadata; a shared empty array when there is none. Never mutate. */
  readonly meta: Uint8Array;
  /** `[pmin, pmax, pcur, dmin, dmax, dcur]`. Never mutate. */
  readonly vsn: Uint8Array;
}

/**
 * The engine's mutable view of one member (memberlist's `nodeState`). Not exported from the package. Only what
 * this node alone decides lives here (incarnation, state, when it changed); the rest is the shared
 * {@link NodeRecord.info}, read through getters so callers need not care.
 */
export class NodeRecord {
  /** Bumped on every state change, so a suspicion timer can tell whether the suspicion it guards still holds. */
  stateSeq = 0;
  /** The encoded alive this entry was last updated from (see {@link NodeTable.holdingAlive}); shared, never mutated. */
  aliveMsg: Uint8Array | undefined = undefined;
  /** {@link hashBytes} of {@link NodeRecord.aliveMsg}. */
  aliveHash = 0;

  constructor(
    /** Identity, address, metadata and versions; replaced, never mutated. */
    public info: MemberInfo,
    public incarnation: number,
    public state: MemberState,
    public stateChangedAt: number,
  ) {}

  /** A detached copy (the prober works on one, as memberlist copies the `nodeState` it probes). */
  clone(): NodeRecord {
    const copy = new NodeRecord(this.info, this.incarnation, this.state, this.stateChangedAt);
    copy.stateSeq = this.stateSeq;
    return copy;
  }

  get name(): string {
    return this.info.name;
  }

  get addr(): Uint8Array {
    return this.info.addr;
  }

  get ip(): string {
    return this.info.ip;
  }

  get port(): number {
    return this.info.port;
  }

  get meta(): Uint8Array {
    return this.info.meta;
  }

  get vsn(): Uint8Array {
    return this.info.vsn;
  }
}

/**
 * FNV-1a of `b`, cut to 30 bits: a cheap key for byte strings compared in full on a hit. 30 bits keep it a small
 * integer, which V8 stores unboxed; a 32-bit value is boxed half the time, one more object per member in a record
 * field and as a map key, for the garbage collector to copy.
 */
export function hashBytes(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h & 0x3fffffff;
}

/** Renders raw address bytes, tolerating garbage (shown as hex) so a bad peer cannot make us throw. */
export function ipText(addr: Uint8Array): string {
  try {
    return bytesToIp(addr);
  } catch {
    return `invalid(${Array.from(addr, (b) => b.toString(16).padStart(2, '0')).join('')})`;
  }
}

/** Byte-wise equality of two arrays (addresses, metadata, versions, labels). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True for members that no longer take part (memberlist's `DeadOrLeft`). */
export function isDeadOrLeft(state: MemberState): boolean {
  return state === 'dead' || state === 'left';
}

/** Joins an IP literal and a port the way Go's `net.JoinHostPort` does (`[v6]:port`). */
export function hostPort(ip: string, port: number): string {
  return joinHostPort(ip, port);
}

/**
 * What a public {@link Member} is built from. A {@link NodeRecord} is one as it is; an alive message and a
 * push/pull entry are mapped onto it by their handlers.
 */
export interface MemberSource {
  readonly name: string;
  /** The advertised IP as text (see {@link ipText}). */
  readonly ip: string;
  readonly port: number;
  /** Metadata; `null` reads as none. Copied into the snapshot. */
  readonly meta: Uint8Array | null;
  readonly state: MemberState;
  readonly incarnation: number;
  /** `[pmin, pmax, pcur, dmin, dmax, dcur]`; missing entries read as 0. */
  readonly vsn: Uint8Array;
  readonly stateChangedAt: number;
}

const NO_META = new Uint8Array(0);

/** Builds an immutable public snapshot: the one place a {@link Member} is made (records, events, delegates). */
export function snapshotMember(source: MemberSource): Member {
  const vsn = source.vsn;
  return Object.freeze({
    name: source.name,
    addr: source.ip,
    port: source.port,
    address: hostPort(source.ip, source.port),
    meta: (source.meta ?? NO_META).slice(),
    state: source.state,
    incarnation: source.incarnation,
    pmin: vsn[0] ?? 0,
    pmax: vsn[1] ?? 0,
    pcur: vsn[2] ?? 0,
    dmin: vsn[3] ?? 0,
    dmax: vsn[4] ?? 0,
    dcur: vsn[5] ?? 0,
    stateChangedAt: source.stateChangedAt,
  });
}
