import { describe, expect, it } from 'vitest';
import { EventHub, type MemberEvent } from './events.js';
import type { Member } from './member.js';

const member = (name: string): Member =>
  ({ name, addr: '10.0.0.1', port: 1, address: '10.0.0.1:1', meta: new Uint8Array(), state: 'alive', incarnation: 1, pmin: 1, pmax: 5, pcur: 2, dmin: 0, dmax: 0, dcur: 0, stateChangedAt: 0 });
const ev = (name: string, type: MemberEvent['type'] = 'join'): MemberEvent => ({ type, member: member(name), at: 0 });

describe('EventHub', () => {
  it('given listeners for two types, when events are emitted, then each listener sees only its type', () => {
    const hub = new EventHub(8, () => undefined, () => undefined);
    const joins: string[] = [];
    const leaves: string[] = [];
    hub.on('join', (e) => joins.push(e.member.name));
    const onLeave = (e: MemberEvent): void => void leaves.push(e.member.name);
    hub.on('leave', onLeave);
    hub.emit(ev('a'));
    hub.emit(ev('b', 'leave'));
    hub.off('leave', onLeave);
    hub.emit(ev('c', 'leave'));
    expect(joins).toEqual(['a']);
    expect(leaves).toEqual(['b']);
  });

  it('given a throwing listener, when an event is emitted, then other listeners still run and the error is reported', () => {
    const errors: unknown[] = [];
    const hub = new EventHub(8, (e) => errors.push(e), () => undefined);
    const seen: string[] = [];
    hub.on('join', () => {
      throw new Error('boom');
    });
    hub.on('join', (e) => seen.push(e.member.name));
    hub.emit(ev('a'));
    expect(seen).toEqual(['a']);
    expect(errors).toHaveLength(1);
  });

  it('given an iterator, when events arrive before and while it waits, then it yields them in order', async () => {
    const hub = new EventHub(8, () => undefined, () => undefined);
    const it = hub.iterate();
    hub.emit(ev('a'));
    const first = await it.next();
    const pending = it.next();
    hub.emit(ev('b'));
    expect([first.value?.member.name, (await pending).value?.member.name]).toEqual(['a', 'b']);
  });

  it('given a slow consumer, when more events arrive than the buffer holds, then the oldest are dropped and counted', async () => {
    let drops = 0;
    const hub = new EventHub(2, () => undefined, () => drops++);
    const it = hub.iterate();
    for (const n of ['a', 'b', 'c', 'd']) hub.emit(ev(n));
    expect(it.dropped).toBe(2);
    expect(drops).toBe(2);
    expect((await it.next()).value?.member.name).toBe('c');
  });

  it('given a bufferSize that is not a positive number, when events pile up, then the node default bounds the buffer', () => {
    const hub = new EventHub(2, () => undefined, () => undefined);
    const its = [hub.iterate({ bufferSize: Number.NaN }), hub.iterate({ bufferSize: Number.POSITIVE_INFINITY }), hub.iterate({ bufferSize: -5 })];
    for (const n of ['a', 'b', 'c', 'd', 'e']) hub.emit(ev(n));
    expect(its.map((i) => i.dropped)).toEqual([3, 3, 4]);
  });

  it('given an iterator with a signal, when the signal aborts, then a pending next resolves done', async () => {
    const hub = new EventHub(8, () => undefined, () => undefined);
    const controller = new AbortController();
    const it = hub.iterate({ signal: controller.signal });
    const pending = it.next();
    controller.abort();
    expect((await pending).done).toBe(true);
    hub.emit(ev('late'));
    expect((await it.next()).done).toBe(true);
  });

  it('given a for-await loop, when the hub closes, then the loop ends', async () => {
    const hub = new EventHub(8, () => undefined, () => undefined);
    const names: string[] = [];
    const loop = (async () => {
      for await (const e of hub.iterate()) names.push(e.member.name);
    })();
    hub.emit(ev('a'));
    await Promise.resolve();
    hub.close();
    await loop;
    expect(names).toEqual(['a']);
  });
});
