/**
 * Sharing of the immutable parts of member records: address and version bytes, and the whole {@link MemberInfo}
 * (name, address, metadata, versions) with its encoded alive message. A node keeps one record per member, so a
 * cluster of n nodes holds n² of them in a simulation, and n per process in production; interning collapses the
 * copies made by every decoded message to one per distinct value. Every cache is bounded or weakly held: past its
 * size, values are simply not shared, so hostile input cannot grow them.
 */
import { encodeAlive, encodePushNodeState } from '@gossip/wire';
import { MemberlistBroadcast } from './broadcasts.js';
import { type MemberInfo, bytesEqual, ipText } from './member.js';

const MAX_ADDRS = 65_536;
const MAX_VSNS = 4_096;

/** An advertised address: raw bytes (kept byte-exact for re-gossip) and their text form. */
export interface InternedAddr {
  readonly addr: Uint8Array;
  readonly ip: string;
}

const addrs = new Map<string, InternedAddr>();
const vsns = new Map<number, Uint8Array>();

function addrKey(addr: Uint8Array): string {
  let key = '';
  for (let i = 0; i < addr.length; i++) key += String.fromCharCode(addr[i] as number);
  return key;
}

/** The shared copy of `addr` with its text form. Callers must never mutate the returned bytes. */
export function internAddr(addr: Uint8Array): InternedAddr {
  const key = addrKey(addr);
  const hit = addrs.get(key);
  if (hit !== undefined) return hit;
  const value: InternedAddr = { addr: addr.slice(), ip: ipText(addr) };
  if (addrs.size < MAX_ADDRS && addr.length <= 16) addrs.set(key, value);
  return value;
}

/** The shared copy of a 6-byte version vector (anything else is copied as is). Never mutate the result. */
export function internVsn(vsn: Uint8Array): Uint8Array {
  if (vsn.length !== 6) return vsn.slice();
  // Six bytes fit exactly in a double's 53-bit mantissa.
  let key = 0;
  for (let i = 0; i < 6; i++) key = key * 256 + (vsn[i] as number);
  const hit = vsns.get(key);
  if (hit !== undefined) return hit;
  const value = vsn.slice();
  if (vsns.size < MAX_VSNS) vsns.set(key, value);
  return value;
}

/**
 * Encoded messages a member's info keeps (its alive, its push/pull entry) are copied into shared slabs of this size.
 * A small typed array of its own carries an `ArrayBuffer` object and, up to 64 bytes, its bytes on the JavaScript
 * heap; a view into a slab is one object, and its bytes live off the heap. Heap per member fell from 850 to 660
 * bytes (with the unboxed hash in member.ts), which the garbage collector no longer copies while a push/pull of
 * 10,000 new members is merged (issue #12: the young generation's pauses grow with what survives). A slab lives as
 * long as its longest-lived message: small slabs bound that waste at 4 KiB per message still held. Not the wire
 * encoders' pool (`allocOutput`): it keeps outputs up to 64 bytes on the heap, the alive included, and its slabs
 * are shared with short-lived packets, which a long-lived message would pin.
 */
const SLAB_SIZE = 4 * 1024;
/** Messages larger than this keep a buffer of their own (a slab would waste too much of itself). */
const SLAB_MAX = 512;
let slab = new ArrayBuffer(SLAB_SIZE);
let slabUsed = 0;

/** A copy of `bytes` that shares a slab with other retained messages (mind `byteOffset`). Never mutate it. */
function retain(bytes: Uint8Array): Uint8Array {
  if (bytes.length > SLAB_MAX) return bytes;
  if (slabUsed + bytes.length > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab, slabUsed, bytes.length);
  out.set(bytes);
  slabUsed += bytes.length;
  return out;
}

const EMPTY_META = new Uint8Array(0);
/** At most this many names are remembered for sharing; past it new members get a private copy. */
const MAX_MEMBERS = 1 << 20;

/** The shared form of a member's identity. `alive*` cache the alive broadcast for one incarnation. */
class SharedMemberInfo implements MemberInfo {
  /** Incarnation the cached alive broadcast was encoded for (−1: none). */
  aliveIncarnation = -1;
  aliveBroadcast: MemberlistBroadcast | undefined = undefined;
  /** Incarnation and state code the cached push/pull entry was encoded for (−1: none). */
  entryIncarnation = -1;
  entryState = -1;
  entry: Uint8Array | undefined = undefined;

  constructor(
    readonly name: string,
    readonly addr: Uint8Array,
    readonly ip: string,
    readonly port: number,
    readonly meta: Uint8Array,
    readonly vsn: Uint8Array,
  ) {}
}

