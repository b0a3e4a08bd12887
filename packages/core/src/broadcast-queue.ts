/**
 * The transmit-limited broadcast queue: what gets piggybacked on pings and acks and sent in gossip rounds. Each
 * broadcast is sent a bounded number of times (`RetransmitMult × ceil(log10(n + 1))`, enough for an epidemic to
 * reach every node with high probability) and fresher, larger messages go first. A newer broadcast about the same
 * thing replaces the queued one. See PROTOCOL.md §9.2 and memberlist's queue.go; applications queue their own
 * broadcasts (delegate `getBroadcasts`) with the same class.
 */

/** Something to disseminate by gossip. */
export interface Broadcast {
  /** The encoded message. Must return the same bytes (at least the same length) for as long as it is queued. */
  message(): Uint8Array;
  /**
   * Whether queueing this broadcast makes the already-queued `other` obsolete (it is then dropped and its
   * {@link Broadcast.finished} called). Only consulted between plain broadcasts: named broadcasts are
   * invalidated by name, unique ones never.
   */
  invalidates(other: Broadcast): boolean;
  /** Called once when the broadcast leaves the queue: sent its full count, invalidated, pruned or reset. */
  finished(): void;
}

/**
 * A broadcast with an identity: queueing one replaces any queued broadcast with the same name in O(1) (e.g. the
 * latest alive/suspect/dead about a node replaces older news about it). Its `invalidates` should agree: true
 * exactly for a named broadcast of the same name.
 */
export interface NamedBroadcast extends Broadcast {
  /** The identity; one queued broadcast per name. */
  name(): string;
}

/**
 * A broadcast that is intrinsically unique: queueing it never scans for duplicates and it is never invalidated
 * by plain broadcasts. Its `invalidates` should return false.
 */
export interface UniqueBroadcast extends Broadcast {
  /** Marker. */
  readonly unique: true;
}

/** Whether `b` is a {@link NamedBroadcast}. */
export function isNamedBroadcast(b: Broadcast): b is NamedBroadcast {
  return typeof (b as Partial<NamedBroadcast>).name === 'function';
}

/** Whether `b` is a {@link UniqueBroadcast} (and not named: a name takes precedence, as in memberlist). */
export function isUniqueBroadcast(b: Broadcast): b is UniqueBroadcast {
  return (b as Partial<UniqueBroadcast>).unique === true && !isNamedBroadcast(b);
}

/**
 * How many times a broadcast is sent in a cluster of `n` nodes: `mult × ceil(log10(n + 1))`
 * (LAN mult 4: n = 1…9 → 4, 10…99 → 8, 100…999 → 12).
 */
export function retransmitLimit(retransmitMult: number, n: number): number {
  return retransmitMult * Math.ceil(Math.log10(n + 1));
}

/** Options for {@link TransmitLimitedQueue}. */
export interface TransmitLimitedQueueOptions {
  /** The current cluster size, read on every {@link TransmitLimitedQueue.getBroadcasts} call. */
  readonly numNodes: () => number;
  /** `RetransmitMult` (LAN 4, local 2). */
  readonly retransmitMult: number;
}

/** One queued broadcast and its ordering key (transmits ascending, length descending, id descending). */
interface Entry {
  transmits: number;
  readonly len: number;
  readonly id: number;
  readonly b: Broadcast;
  readonly name: string | undefined;
}

function compare(a: Entry, b: Entry): number {
  return a.transmits - b.transmits || b.len - a.len || b.id - a.id;
}

/**
 * A queue of broadcasts, each sent at most {@link retransmitLimit} times. Selection order when filling a packet
 * is memberlist's: fewest transmissions first, then the largest message, then the newest; a message that does not
 * fit in the remaining space is skipped in favour of a smaller one. Every operation is O(log n) apart from
 * queueing a plain (neither named nor unique) broadcast, which asks each queued plain broadcast whether it is
 * invalidated — prefer named or unique broadcasts when queueing many.
 */
