import { MemoryMetrics, silentLogger } from 'gossip';
import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, encodeState } from './codec.js';
import { FULL_LOG_INTERVAL_MS, KeyBroadcast, KvReplicator } from './replicator.js';
import { DEFAULT_KV_LIMITS, KvStore } from './store.js';

function replica(node: string, now = () => 1000, numNodes = 5) {
  const store = new KvStore({ node, now });
  const metrics = new MemoryMetrics();
  const warnings: string[] = [];
  const logger = { ...silentLogger, warn: (_f: Record<string, unknown>, msg: string) => warnings.push(msg) };
  const replicator = new KvReplicator({ store, numNodes: () => numNodes, logger, metrics });
  return { store, replicator, metrics, warnings };
}

/** Drains everything queued, as packets with plenty of room would. */
function drain(r: KvReplicator): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < 100; i++) {
    const batch = r.getBroadcasts(2, 1400);
    if (batch.length === 0) break;
    out.push(...batch);
  }
  return out;
}

describe('KvReplicator (memberlist delegate)', () => {
  it('given a local write, then it is queued as a user broadcast and sent a bounded number of times', () => {
    const { store, replicator } = replica('a');
    store.set('k', 'v');
    const sent = drain(replicator);
    // retransmitMult 6 × ceil(log10(5 + 1)) = 6 transmissions.
    expect(sent).toHaveLength(6);
    expect(decodeRecord(sent[0]!, DEFAULT_KV_LIMITS)).toMatchObject({ key: 'k', value: 'v' });
  });

  it('given two writes of one key before any packet left, then the newer invalidates the queued older one', () => {
    const { store, replicator } = replica('a');
    store.set('k', 'first');
    store.set('other', 'x');
    store.set('k', 'second');
    expect(replicator.queue.numQueued()).toBe(2);
    const values = replicator.getBroadcasts(2, 1400).map((b) => decodeRecord(b, DEFAULT_KV_LIMITS).value);
    expect(values.sort()).toEqual(['second', 'x']);
  });

  it('given a broadcast that is news, when received, then it is applied and relayed further (epidemic)', () => {
    const a = replica('a');
    const b = replica('b');
    a.store.set('k', 'v');
    const [msg] = a.replicator.getBroadcasts(2, 1400);
    b.replicator.notifyMsg(msg!);
    expect(b.store.get('k')?.value).toBe('v');
    expect(b.replicator.queue.numQueued()).toBe(1);
    expect(b.metrics.counter(['gossip', 'kv', 'applied'], { via: 'gossip' })).toBe(1);
    // Hearing it again is not news: nothing more is queued after the relay drains.
    drain(b.replicator);
    b.replicator.notifyMsg(msg!);
    expect(b.replicator.queue.numQueued()).toBe(0);
  });

  it('given a broadcast of a value we already superseded, then we spread our newer value instead', () => {
    let now = 1000;
    const a = replica('a', () => now);
    const b = replica('b', () => now);
    a.store.set('k', 'old');
    const [stale] = a.replicator.getBroadcasts(2, 1400);
    now = 2000;
    b.store.set('k', 'new');
    drain(b.replicator);
    b.replicator.notifyMsg(stale!);
    const [answer] = b.replicator.getBroadcasts(2, 1400);
    expect(decodeRecord(answer!, DEFAULT_KV_LIMITS).value).toBe('new');
  });

  it('given push/pull state, when merged, then the newer side wins per key, tombstones included, and nothing is relayed', () => {
    let now = 1000;
    const a = replica('a', () => now);
    const b = replica('b', () => now);
    a.store.set('only-a', '1');
    a.store.set('both', 'a-old');
    now = 2000;
    b.store.set('both', 'b-new');
    b.store.set('deleted', 'x');
    b.store.delete('deleted');
    drain(a.replicator);
    a.replicator.mergeRemoteState(b.replicator.localState(false), false);
    b.replicator.mergeRemoteState(a.replicator.localState(true), true);
    expect(a.store.digest()).toBe(b.store.digest());
    expect(a.store.entries().map((r) => [r.key, r.value])).toEqual([['both', 'b-new'], ['only-a', '1']]);
    expect(a.store.record('deleted')?.value).toBeNull();
    expect(a.replicator.queue.numQueued()).toBe(0);
  });

  it('given malformed broadcasts or state, then they are dropped with a warning and a counter, and the replica is untouched', () => {
    const { store, replicator, metrics, warnings } = replica('a');
    store.set('k', 'v');
    const before = store.digest();
    replicator.notifyMsg(new Uint8Array([1, 0x7b]));
    replicator.mergeRemoteState(new Uint8Array([2, 0x5b, 0x5d]), false);
    replicator.mergeRemoteState(encodeRecord({ key: 'x', value: 'y', stamp: { wall: 1, logical: 0, node: 'z' } }), false);
    expect(store.digest()).toBe(before);
    expect(warnings).toHaveLength(3);
    expect(metrics.counter(['gossip', 'kv', 'dropped'], { via: 'broadcast' })).toBe(1);
    expect(metrics.counter(['gossip', 'kv', 'dropped'], { via: 'state' })).toBe(2);
    expect(() => replicator.mergeRemoteState(encodeState([]), false)).not.toThrow();
  });

  it('given a replica at its hard bound, then records of new keys are refused with a counter and rate-limited warnings, never silently', () => {
    let now = 0;
    const store = new KvStore({ node: 'a', now: () => 1000, limits: { maxEntries: 1, maxReplicaEntries: 1 } });
    const metrics = new MemoryMetrics();
    const warnings: Record<string, unknown>[] = [];
    const logger = { ...silentLogger, warn: (f: Record<string, unknown>) => warnings.push(f) };
    const replicator = new KvReplicator({ store, numNodes: () => 3, logger, metrics, now: () => now });
    store.set('held', 'v');
    const remote = (key: string) => ({ key, value: 'v', stamp: { wall: 5, logical: 0, node: 'b' } });
    for (let i = 0; i < 50; i++) replicator.notifyMsg(encodeRecord(remote(`new-${i}`)));
    replicator.mergeRemoteState(encodeState([remote('other')]), false);
    expect(store.allRecords().map((r) => r.key)).toEqual(['held']);
    expect(replicator.refusedFull).toBe(51);
    expect(metrics.counter(['gossip', 'kv', 'refused', 'full'], { via: 'gossip' })).toBe(50);
    expect(metrics.counter(['gossip', 'kv', 'refused', 'full'], { via: 'push-pull' })).toBe(1);
    expect(warnings).toHaveLength(1);
    now += FULL_LOG_INTERVAL_MS;
    replicator.notifyMsg(encodeRecord(remote('late')));
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatchObject({ code: 'ERR_KV_FULL', refused: 51, total: 52 });
  });

  it('given a KeyBroadcast, then it is named by its key and invalidates exactly broadcasts of the same key', () => {
    const rec = (key: string) => ({ key, value: 'v', stamp: { wall: 1, logical: 0, node: 'n' } });
    const b = new KeyBroadcast(rec('k'));
    expect(b.invalidates(new KeyBroadcast(rec('k')))).toBe(true);
    expect(b.invalidates(new KeyBroadcast(rec('j')))).toBe(false);
    expect(b.invalidates({ message: () => new Uint8Array(), invalidates: () => false, finished: () => {} })).toBe(false);
  });
});
