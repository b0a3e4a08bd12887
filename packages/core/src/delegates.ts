/**
 * Hooks through which an application plugs into membership, mirroring memberlist's delegate interfaces. Every
 * delegate and every method is optional. They are called synchronously from the protocol's event handling, like
 * Go's: keep them fast and never block (hand long work to your own queue).
 */
import type { Member } from './member.js';

/** The main application hook (memberlist's `Delegate`): metadata, user messages, broadcasts and state sync. */
export interface Delegate {
  /**
   * Metadata advertised in this node's `alive` messages; called at start and by `updateNode`. Must not exceed
   * `limit` bytes (the configured `metaMaxSize`, 512 by default) or `create`/`updateNode` fail.
   */
  nodeMeta?(limit: number): Uint8Array;
  /**
   * A user message arrived (best-effort via UDP, reliable via a stream, or a piggybacked user broadcast). The bytes
   * are a view into the received datagram or frame, which nothing else writes to: the delegate may keep them.
   */
  notifyMsg?(message: Uint8Array): void;
  /**
   * User broadcasts to piggyback on an outgoing packet: each costs `overhead` bytes plus its length, and all
   * together must fit in `limit` bytes. Use a `TransmitLimitedQueue` to implement it.
   */
  getBroadcasts?(overhead: number, limit: number): Uint8Array[];
  /** This node's application state, sent in every push/pull (`join` is true when it is part of a join). */
  localState?(join: boolean): Uint8Array;
  /**
   * Application state received in a push/pull from a peer: a view into the received frame, which nothing else
   * writes to (the delegate may keep it).
   */
  mergeRemoteState?(state: Uint8Array, join: boolean): void;
}

/** Membership change notifications (memberlist's `EventDelegate`). */
export interface EventDelegate {
  /** A member joined (or came back after being dead or left). */
  notifyJoin?(member: Member): void;
  /** A member left gracefully or was declared dead. */
  notifyLeave?(member: Member): void;
  /** A member's metadata changed. */
  notifyUpdate?(member: Member): void;
}

/** Told when a peer claims a name that is already taken by another address (memberlist's `ConflictDelegate`). */
export interface ConflictDelegate {
  /** `existing` is the member we know; `other` is the conflicting claim, which is rejected. */
  notifyConflict?(existing: Member, other: Member): void;
}

/** Vets a whole remote cluster before a join merges it (memberlist's `MergeDelegate`). */
export interface MergeDelegate {
  /** Return an `Error` to refuse merging `peers` (the join then fails with that error). */
  notifyMerge?(peers: readonly Member[]): Error | void;
}

/** Admission control for every member this node hears about (memberlist's `AliveDelegate`). */
export interface AliveDelegate {
  /** Return an `Error` to ignore this `alive` (e.g. the peer belongs to another cluster). */
  notifyAlive?(peer: Member): Error | void;
}

/** Probe hooks (memberlist's `PingDelegate`), e.g. for network coordinates. */
export interface PingDelegate {
  /** Payload attached to every ack this node sends. */
  ackPayload?(): Uint8Array;
  /** A probe of `other` succeeded after `rttMs` with the payload the peer attached to its ack. */
  notifyPingComplete?(other: Member, rttMs: number, payload: Uint8Array): void;
}

/**
 * Packet and stream encryption, memberlist-compatible (AES-GCM with a keyring in `@gossip/keyring`). Core decides
 * the version (0 when `protocolVersion` is 1, else 1), the additional authenticated data (label on packets;
 * `0x0a | length | label` on streams) and the stream framing; the cipher only seals and opens.
 */
export interface PacketCipher {
  /** Seals `plaintext` with the primary key: returns `vsn | nonce(12) | ciphertext | tag(16)`. */
  encrypt(plaintext: Uint8Array, aad: Uint8Array, version: 0 | 1): Uint8Array;
  /** Opens `data` trying every installed key; throws if none authenticates it. */
  decrypt(data: Uint8Array, aad: Uint8Array): Uint8Array;
  /**
   * Optional: opens `data` as {@link PacketCipher.decrypt} does, but a slice at a time, for stream frames too large
   * to decrypt in one event-loop turn (up to 20 MiB). Without it, a stream frame is decrypted in one call.
   */
  decryptInSteps?(data: Uint8Array, aad: Uint8Array): SteppedDecrypt;
}

/** A decryption run in slices (see {@link PacketCipher.decryptInSteps}). */
export interface SteppedDecrypt {
  /** Decrypts up to `bytes` more bytes; true once the payload is authenticated; throws if no key does. */
  step(bytes: number): boolean;
  /** The plaintext, once {@link SteppedDecrypt.step} has returned true. */
  result(): Uint8Array;
}