export class TransmitLimitedQueue {
  /** The current cluster size; determines the retransmit limit. */
  numNodes: () => number;
  /** `RetransmitMult`; may be changed at any time. */
  retransmitMult: number;
  /**
   * Called after every {@link TransmitLimitedQueue.queueBroadcast}; the engine uses it to wake its gossip timer,
   * which sleeps while there is nothing to send.
   */
  onQueued: (() => void) | undefined;
  private readonly ordered = new OrderedEntries();
  private readonly byName = new Map<string, Entry>();
  private readonly plain = new Set<Entry>();
  /**
   * Submission counter for "newest first". Unlike memberlist it is not restarted when the queue empties: a restart
   * can hand out an id still held by an entry (reinserted after a send, or replaced by name), and two entries
   * with one key would tie (Go's btree even drops one of them).
   */
  private idGen = 0;

  constructor(options: TransmitLimitedQueueOptions) {
    this.numNodes = options.numNodes;
    this.retransmitMult = options.retransmitMult;
  }

  /** Queues `b` as never sent, dropping the broadcasts it invalidates (their `finished` is called). */
  queueBroadcast(b: Broadcast): void {
    this.idGen = this.idGen >= Number.MAX_SAFE_INTEGER ? 1 : this.idGen + 1;
    const name = isNamedBroadcast(b) ? b.name() : undefined;
    const entry: Entry = { transmits: 0, len: b.message().length, id: this.idGen, b, name };
    if (name !== undefined) {
      const old = this.byName.get(name);
      if (old) {
        this.remove(old);
        old.b.finished();
      }
    } else if (!isUniqueBroadcast(b)) {
      for (const cur of [...this.plain]) {
        if (b.invalidates(cur.b)) {
          this.remove(cur);
          cur.b.finished();
        }
      }
    }
    this.ordered.insert(entry);
    if (name !== undefined) this.byName.set(name, entry);
    else if (!isUniqueBroadcast(b)) this.plain.add(entry);
    this.onQueued?.();
  }

  /**
   * Takes broadcasts to send, up to `limit` bytes where each costs its length plus `overhead` (e.g. 2 for a
   * compound message's length slot). Each returned broadcast's transmit count goes up by one; one that reaches
   * the retransmit limit leaves the queue and its `finished` is called.
   */
  getBroadcasts(overhead: number, limit: number): Uint8Array[] {
    if (this.ordered.size === 0) return [];
    const transmitLimit = retransmitLimit(this.retransmitMult, this.numNodes());
    const out: Uint8Array[] = [];
    // Sent entries move to the next tier only after the walk, or the walk would meet them again.
    const reinsert: Entry[] = [];
    let bytesUsed = 0;
    let tier = this.ordered.first()?.transmits ?? 0;
    for (;;) {
      const free = limit - bytesUsed - overhead;
      if (free <= 0) break;
      // The first entry at or after (tier, len = free, newest) is the largest, newest one that fits in the tier.
      const next = this.ordered.lowerBound(tier, free);
      if (!next) break;
      if (next.transmits !== tier) {
        // Nothing in this tier fits: go straight to the tier of the best candidate (empty tiers are skipped).
        tier = next.transmits;
        continue;
      }
      const msg = next.b.message();
      bytesUsed += overhead + msg.length;
      out.push(msg);
      // Only its place in the order changes (it stays queued under its name): no map update for a re-queued one.
      this.ordered.delete(next);
      if (next.transmits + 1 >= transmitLimit) {
        this.unindex(next);
        next.b.finished();
      } else {
        next.transmits += 1;
        reinsert.push(next);
      }
    }
    for (const e of reinsert) this.ordered.insert(e);
    return out;
  }

  /** The number of queued broadcasts. */
  numQueued(): number {
    return this.ordered.size;
  }

  /** Drops every queued broadcast, calling each one's `finished`. */
  reset(): void {
    const all = this.ordered.toArray();
    this.ordered.clear();
    this.byName.clear();
    this.plain.clear();
    for (const e of all) e.b.finished();
  }

  /**
   * Keeps at most `maxRetain` broadcasts, dropping the most-sent (then smallest, then oldest) first and calling
   * their `finished`; bounds the queue when the cluster churns faster than gossip drains it.
   */
  prune(maxRetain: number): void {
    while (this.ordered.size > Math.max(0, maxRetain)) {
      const last = this.ordered.last();
      if (!last) break;
      this.remove(last);
      last.b.finished();
    }
  }

