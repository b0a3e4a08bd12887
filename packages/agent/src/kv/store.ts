/**
 * The replicated key/value store's local replica: a last-writer-wins map. Every entry carries the hybrid
 * timestamp of the write that produced it; a delete is a write too (a tombstone), so a delete that wins over a
 * set is not undone when an older copy of the set arrives later. Merging is commutative, associative and
 * idempotent, so replicas that saw the same writes in any order hold the same contents.
 *
 * Capacity has two bounds, so that a full store never loses an acknowledged write and replicas still converge:
 * a local write of a new key is refused (`ERR_KV_FULL`, HTTP 507, nothing applied) once the replica holds
 * `maxEntries` records, but records from peers are accepted past that, up to the hard bound `maxReplicaEntries`.
 * Every node refuses new keys at the same soft limit, so the cluster-wide union of keys exceeds it only by the
 * new keys written concurrently on different nodes before they heard of each other (or during a partition); the
 * headroom between the two bounds absorbs that, and each replica still takes every record any other accepted.
 * Past the hard bound (a long partition with every side writing new keys), a record of a new key is refused,
 * counted and logged, never silently: see {@link KvApplyResult}.
 */
import { createHash } from 'node:crypto';
import { DemoError } from '../errors.js';
import { HybridClock, type Stamp, compareStamps } from './hlc.js';

/** One entry: a live value, or a tombstone (`value === null`) remembering when the key was deleted. */
export interface KvRecord {
  /** The key (non-empty UTF-8, at most {@link KvLimits.maxKeyBytes} bytes). */
  readonly key: string;
  /** The value, or `null` for a tombstone. */
  readonly value: string | null;
  /** When and by whom this version was written. */
  readonly stamp: Stamp;
}

/** Where a change came from. */
export type KvOrigin = 'local' | 'gossip' | 'push-pull';

/** A change applied to the replica. */
export interface KvChange {
  /** The record now stored. */
  readonly record: KvRecord;
  /** How it arrived. */
  readonly origin: KvOrigin;
}

/** Size limits; they keep one write inside one UDP packet and the whole replica bounded. */
export interface KvLimits {
  /** Longest key in UTF-8 bytes. */
  readonly maxKeyBytes: number;
  /** Longest value in UTF-8 bytes. */
  readonly maxValueBytes: number;
  /** Records (live and tombstones) past which a local write of a new key is refused (`ERR_KV_FULL`). */
  readonly maxEntries: number;
  /**
   * Records past which a replicated record of a new key is refused: the hard bound on the replica (and on the
   * records a push/pull state may carry). Must be ≥ `maxEntries`; default 1.5 × `maxEntries`.
   */
  readonly maxReplicaEntries: number;
}

/**
 * Default limits: a set of the largest key and value still fits a 1400-byte gossip packet, and a replica at the
 * hard bound (15,000 records of ≤ 128-byte keys and ≤ 512-byte values) stays under the 16 MiB push/pull state.
 */
export const DEFAULT_KV_LIMITS: KvLimits = Object.freeze({ maxKeyBytes: 128, maxValueBytes: 512, maxEntries: 10_000, maxReplicaEntries: 15_000 });

/**
 * What {@link KvStore.apply} did with a remote record: `applied` (newer than ours), `stale` (ours is as new or
 * newer), or `full` (a new key while the replica is at `maxReplicaEntries`: refused, and the caller must count it).
 */
export type KvApplyResult = 'applied' | 'stale' | 'full';

/** Resolves partial limits; `maxReplicaEntries` follows a custom `maxEntries` unless given. */
export function resolveKvLimits(limits: Partial<KvLimits> = {}): KvLimits {
  const maxEntries = limits.maxEntries ?? DEFAULT_KV_LIMITS.maxEntries;
  const maxReplicaEntries = limits.maxReplicaEntries ?? Math.ceil(maxEntries * 1.5);
  if (maxReplicaEntries < maxEntries) throw new DemoError('ERR_KV_INVALID', 'maxReplicaEntries must be at least maxEntries');
  return { ...DEFAULT_KV_LIMITS, ...limits, maxEntries, maxReplicaEntries };
}

/** Options of {@link KvStore}. */
export interface KvStoreOptions {
  /** The local node's name (the tie-break in every stamp it writes). */
  readonly node: string;
  /** Wall clock in ms; default `Date.now`. */
  readonly now?: () => number;
  /** Size limits; default {@link DEFAULT_KV_LIMITS}. */
  readonly limits?: Partial<KvLimits>;
  /** Tombstones older than this are forgotten by {@link KvStore.pruneTombstones}. Default 10 minutes. */
  readonly tombstoneTtlMs?: number;
}

const utf8 = new TextEncoder();

/** A last-writer-wins replica with tombstones. */
export class KvStore {
  /** The limits in force. */
  readonly limits: KvLimits;
  private readonly records = new Map<string, KvRecord>();
  private readonly clock: HybridClock;
  private readonly now: () => number;
  private readonly tombstoneTtlMs: number;
  private readonly listeners = new Set<(change: KvChange) => void>();

