/**
 * Replication of a {@link KvStore} over gossip, as in memberlist's classic key/value example: each write is a
 * user broadcast piggybacked on the protocol's packets through a {@link TransmitLimitedQueue} (a newer write of a
 * key replaces the queued older one), and the whole replica travels in every push/pull so that a node that
 * missed broadcasts (it was down, or packets were lost) catches up. A node that learns a newer value re-queues
 * it, so writes spread as an epidemic rather than depending on the writer's own few transmissions.
 */
import {
  type Broadcast,
  type Delegate,
  type Logger,
  type MetricsSink,
  type NamedBroadcast,
  TransmitLimitedQueue,
  isNamedBroadcast,
} from 'gossip';
import { isDemoError } from '../errors.js';
import { compareStamps } from './hlc.js';
import { decodeRecord, decodeState, encodeRecord, encodeState } from './codec.js';
import type { KvRecord, KvStore } from './store.js';

/**
 * Default retransmit multiplier of key/value writes. Each node that learns a write sends it this many times
 * (× ceil(log10(n + 1))), each time to one random peer; with memberlist's Local preset value (2) a 5-node cluster
 * left one replica without the write (until the next push/pull) in about 1 run out of 4, with 6 in about 1 of
 * 1000 (the chance a node is missed is about ((n − 2)/(n − 1))^(6·(n − 1))).
 */
export const KV_RETRANSMIT_MULT = 6;

/** At most one log line per this interval about records refused by a full replica. */
export const FULL_LOG_INTERVAL_MS = 10_000;

/** A queued write: named by its key, so a newer write of the same key invalidates it. */
export class KeyBroadcast implements NamedBroadcast {
  private readonly bytes: Uint8Array;

  constructor(readonly record: KvRecord) {
    this.bytes = encodeRecord(record);
  }

  /** The queue identity: one pending broadcast per key. */
  name(): string {
    return `kv:${this.record.key}`;
  }

  /** The encoded record. */
  message(): Uint8Array {
    return this.bytes;
  }

  /** True exactly for a queued broadcast of the same key. */
  invalidates(other: Broadcast): boolean {
    return isNamedBroadcast(other) && other.name() === this.name();
  }

  /** Nothing to release. */
  finished(): void {}
}

/** Options of {@link KvReplicator}. */
export interface KvReplicatorOptions {
  /** The local replica. */
  readonly store: KvStore;
  /** Current cluster size (alive and suspect members), for the retransmit limit. */
  readonly numNodes: () => number;
  /**
   * Transmissions per node are `retransmitMult × ceil(log10(n + 1))`. Default {@link KV_RETRANSMIT_MULT}: higher
   * than memberlist's membership default, because a write that misses a node waits for the next push/pull.
   */
  readonly retransmitMult?: number;
  /** Where refused input is reported. */
  readonly logger: Logger;
  /** Counters `gossip_kv_*`. */
  readonly metrics?: MetricsSink;
  /** Clock (ms) for rate-limiting log lines; default `Date.now`. */
  readonly now?: () => number;
}

/** The memberlist {@link Delegate} that replicates a store. Pass it as the node's `delegate`. */
export class KvReplicator implements Delegate {
  /** Writes waiting to be piggybacked. */
  readonly queue: TransmitLimitedQueue;
  private readonly store: KvStore;
  private readonly logger: Logger;
  private readonly metrics: MetricsSink | undefined;
  private readonly unsubscribe: () => void;
  private readonly now: () => number;
  private lastFullLog: number | undefined;
  private unloggedFull = 0;
  /** Replicated records of new keys refused since start because the replica was at `maxReplicaEntries`. */
  refusedFull = 0;

  constructor(options: KvReplicatorOptions) {
    this.store = options.store;
    this.logger = options.logger;
    this.metrics = options.metrics;
    this.now = options.now ?? Date.now;
    this.queue = new TransmitLimitedQueue({ numNodes: options.numNodes, retransmitMult: options.retransmitMult ?? KV_RETRANSMIT_MULT });
    this.unsubscribe = this.store.onChange(({ record, origin }) => {
      // Local writes and newly learned gossip spread further; push/pull already synchronised both sides.
      if (origin !== 'push-pull') this.queue.queueBroadcast(new KeyBroadcast(record));
    });
  }

  /** Stops queueing the store's changes. */
  close(): void {
    this.unsubscribe();
    this.queue.reset();
  }

  /** {@inheritDoc Delegate.getBroadcasts} */
  getBroadcasts(overhead: number, limit: number): Uint8Array[] {
    return this.queue.getBroadcasts(overhead, limit);
  }

  /** {@inheritDoc Delegate.notifyMsg} */
  notifyMsg(message: Uint8Array): void {
    try {
      const record = decodeRecord(message, this.store.limits);
      const result = this.store.apply(record, 'gossip');
      if (result === 'applied') {
        this.count('applied', 'gossip');
      } else if (result === 'full') {
        this.refuseFull('gossip', 1);
      } else {
        // The sender spreads a value we already superseded: spread ours, so the newer write wins sooner.
        const ours = this.store.record(record.key);
        if (ours !== undefined && compareStamps(ours.stamp, record.stamp) > 0) this.queue.queueBroadcast(new KeyBroadcast(ours));
      }
    } catch (err) {
      this.refuse(err, 'broadcast', message.length);
    }
  }

  /** {@inheritDoc Delegate.localState} */
  localState(_join: boolean): Uint8Array {
    return encodeState(this.store.allRecords());
  }

  /** {@inheritDoc Delegate.mergeRemoteState} */
  mergeRemoteState(state: Uint8Array, _join: boolean): void {
    try {
      const { applied, full } = this.store.merge(decodeState(state, this.store.limits), 'push-pull');
      if (applied.length > 0) this.count('applied', 'push-pull', applied.length);
      if (full > 0) this.refuseFull('push-pull', full);
    } catch (err) {
      this.refuse(err, 'state', state.length);
    }
  }

  private refuse(err: unknown, what: string, size: number): void {
    if (!isDemoError(err, 'ERR_KV_DECODE')) throw err;
    this.count('dropped', what);
    this.logger.warn({ code: err.code, err: err.message, size }, `dropped malformed key/value ${what}`);
  }

  /**
   * Records of new keys refused because the replica is at its hard bound: counted
   * (`gossip_kv_refused_full{via}`, {@link KvReplicator.refusedFull}), and logged at most once per
   * {@link FULL_LOG_INTERVAL_MS} with the count since the last line, so a flood of them cannot flood the log.
   */
  private refuseFull(via: string, n: number): void {
    this.refusedFull += n;
    this.unloggedFull += n;
    this.metrics?.incrCounter(['gossip', 'kv', 'refused', 'full'], n, { via });
    const now = this.now();
    if (this.lastFullLog !== undefined && now - this.lastFullLog < FULL_LOG_INTERVAL_MS) return;
    this.lastFullLog = now;
    this.logger.warn(
      { code: 'ERR_KV_FULL', refused: this.unloggedFull, total: this.refusedFull, maxReplicaEntries: this.store.limits.maxReplicaEntries },
      'key/value replica at its hard bound: refused records of new keys from peers (this replica now differs from theirs)',
    );
    this.unloggedFull = 0;
  }

  private count(what: 'applied' | 'dropped', via: string, n = 1): void {
    this.metrics?.incrCounter(['gossip', 'kv', what], n, { via });
  }
}
