import { createSeededRandom } from '@gossip/transport';
import { describe, expect, it } from 'vitest';
import { type MemberState, NodeRecord, hashBytes } from './member.js';
import { NodeTable } from './node-table.js';

const record = (name: string, state: MemberState = 'alive', stateChangedAt = 0): NodeRecord =>
  new NodeRecord(
    {
      name,
      addr: Uint8Array.of(10, 0, 0, 1),
      ip: '10.0.0.1',
      port: 7946,
      meta: new Uint8Array(),
      vsn: Uint8Array.of(1, 5, 2, 0, 0, 0),
    },
    1,
    state,
    stateChangedAt,
  );

describe('NodeTable', () => {
  it('given added records, when looked up, then they are found by name and all are listed once', () => {
    const t = new NodeTable(createSeededRandom(1));
    for (const n of ['a', 'b', 'c', 'd']) t.add(record(n));
    expect(t.size).toBe(4);
    expect(t.get('c')?.name).toBe('c');
    expect(t.all().map((r) => r.name).sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('given dead and left records older than the gossip-to-the-dead time, when reaped, then only those are removed', () => {
    const t = new NodeTable(createSeededRandom(2));
    t.add(record('alive'));
    t.add(record('old-dead', 'dead', 0));
    t.add(record('old-left', 'left', 0));
    t.add(record('fresh-dead', 'dead', 25_000));
    t.add(record('suspect', 'suspect', 0));
    const removed = t.reapAndShuffle(30_001, 30_000);
    expect(removed.sort()).toEqual(['old-dead', 'old-left']);
    expect(t.get('old-dead')).toBeUndefined();
    expect(t.all().map((r) => r.name).sort()).toEqual(['alive', 'fresh-dead', 'suspect']);
  });

  it('given our own entry left long ago, when reaped with our name to keep, then it stays while other left entries go', () => {
    const t = new NodeTable(createSeededRandom(3));
    t.add(record('self', 'left', 0));
    t.add(record('other', 'left', 0));
    expect(t.reapAndShuffle(30_001, 30_000, 'self')).toEqual(['other']);
    expect(t.get('self')?.state).toBe('left');
  });

  it('given a filter, when k random nodes are picked, then they are distinct and never excluded ones', () => {
    const t = new NodeTable(createSeededRandom(3));
    for (let i = 0; i < 20; i++) t.add(record(`n${i}`, i % 2 === 0 ? 'alive' : 'dead'));
    for (let round = 0; round < 50; round++) {
      const picked = t.kRandom(3, (n) => n.state !== 'alive');
      expect(new Set(picked).size).toBe(picked.length);
      expect(picked.length).toBe(3);
      for (const p of picked) expect(p.state).toBe('alive');
    }
    expect(t.kRandom(3, () => true)).toEqual([]);
  });

  it('given the same seed, when built twice, then the probe order is identical (determinism)', () => {
    const order = (): string[] => {
      const t = new NodeTable(createSeededRandom('same'));
      for (let i = 0; i < 30; i++) t.add(record(`n${i}`));
      t.reapAndShuffle(0, 1);
      return t.all().map((r) => r.name);
    };
    expect(order()).toEqual(order());
  });
});

describe('hashBytes', () => {
  it('given any bytes, then the hash is a 30-bit integer (kept unboxed by V8) and equal bytes hash equally', () => {
    const rnd = createSeededRandom(7);
    for (let n = 0; n < 2_000; n++) {
      const b = Uint8Array.from({ length: 1 + (n % 90) }, () => Math.floor(rnd.next() * 256));
      const h = hashBytes(b);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 30).toBe(true);
      expect(hashBytes(b.slice())).toBe(h);
    }
  });
});
