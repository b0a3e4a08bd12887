import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDemoError } from '../errors.js';
import type { KvRecord } from './store.js';
import { KvStore } from './store.js';

const rec = (key: string, value: string | null, wall: number, node = 'x', logical = 0): KvRecord => ({
  key,
  value,
  stamp: { wall, logical, node },
});

describe('KvStore (last-writer-wins replica)', () => {
  it('given a local set, then get returns it stamped with our node name, and listeners see origin local', () => {
    const store = new KvStore({ node: 'n1', now: () => 100 });
    const seen: string[] = [];
    store.onChange((c) => seen.push(`${c.origin}:${c.record.key}=${c.record.value}`));
    store.set('k', 'v');
    expect(store.get('k')).toMatchObject({ value: 'v', stamp: { wall: 100, node: 'n1' } });
    expect(seen).toEqual(['local:k=v']);
  });

  it('given a newer remote write, when applied, then it wins; given an older one, then it is ignored', () => {
    const store = new KvStore({ node: 'n1', now: () => 100 });
    store.set('k', 'mine');
    expect(store.apply(rec('k', 'newer', 200), 'gossip')).toBe('applied');
    expect(store.get('k')?.value).toBe('newer');
    expect(store.apply(rec('k', 'older', 150), 'gossip')).toBe('stale');
    expect(store.get('k')?.value).toBe('newer');
  });

  it('given concurrent writes with equal time, then the higher node name wins on every replica', () => {
    const a = new KvStore({ node: 'a', now: () => 100 });
    const b = new KvStore({ node: 'b', now: () => 100 });
    const ra = a.set('color', 'blue');
    const rb = b.set('color', 'orange');
    a.apply(rb, 'gossip');
    b.apply(ra, 'gossip');
    expect(a.get('color')?.value).toBe('orange');
    expect(b.get('color')?.value).toBe('orange');
  });

  it('given a delete, then the key reads as absent but a tombstone blocks an older set from resurrecting it', () => {
    const store = new KvStore({ node: 'n1', now: () => 500 });
    store.apply(rec('k', 'v', 100), 'gossip');
    expect(store.delete('k')?.value).toBeNull();
    expect(store.get('k')).toBeUndefined();
    expect(store.tombstones).toBe(1);
    expect(store.apply(rec('k', 'stale', 400), 'push-pull')).toBe('stale');
    expect(store.get('k')).toBeUndefined();
    expect(store.apply(rec('k', 'fresh', 900), 'push-pull')).toBe('applied');
    expect(store.get('k')?.value).toBe('fresh');
  });

  it('given a delete of a missing key, then it returns undefined and writes nothing', () => {
    const store = new KvStore({ node: 'n1' });
    expect(store.delete('nope')).toBeUndefined();
    expect(store.allRecords()).toEqual([]);
  });

  it('given tombstones older than the TTL, when pruned, then only those are forgotten', () => {
    let now = 1000;
    const store = new KvStore({ node: 'n1', now: () => now, tombstoneTtlMs: 100 });
    store.set('old', 'x');
    store.delete('old');
    now = 1050;
    store.set('young', 'y');
    store.delete('young');
    now = 1120;
    expect(store.pruneTombstones()).toBe(1);
    expect(store.allRecords().map((r) => r.key)).toEqual(['young']);
  });

  it('given keys or values over the limits, then set throws ERR_KV_INVALID; given a full store, ERR_KV_FULL and nothing applied', () => {
    const store = new KvStore({ node: 'n1', limits: { maxKeyBytes: 4, maxValueBytes: 4, maxEntries: 1, maxReplicaEntries: 1 } });
    expect(() => store.set('', 'v')).toThrow(expect.objectContaining({ code: 'ERR_KV_INVALID' }) as Error);
    expect(() => store.set('toolong', 'v')).toThrow(expect.objectContaining({ code: 'ERR_KV_INVALID' }) as Error);
    expect(() => store.set('k', 'é'.repeat(3))).toThrow(expect.objectContaining({ code: 'ERR_KV_INVALID' }) as Error);
    store.set('k', 'v');
    try {
      store.set('k2', 'v');
      expect.unreachable();
    } catch (err) {
      expect(isDemoError(err, 'ERR_KV_FULL')).toBe(true);
    }
    expect(store.get('k2')).toBeUndefined();
    expect(store.apply(rec('k3', 'v', 5), 'gossip')).toBe('full');
    expect(store.set('k', 'w').value).toBe('w');
  });

  it('given a store at its soft limit, then local writes of new keys are refused but replicated records are still taken, up to the hard bound', () => {
    const store = new KvStore({ node: 'n1', now: () => 10, limits: { maxEntries: 2, maxReplicaEntries: 4 } });
    store.set('a', '1');
    store.set('b', '2');
    expect(() => store.set('c', '3')).toThrow(expect.objectContaining({ code: 'ERR_KV_FULL' }) as Error);
    expect(store.record('c')).toBeUndefined();
    // Peers wrote these before hearing that we were full: every replica must take them to converge.
    expect(store.apply(rec('x', 'from-peer', 5), 'gossip')).toBe('applied');
    expect(store.merge([rec('y', 'from-peer', 5), rec('z', 'from-peer', 5)], 'push-pull')).toMatchObject({ applied: [{ key: 'y' }], full: 1 });
    expect(store.size).toBe(4);
    // Updates and deletes of held keys never grow the replica, so they are still accepted.
    expect(store.set('a', 'updated').value).toBe('updated');
    expect(store.delete('b')?.value).toBeNull();
    expect(store.apply(rec('x', 'newer', 50), 'gossip')).toBe('applied');
  });

  it('given custom limits, then the hard bound follows maxEntries (1.5×) unless set, and may not be below it', () => {
    expect(new KvStore({ node: 'n', limits: { maxEntries: 100 } }).limits.maxReplicaEntries).toBe(150);
    expect(new KvStore({ node: 'n' }).limits).toMatchObject({ maxEntries: 10_000, maxReplicaEntries: 15_000 });
    expect(() => new KvStore({ node: 'n', limits: { maxEntries: 10, maxReplicaEntries: 5 } })).toThrow(expect.objectContaining({ code: 'ERR_KV_INVALID' }) as Error);
  });

  it('given any set of writes delivered in any order and with duplicates, then replicas converge to the same contents', () => {
    const write = fc.record({
      key: fc.constantFrom('a', 'b', 'c'),
      value: fc.option(fc.string({ maxLength: 5 }), { nil: null }),
      wall: fc.integer({ min: 0, max: 20 }),
      logical: fc.integer({ min: 0, max: 2 }),
      node: fc.constantFrom('n1', 'n2', 'n3'),
    });
    // A writer never issues one stamp twice, so (key, stamp) identifies a write.
    const writes = fc.uniqueArray(write, { maxLength: 30, selector: (w) => `${w.key}|${w.wall}|${w.logical}|${w.node}` });
    const scenario = writes.chain((ws) => {
      const records = ws.map((w) => rec(w.key, w.value, w.wall, w.node, w.logical));
      return fc.tuple(
        fc.constant(records),
        fc.shuffledSubarray(records, { minLength: records.length }),
        fc.shuffledSubarray([...records, ...records], { minLength: 2 * records.length }),
      );
    });
    fc.assert(
      fc.property(scenario, ([inOrder, shuffled, duplicated]) => {
        const r1 = new KvStore({ node: 'r1' });
        const r2 = new KvStore({ node: 'r2' });
        const r3 = new KvStore({ node: 'r3' });
        r1.merge(inOrder, 'push-pull');
        for (const r of shuffled) r2.apply(r, 'gossip');
        for (const r of duplicated) r3.apply(r, 'gossip');
        const contents = (s: KvStore): string => JSON.stringify(s.allRecords());
        expect(contents(r2)).toBe(contents(r1));
        expect(contents(r3)).toBe(contents(r1));
        expect(r3.digest()).toBe(r1.digest());
      }),
      { numRuns: 200 },
    );
  });
});
