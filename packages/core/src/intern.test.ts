import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { decodeAlive, encodeAlive, encodePushNodeState } from '@gossip/wire';
import { aliveBroadcastFor, internAddr, internMember, internVsn, internedMemberCount, pushEntryFor } from './intern.js';

/** A full garbage collection (the flag can be turned on at run time; the function lives in a new context). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('interning', () => {
  it('given equal addresses from different messages, when interned, then one shared copy with its text is returned', () => {
    const a = internAddr(Uint8Array.of(10, 1, 2, 3));
    const b = internAddr(Uint8Array.of(10, 1, 2, 3));
    expect(a).toBe(b);
    expect(a.ip).toBe('10.1.2.3');
    expect(internAddr(Uint8Array.of(10, 1, 2, 4))).not.toBe(a);
  });

  it('given a 16-byte IPv4-mapped address, when interned, then it stays 16 bytes (byte-exact re-gossip) but reads as IPv4', () => {
    const mapped = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3);
    const v = internAddr(mapped);
    expect(v.addr.length).toBe(16);
    expect(v.ip).toBe('10.1.2.3');
    expect(v).not.toBe(internAddr(Uint8Array.of(10, 1, 2, 3)));
  });

  it('given address bytes of a bad length, when interned, then the text form is Go-style `?hex` instead of a throw', () => {
    expect(internAddr(Uint8Array.of(1, 2, 3)).ip).toBe('?010203');
  });

  it('given equal version vectors, when interned, then they share one copy that does not alias the input', () => {
    const input = Uint8Array.of(1, 5, 2, 0, 0, 0);
    const v = internVsn(input);
    expect(internVsn(Uint8Array.of(1, 5, 2, 0, 0, 0))).toBe(v);
    input[0] = 9;
    expect(v[0]).toBe(1);
  });

  it('given the same member news decoded by many nodes, when interned, then they share one info that pins no packet buffer', () => {
    const packet = Uint8Array.of(99, 10, 9, 8, 7, 99);
    const first = internMember('m-1', packet.subarray(1, 5), 7946, null, Uint8Array.of(1, 5, 2, 0, 0, 0));
    const again = internMember('m-1', Uint8Array.of(10, 9, 8, 7), 7946, new Uint8Array(0), Uint8Array.of(1, 5, 2, 0, 0, 0));
    expect(again).toBe(first);
    expect(first.addr.buffer).not.toBe(packet.buffer);
    expect(first.ip).toBe('10.9.8.7');
    expect(first.meta.length).toBe(0);
  });

  it('given a member whose metadata or address changed, when interned, then a new info replaces the shared one', () => {
    const vsn = Uint8Array.of(1, 5, 2, 0, 0, 0);
    const before = internMember('m-2', Uint8Array.of(10, 0, 0, 2), 7946, null, vsn);
    const meta = Uint8Array.of(1, 2, 3);
    const updated = internMember('m-2', Uint8Array.of(10, 0, 0, 2), 7946, meta, vsn);
    expect(updated).not.toBe(before);
    meta[0] = 9;
    expect(updated.meta).toEqual(Uint8Array.of(1, 2, 3));
    expect(internMember('m-2', Uint8Array.of(10, 0, 0, 2), 7946, Uint8Array.of(1, 2, 3), vsn)).toBe(updated);
    expect(internMember('m-2', Uint8Array.of(10, 0, 0, 3), 7946, Uint8Array.of(1, 2, 3), vsn)).not.toBe(updated);
    expect(internMember('m-2', Uint8Array.of(10, 0, 0, 3), 7947, Uint8Array.of(1, 2, 3), vsn).port).toBe(7947);
  });

  it('given an info and an incarnation, when its alive broadcast is asked for, then it is encoded once, shared, and decodes to the same alive', () => {
    const info = internMember('m-3', Uint8Array.of(10, 0, 0, 3), 7946, Uint8Array.of(7), Uint8Array.of(1, 5, 2, 0, 1, 0));
    const b = aliveBroadcastFor(info, 4);
    expect(aliveBroadcastFor(info, 4)).toBe(b);
    expect(b.name()).toBe('m-3');
    expect(b.message()[0]).toBe(4);
    expect(decodeAlive(b.message())).toEqual({
      incarnation: 4,
      node: 'm-3',
      addr: Uint8Array.of(10, 0, 0, 3),
      port: 7946,
      meta: Uint8Array.of(7),
      vsn: Uint8Array.of(1, 5, 2, 0, 1, 0),
    });
    const next = aliveBroadcastFor(info, 5);
    expect(next).not.toBe(b);
    expect(decodeAlive(next.message()).incarnation).toBe(5);
  });

  it('given many members, when their alives and push/pull entries are kept, then they are views into shared slabs with the encoders\' exact bytes', () => {
    const vsn = Uint8Array.of(1, 5, 2, 0, 0, 0);
    const infos = Array.from({ length: 50 }, (_, i) => internMember(`slab-${i}`, Uint8Array.of(10, 2, 0, i), 7946, null, vsn));
    const alives = infos.map((info) => aliveBroadcastFor(info, 3).message());
    const entries = infos.map((info) => pushEntryFor(info, 3, 0)!);
    // 100 small messages in a handful of buffers, not one buffer each.
    expect(new Set([...alives, ...entries].map((b) => b.buffer)).size).toBeLessThanOrEqual(4);
    infos.forEach((info, i) => {
      const fields = { node: info.name, addr: info.addr, port: 7946, meta: null, vsn };
      expect(alives[i]).toEqual(encodeAlive({ incarnation: 3, ...fields }));
      expect(entries[i]).toEqual(encodePushNodeState({ name: info.name, addr: info.addr, port: 7946, meta: null, incarnation: 3, state: 0, vsn }));
    });
  });

  it('given 1,000 members no node holds any more, when 2,000 new ones are interned after a collection, then the collected names are forgotten', async () => {
    const vsn = Uint8Array.of(1, 5, 2, 0, 0, 0);
    const addr = Uint8Array.of(10, 0, 0, 1);
    const start = internedMemberCount();
    for (let i = 0; i < 1000; i++) internMember(`gone-${i}`, addr, 7946, null, vsn);
    expect(internedMemberCount()).toBe(start + 1000);
    // Weak references stay strong until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    const kept = Array.from({ length: 2000 }, (_, i) => internMember(`kept-${i}`, addr, 7946, null, vsn));
    expect(internedMemberCount()).toBeLessThanOrEqual(start + kept.length);
    expect(internMember('kept-7', addr, 7946, null, vsn)).toBe(kept[7]);
  });
});