  private remove(e: Entry): void {
    this.ordered.delete(e);
    this.unindex(e);
  }

  /** Forgets `e` by name (or as a plain broadcast); its place in the order is the caller's business. */
  private unindex(e: Entry): void {
    if (e.name !== undefined) this.byName.delete(e.name);
    else this.plain.delete(e);
  }
}

// Small chunks: a gossip round moves every entry it sends to the next tier (a delete and an insert), and with
// ~1,000 queued alives in a join storm a splice in 256-entry chunks made the queue a quarter of the process's CPU;
// 32 cut the queue's time about fivefold (measured with 1,024 names at ~50 B) at the price of more chunks to search.
const CHUNK = 32;

/**
 * Entries kept sorted by {@link compare} in a list of bounded chunks (a flat two-level B-tree): inserts, deletes
 * and lower-bound searches cost O(log n + CHUNK) with contiguous memory, which beats a pointer-based tree for the
 * queue sizes gossip sees (up to tens of thousands).
 */
/**
 * `chunk.splice(i, 0, e)` without splice's result array: every gossip send deletes and reinserts its entries, and
 * those throw-away arrays were 8% of all bytes a 1,024-node join storm allocated.
 */
function insertAt(chunk: Entry[], i: number, e: Entry): void {
  chunk.push(e);
  for (let k = chunk.length - 1; k > i; k--) chunk[k] = chunk[k - 1]!;
  chunk[i] = e;
}

/** `chunk.splice(i, 1)` without its result array (see {@link insertAt}). */
function removeAt(chunk: Entry[], i: number): void {
  const last = chunk.length - 1;
  for (let k = i; k < last; k++) chunk[k] = chunk[k + 1]!;
  chunk.pop();
}

class OrderedEntries {
  private chunks: Entry[][] = [];
  size = 0;

  first(): Entry | undefined {
    return this.chunks[0]?.[0];
  }

  last(): Entry | undefined {
    const c = this.chunks[this.chunks.length - 1];
    return c?.[c.length - 1];
  }

  insert(e: Entry): void {
    this.size += 1;
    if (this.chunks.length === 0) {
      this.chunks.push([e]);
      return;
    }
    // The first chunk whose last entry sorts after e, else the last chunk.
    let ci = this.chunkFor(e);
    if (ci === this.chunks.length) ci -= 1;
    const chunk = this.chunks[ci]!;
    insertAt(chunk, searchEntry(chunk, e), e);
    if (chunk.length > 2 * CHUNK) this.chunks.splice(ci + 1, 0, chunk.splice(CHUNK));
  }

  delete(e: Entry): boolean {
    const ci = this.chunkFor(e);
    const chunk = this.chunks[ci];
    if (!chunk) return false;
    const i = searchEntry(chunk, e);
    if (chunk[i] !== e) return false;
    removeAt(chunk, i);
    this.size -= 1;
    if (chunk.length === 0) this.chunks.splice(ci, 1);
    return true;
  }

  /** The first entry with transmits > tier, or transmits == tier and len ≤ maxLen (largest and newest first). */
  lowerBound(tier: number, maxLen: number): Entry | undefined {
    const before = (x: Entry): boolean => x.transmits < tier || (x.transmits === tier && x.len > maxLen);
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.chunks[mid]!;
      if (before(c[c.length - 1]!)) lo = mid + 1;
      else hi = mid;
    }
    const chunk = this.chunks[lo];
    if (!chunk) return undefined;
    let a = 0;
    let b = chunk.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (before(chunk[mid]!)) a = mid + 1;
      else b = mid;
    }
    return chunk[a];
  }

  toArray(): Entry[] {
    return this.chunks.flat();
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
  }

  /** Index of the first chunk whose last entry does not sort before e. */
  private chunkFor(e: Entry): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.chunks[mid]!;
      if (compare(c[c.length - 1]!, e) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Index of the first entry in `chunk` that does not sort before `e`. */
function searchEntry(chunk: Entry[], e: Entry): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(chunk[mid]!, e) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