/**
 * The newest info seen for each name. Weakly held: an info no node references any more (the member was reaped
 * everywhere in this process) is collected, and its name is forgotten by {@link sweepMembers}, so churn through many
 * names cannot grow this. Not a FinalizationRegistry: its callbacks run as one task per collection, and after a
 * 10,000-member push/pull was forgotten that task held the event loop for 9 ms (issue #12).
 */
const members = new Map<string, WeakRef<SharedMemberInfo>>();

/** Where {@link sweepMembers} goes on from: it walks the map a few entries per new member, round and round. */
let sweepCursor: Iterator<[string, WeakRef<SharedMemberInfo>]> = members.entries();

/** Entries checked per new member: more than one, so dead names go faster than new ones arrive. */
const SWEEP_PER_INSERT = 2;

/** How many names the member cache holds (collected ones included until a sweep reaches them). */
export function internedMemberCount(): number {
  return members.size;
}

/** Forgets up to `count` names whose info has been collected, going on from where the last sweep stopped. */
function sweepMembers(count: number): void {
  for (let k = 0; k < count; k++) {
    let next = sweepCursor.next();
    if (next.done === true) {
      sweepCursor = members.entries();
      next = sweepCursor.next();
      if (next.done === true) return;
    }
    const [name, ref] = next.value;
    if (ref.deref() === undefined) members.delete(name);
  }
}

/**
 * The shared {@link MemberInfo} for these values: the one already in use when every field matches (the common
 * case: every node of a process learns the same news about a member), else a new one that becomes the shared
 * copy for `name`. Inputs are copied, never aliased, so the info does not pin a received packet's buffer.
 * `vsn` must be the 6-byte version vector.
 */
export function internMember(
  name: string,
  addr: Uint8Array,
  port: number,
  meta: Uint8Array | null | undefined,
  vsn: Uint8Array,
): MemberInfo {
  const m = meta ?? EMPTY_META;
  const hit = members.get(name)?.deref();
  if (
    hit !== undefined &&
    hit.port === port &&
    bytesEqual(hit.addr, addr) &&
    bytesEqual(hit.meta, m) &&
    bytesEqual(hit.vsn, vsn)
  ) {
    return hit;
  }
  const shared = internAddr(addr);
  const info = new SharedMemberInfo(
    name,
    shared.addr,
    shared.ip,
    port,
    m.length === 0 ? EMPTY_META : m.slice(),
    internVsn(vsn),
  );
  sweepMembers(SWEEP_PER_INSERT);
  if (hit !== undefined || members.size < MAX_MEMBERS) members.set(name, new WeakRef(info));
  return info;
}

/**
 * The broadcast of the alive message announcing `info` at `incarnation`. It is encoded once and the same
 * broadcast object is queued by every node of the process that re-gossips this news: the bytes are a pure
 * function of the two, and a broadcast without a completion callback carries no per-node state.
 */
export function aliveBroadcastFor(info: MemberInfo, incarnation: number): MemberlistBroadcast {
  const encodeFresh = (): MemberlistBroadcast =>
    new MemberlistBroadcast(
      info.name,
      retain(
        encodeAlive({
          incarnation,
          node: info.name,
          addr: info.addr,
          port: info.port,
          meta: info.meta.length === 0 ? null : info.meta,
          vsn: info.vsn,
        }),
      ),
    );
  if (!(info instanceof SharedMemberInfo)) return encodeFresh();
  if (info.aliveIncarnation !== incarnation || info.aliveBroadcast === undefined) {
    info.aliveBroadcast = encodeFresh();
    info.aliveIncarnation = incarnation;
  }
  return info.aliveBroadcast;
}

/**
 * The push/pull entry for `info` at `incarnation` in `state` (a `NodeState` code), byte for byte as our own
 * push/pulls encode it, so that an entry a peer sends can be recognised as one we hold without decoding it
 * (`PushPullDecodeOptions.heldEntry`). Cached on the shared info for one incarnation and state: every node of a
 * process that agrees on the member reads the same bytes. Undefined for an info that is not shared.
 */
export function pushEntryFor(info: MemberInfo, incarnation: number, state: number): Uint8Array | undefined {
  if (!(info instanceof SharedMemberInfo)) return undefined;
  if (info.entryIncarnation !== incarnation || info.entryState !== state || info.entry === undefined) {
    info.entry = retain(
      encodePushNodeState({
        name: info.name,
        addr: info.addr,
        port: info.port,
        meta: info.meta.length === 0 ? null : info.meta,
        incarnation,
        state,
        vsn: info.vsn,
      }),
    );
    info.entryIncarnation = incarnation;
    info.entryState = state;
  }
  return info.entry;
}
