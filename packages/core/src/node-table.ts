/**
 * The local member list (memberlist's `nodes` slice + `nodeMap`): a name index plus an array in randomised probe
 * order. New members are inserted at a random position so that failure detection time stays low on average; the
 * list is reaped and reshuffled each time the probe cycle wraps around (SWIM's round-robin probing).
 */
import type { Random } from '@gossip/transport';
import { type NodeRecord, bytesEqual, hashBytes, isDeadOrLeft } from './member.js';

/** The member list of one node. Every random choice uses the injected {@link Random}. */
export class NodeTable {
  private nodes: NodeRecord[] = [];
  private readonly byName = new Map<string, NodeRecord>();
  /** Entries by the hash of the alive they were last updated from (one per hash: a collision only misses). */
  private readonly byAliveHash = new Map<number, NodeRecord>();
  /** Next index the probe cycle will look at. */
  probeIndex = 0;

  constructor(private readonly random: Random) {}

  /** Number of entries, including self and not-yet-reaped dead and left members (memberlist's `numNodes`). */
  get size(): number {
    return this.nodes.length;
  }

  /** The entry for `name`, if known. */
  get(name: string): NodeRecord | undefined {
    return this.byName.get(name);
  }

  /** The entry at probe position `index`. */
  at(index: number): NodeRecord | undefined {
    return this.nodes[index];
  }

  /** Every entry, in probe order. Do not mutate the array. */
  all(): readonly NodeRecord[] {
    return this.nodes;
  }

  /**
   * Remembers `msg` (an encoded alive message, type byte included) as the alive `record` was just updated from,
   * for {@link NodeTable.holdingAlive}.
   */
  noteAlive(record: NodeRecord, msg: Uint8Array): void {
    this.forgetAlive(record);
    record.aliveMsg = msg;
    record.aliveHash = hashBytes(msg);
    this.byAliveHash.set(record.aliveHash, record);
  }

  /**
   * The entry whose last applied alive is byte for byte `msg`, if any. Incarnations only grow, so such a copy
   * (same name, address, port, meta and versions, an incarnation we hold already) changes nothing.
   */
  holdingAlive(msg: Uint8Array): NodeRecord | undefined {
    const record = this.byAliveHash.get(hashBytes(msg));
    return record?.aliveMsg !== undefined && bytesEqual(record.aliveMsg, msg) ? record : undefined;
  }

  private forgetAlive(record: NodeRecord): void {
    if (record.aliveMsg !== undefined && this.byAliveHash.get(record.aliveHash) === record) {
      this.byAliveHash.delete(record.aliveHash);
    }
  }

  /** Adds a new entry at a random position (memberlist swaps it with a random offset). */
  add(record: NodeRecord): void {
    const n = this.nodes.length;
    const offset = n === 0 ? 0 : this.random.int(n + 1);
    this.nodes.push(record);
    if (offset !== n) {
      const other = this.nodes[offset] as NodeRecord;
      this.nodes[offset] = record;
      this.nodes[n] = other;
    }
    this.byName.set(record.name, record);
  }

  /**
   * Removes dead and left members whose last state change is older than `gossipToTheDeadMs` (they can no longer
   * refute through gossip) and reshuffles the rest; called when the probe cycle wraps. Returns the removed names.
   * `keep` (our own name) is never removed: a node that left still needs its own entry.
   */
  reapAndShuffle(now: number, gossipToTheDeadMs: number, keep?: string): string[] {
    const removed: string[] = [];
    const kept: NodeRecord[] = [];
    for (const node of this.nodes) {
      if (isDeadOrLeft(node.state) && now - node.stateChangedAt > gossipToTheDeadMs && node.name !== keep) {
        this.byName.delete(node.name);
        this.forgetAlive(node);
        removed.push(node.name);
      } else {
        kept.push(node);
      }
    }
    for (let i = kept.length - 1; i > 0; i--) {
      const j = this.random.int(i + 1);
      const t = kept[i] as NodeRecord;
      kept[i] = kept[j] as NodeRecord;
      kept[j] = t;
    }
    this.nodes = kept;
    return removed;
  }

  /**
   * Up to `k` distinct random entries for which `exclude` is false. Like memberlist's `kRandomNodes` it makes at
   * most 3·n random draws, so it is O(k) on large lists and still exhaustive enough on small ones.
   */
  kRandom(k: number, exclude: (node: NodeRecord) => boolean): NodeRecord[] {
    const n = this.nodes.length;
    const picked: NodeRecord[] = [];
    if (n === 0 || k <= 0) return picked;
    for (let i = 0; i < 3 * n && picked.length < k; i++) {
      const node = this.nodes[this.random.int(n)] as NodeRecord;
      if (exclude(node) || picked.includes(node)) continue;
      picked.push(node);
    }
    return picked;
  }

  /** Forgets everything (after shutdown). */
  clear(): void {
    this.nodes = [];
    this.byName.clear();
    this.byAliveHash.clear();
    this.probeIndex = 0;
  }
}
