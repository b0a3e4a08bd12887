/**
 * Issue #12 item 5, end to end: three real nodes (the production memberlist code, in virtual time on the
 * simulator's in-memory network) replicate a store driven past its capacity, with concurrent conflicting writes.
 * No write that was acknowledged may be lost, and every replica must end with the same contents.
 */
import { Simulation } from '@gossip/sim';
import { silentLogger } from 'gossip';
import { describe, expect, it } from 'vitest';
import { isDemoError } from '../errors.js';
import { compareStamps } from './hlc.js';
import { KvReplicator } from './replicator.js';
import { type KvRecord, KvStore } from './store.js';

/** Virtual time starts at 0; stamps look like real wall-clock times. */
const EPOCH = 1_800_000_000_000;
const WRITES = 10_500;

describe('key/value replication at capacity (3 nodes, in-memory network, virtual time)', () => {
  it('given 10,500 writes over 3 nodes plus concurrent conflicting writes, then every replica has the same digest and every acknowledged write is present or overwritten by a later one', async () => {
    const replicas = new Map<string, { store: KvStore; replicator: KvReplicator }>();
    const sim: Simulation = new Simulation({
      seed: 'kv-capacity',
      preset: 'local',
      node: (name) => {
        const store = new KvStore({ node: name, now: () => EPOCH + sim.now() });
        const replicator = new KvReplicator({ store, numNodes: () => sim.memberlist(name).numMembers(), logger: silentLogger });
        replicas.set(name, { store, replicator });
        return { delegate: replicator };
      },
    });
    try {
      const names = await sim.addNodes(3);
      await sim.joinAll();
      await sim.waitFor(() => sim.converged(), { maxMs: 30_000 });

      // Given: writes of new keys round-robin over the nodes until well past the 10,000-record capacity, and every
      // 50 writes the three nodes writing one of a few hot keys at the same virtual instant.
      const acked: KvRecord[] = [];
      const refused: string[] = [];
      const write = (node: string, key: string, value: string): void => {
        try {
          acked.push(replicas.get(node)!.store.set(key, value));
        } catch (err) {
          if (!isDemoError(err, 'ERR_KV_FULL')) throw err;
          refused.push(key);
        }
      };
      for (let i = 0; i < WRITES; i++) {
        write(names[i % 3]!, `key-${i}`, `value-${i}`);
        if (i % 50 === 0) for (const node of names) write(node, `hot-${(i / 50) % 5}`, `${node}@${i}`);
        if (i % 15 === 14) await sim.runFor(100);
      }

      // When: the cluster runs until every replica holds the same records (gossip, then push/pull repairs).
      const digests = (): string[] => names.map((n) => replicas.get(n)!.store.digest());
      // (Checked once per virtual second: a digest hashes the whole replica, too dear to run after every instant.)
      for (let s = 0; new Set(digests()).size > 1; s++) {
        if (s >= 120) throw new Error(`replicas still differ after 120 virtual seconds: ${digests().join(' ')}`);
        await sim.runFor(1000);
      }


      // Then: capacity was reached, locally refused writes left no trace, no replicated record was refused, and
      // every acknowledged write is on every replica, or was overwritten there by a later write of its key.
      expect(refused.length).toBeGreaterThan(0);
      expect(acked.length + refused.length).toBe(WRITES + 3 * Math.ceil(WRITES / 50));
      for (const { store, replicator } of replicas.values()) {
        expect(replicator.refusedFull).toBe(0);
        expect(store.allRecords()).toEqual(replicas.get(names[0]!)!.store.allRecords());
        for (const key of refused) expect(store.record(key)).toBeUndefined();
        const lost = acked.filter((w) => {
          const held = store.record(w.key);
          return held === undefined || (compareStamps(held.stamp, w.stamp) < 0) || (compareStamps(held.stamp, w.stamp) === 0 && held.value !== w.value);
        });
        expect(lost).toEqual([]);
      }
      expect(replicas.get(names[0]!)!.store.size).toBeGreaterThanOrEqual(10_000);
    } finally {
      await sim.shutdown();
    }
  }, 120_000);
});