  constructor(options: KvStoreOptions) {
    this.now = options.now ?? Date.now;
    this.clock = new HybridClock(options.node, this.now);
    this.limits = resolveKvLimits(options.limits);
    this.tombstoneTtlMs = options.tombstoneTtlMs ?? 10 * 60_000;
  }

  /** Sets `key` to `value` locally and returns the new record (throws `ERR_KV_INVALID` or `ERR_KV_FULL`). */
  set(key: string, value: string): KvRecord {
    this.checkKey(key);
    if (utf8.encode(value).length > this.limits.maxValueBytes) {
      throw new DemoError('ERR_KV_INVALID', `value longer than ${this.limits.maxValueBytes} bytes`);
    }
    if (!this.records.has(key) && this.records.size >= this.limits.maxEntries) {
      throw new DemoError('ERR_KV_FULL', `store holds its maximum of ${this.limits.maxEntries} entries`);
    }
    const record: KvRecord = { key, value, stamp: this.clock.tick() };
    this.store(record, 'local');
    return record;
  }

  /** Deletes `key` locally (writes a tombstone); returns it, or `undefined` if the key had no live value. */
  delete(key: string): KvRecord | undefined {
    this.checkKey(key);
    if (this.get(key) === undefined) return undefined;
    const record: KvRecord = { key, value: null, stamp: this.clock.tick() };
    this.store(record, 'local');
    return record;
  }

  /** The live record of `key` (tombstones read as absent). */
  get(key: string): KvRecord | undefined {
    const record = this.records.get(key);
    return record?.value === null ? undefined : record;
  }

  /** The record of `key`, tombstone included. */
  record(key: string): KvRecord | undefined {
    return this.records.get(key);
  }

  /** Live records sorted by key. */
  entries(): KvRecord[] {
    return this.allRecords().filter((r) => r.value !== null);
  }

  /** Every record, tombstones included, sorted by key: what a push/pull carries. */
  allRecords(): KvRecord[] {
    return [...this.records.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Number of live keys. */
  get size(): number {
    let n = 0;
    for (const r of this.records.values()) if (r.value !== null) n++;
    return n;
  }

  /** Number of tombstones held. */
  get tombstones(): number {
    return this.records.size - this.size;
  }

  /**
   * Applies a remote record if it is newer than ours (last writer wins). Records of new keys are accepted past
   * `maxEntries` (the soft limit only refuses local writes), up to `maxReplicaEntries`; past that, `full`.
   * Records break no invariant otherwise, since the codec already validated them.
   */
  apply(record: KvRecord, origin: Exclude<KvOrigin, 'local'>): KvApplyResult {
    const current = this.records.get(record.key);
    if (current !== undefined && compareStamps(record.stamp, current.stamp) <= 0) return 'stale';
    if (current === undefined && this.records.size >= this.limits.maxReplicaEntries) return 'full';
    this.clock.observe(record.stamp);
    this.store(record, origin);
    return 'applied';
  }

  /** Applies every record of a remote replica; returns those that changed ours and how many were refused as `full`. */
  merge(records: readonly KvRecord[], origin: Exclude<KvOrigin, 'local'>): { applied: KvRecord[]; full: number } {
    const applied: KvRecord[] = [];
    let full = 0;
    for (const r of records) {
      const result = this.apply(r, origin);
      if (result === 'applied') applied.push(r);
      else if (result === 'full') full++;
    }
    return { applied, full };
  }

  /**
   * Forgets tombstones older than the TTL (by their write time). A replica that was away longer than the TTL
   * could bring a deleted key back: the usual price of bounded tombstones.
   */
  pruneTombstones(): number {
    const cutoff = this.now() - this.tombstoneTtlMs;
    let pruned = 0;
    for (const [key, r] of this.records) {
      if (r.value === null && r.stamp.wall < cutoff) {
        this.records.delete(key);
        pruned++;
      }
    }
    return pruned;
  }

  /** A short fingerprint of the live contents: equal on two replicas exactly when they hold the same values. */
  digest(): string {
    const hash = createHash('sha256');
    for (const r of this.entries()) hash.update(JSON.stringify([r.key, r.value, r.stamp.wall, r.stamp.logical, r.stamp.node]));
    return hash.digest('hex').slice(0, 12);
  }

  /** Calls `listener` after every change; returns a function that removes it. */
  onChange(listener: (change: KvChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private checkKey(key: string): void {
    if (key.length === 0) throw new DemoError('ERR_KV_INVALID', 'key must not be empty');
    if (utf8.encode(key).length > this.limits.maxKeyBytes) {
      throw new DemoError('ERR_KV_INVALID', `key longer than ${this.limits.maxKeyBytes} bytes`);
    }
  }

  private store(record: KvRecord, origin: KvOrigin): void {
    this.records.set(record.key, record);
    for (const listener of [...this.listeners]) listener({ record, origin });
  }
}
