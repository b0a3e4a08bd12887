import { describe, expect, it } from 'vitest';
import { Observer, classifyLogLine } from './observer.js';

describe('classifyLogLine', () => {
  it("given core's log messages, when classified, then accusations, time-outs and refutations are recognised", () => {
    expect(classifyLogLine('suspect node has failed, no acks received')).toBe('accusation');
    expect(classifyLogLine('marking node as failed, suspect timeout reached')).toBe('timeout');
    expect(classifyLogLine('refuting a suspect message')).toBe('refutation');
    expect(classifyLogLine('refuting a dead message')).toBe('refutation');
    expect(classifyLogLine('failed ping (timeout reached)')).toBeUndefined();
  });
});

describe('Observer', () => {
  it('given join and leave events, when read back, then joins are counted and the latest leave is kept until a re-join', () => {
    const o = new Observer();
    o.recordJoin('a', 10);
    o.recordJoin('b', 20);
    o.recordLeave('b', 'dead', 30);
    expect(o.joinCount()).toEqual({ count: 2, at: 20 });
    expect(o.leaveOf('b')).toEqual({ at: 30, state: 'dead' });
    o.recordJoin('b', 40);
    expect(o.leaveOf('b')).toBeUndefined();
  });

  it('given log lines through its logger, when a window is read, then only what falls in [from, to) is counted', () => {
    const o = new Observer();
    o.recordLog('suspect node has failed, no acks received', { peer: 'x' }, 100);
    o.recordLog('suspect node has failed, no acks received', { peer: 'y' }, 200);
    o.recordLog('refuting a suspect message', { accuser: 'z' }, 150);
    o.recordLeave('x', 'dead', 180);
    const w = o.since(100, 200);
    expect(w.accusations).toEqual([{ at: 100, target: 'x' }]);
    expect(w.refutations).toBe(1);
    expect(w.deaths).toEqual([{ at: 180, target: 'x' }]);
  });
});
