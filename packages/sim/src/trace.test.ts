import { describe, expect, it } from 'vitest';
import type { TraceEvent } from './trace.js';
import { TraceRecorder } from './trace.js';

const ev = (at: number, observer: string, type: TraceEvent['type'], member: string, state: TraceEvent['state'] = 'alive'): TraceEvent => ({
  at,
  observer,
  type,
  member,
  state,
  incarnation: 1,
});

describe('TraceRecorder', () => {
  it('given recorded events, when queried, then filters, first/last and per-observer first times match', () => {
    const t = new TraceRecorder();
    t.record(ev(1, 'a', 'join', 'b'));
    t.record(ev(5, 'a', 'suspect', 'c', 'suspect'));
    t.record(ev(7, 'b', 'suspect', 'c', 'suspect'));
    t.record(ev(9, 'a', 'leave', 'c', 'dead'));
    expect(t.size).toBe(4);
    expect(t.filter({ member: 'c' }).map((e) => e.at)).toEqual([5, 7, 9]);
    expect(t.firstTime({ type: 'suspect' })).toBe(5);
    expect(t.last({ observer: 'a' })?.type).toBe('leave');
    expect(t.firstTime({ type: 'suspect', since: 6 })).toBe(7);
    expect(t.first({ where: (e) => e.state === 'dead' })?.at).toBe(9);
    expect([...t.firstTimeByObserver({ type: 'suspect' })]).toEqual([
      ['a', 5],
      ['b', 7],
    ]);
  });

  it('given events, then serialisation is JSON Lines with a fixed key order and the digest follows it', () => {
    const t = new TraceRecorder();
    t.record(ev(1.5, 'a', 'join', 'b'));
    expect(t.serialize()).toBe('{"at":1.5,"observer":"a","type":"join","member":"b","state":"alive","incarnation":1}\n');
    const u = new TraceRecorder();
    u.record(ev(1.5, 'a', 'join', 'b'));
    expect(u.digest()).toBe(t.digest());
    u.record(ev(2, 'a', 'join', 'c'));
    expect(u.digest()).not.toBe(t.digest());
  });

  it('given a recording filter, then only accepted events are kept; false keeps none', () => {
    const t = new TraceRecorder();
    t.setRecording((e) => e.member === 'x');
    t.record(ev(1, 'a', 'join', 'x'));
    t.record(ev(2, 'a', 'join', 'y'));
    t.setRecording(false);
    t.record(ev(3, 'a', 'join', 'x'));
    expect(t.events().map((e) => e.at)).toEqual([1]);
    t.clear();
    expect(t.size).toBe(0);
  });
});
