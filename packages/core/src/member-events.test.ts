import { on, once } from 'node:events';
import type { Transport } from '@gossip/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { type MemberEvent, MemberlistError, isMemberlistError } from './index.js';
import { TestCluster } from '../test/harness.js';

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

/** The error code a promise rejects with, or 'resolved'. */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (isMemberlistError(e) ? e.code : `other: ${String(e)}`),
  );

describe("Node's events helpers on a node", () => {
  it('given events.once(node, "join"), when a member joins, then it resolves with [event] (no cast: a node is a NodeJS.EventEmitter)', async () => {
    cluster = new TestCluster('events-once');
    const a = await cluster.add('a');
    const b = await cluster.add('b');
    const joined = once(a.node, 'join');
    await cluster.run(b.node.join([a.address]));
    const [event] = (await cluster.run(joined)) as [MemberEvent];
    expect(event).toMatchObject({ type: 'join', member: { name: 'b', state: 'alive' } });
    // events.once's own listeners (the event's and 'error') are gone again.
    expect(a.node.listenerCount('join')).toBe(0);
  });

  it('given events.on(node, "leave", { signal }), when members leave, then the loop sees each, and ends with AbortError on abort', async () => {
    cluster = new TestCluster('events-on', 'local');
    const [a, b, c] = await cluster.start(3);
    const controller = new AbortController();
    const seen: string[] = [];
    const loop = (async () => {
      for await (const [event] of on(a!.node, 'leave', { signal: controller.signal }) as AsyncIterable<[MemberEvent]>) {
        seen.push(`${event.member.name}:${event.member.state}`);
        if (seen.length === 2) controller.abort();
      }
    })().then(
      () => 'ended',
      (e: unknown) => (e as Error).name,
    );
    await cluster.run(b!.node.leave(5_000));
    await b!.node.shutdown();
    await cluster.run(c!.node.leave(5_000));
    await c!.node.shutdown();
    expect(await cluster.run(loop, 30_000)).toBe('AbortError');
    expect(seen.sort()).toEqual(['node-1:left', 'node-2:left']);
    expect(a!.node.listenerCount('leave')).toBe(0);
  });
});

describe('node.once(type, { signal }) — a promise of the next event', () => {
  it('given a member joining, then it resolves with that event', async () => {
    cluster = new TestCluster('once-promise');
    const a = await cluster.add('a');
    const b = await cluster.add('b');
    const next = a.node.once('join', { signal: new AbortController().signal });
    await cluster.run(b.node.join([a.address]));
    expect(await cluster.run(next)).toMatchObject({ type: 'join', member: { name: 'b' } });
  });

  it('given a signal that aborts first, then it rejects with ERR_ABORTED carrying the reason, and leaves no listener', async () => {
    cluster = new TestCluster('once-abort');
    const a = await cluster.add('a');
    const controller = new AbortController();
    const next = a.node.once('join', { signal: controller.signal });
    controller.abort(new Error('gave up'));
    const error = await next.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemberlistError);
    expect(error).toMatchObject({ code: 'ERR_ABORTED', cause: new Error('gave up') });
    expect(a.node.listenerCount('join')).toBe(0);
    await expect(a.node.once('join', { signal: controller.signal })).rejects.toMatchObject({ code: 'ERR_ABORTED' });
  });

  it('given the node shutting down first, then it rejects with ERR_SHUTDOWN; once shut down, at once', async () => {
    cluster = new TestCluster('once-shutdown');
    const a = await cluster.add('a');
    const next = outcome(a.node.once('leave'));
    await a.node.shutdown();
    expect(await next).toBe('ERR_SHUTDOWN');
    expect(await outcome(a.node.once('leave'))).toBe('ERR_SHUTDOWN');
  });
});

describe('the EventEmitter surface', () => {
  it('given once, prepend and off by the original function, then order, one-shot and removal follow EventEmitter', async () => {
    cluster = new TestCluster('emitter-surface', 'local');
    const a = await cluster.add('a');
    const calls: string[] = [];
    const oneShot = (): void => void calls.push('once');
    const removed = (): void => void calls.push('removed');
    a.node.on('join', () => calls.push('on'));
    a.node.once('join', oneShot);
    a.node.prependListener('join', () => calls.push('first'));
    a.node.prependOnceListener('update', removed);
    a.node.off('update', removed);
    expect(a.node.eventNames()).toEqual(['join']);
    expect(a.node.listenerCount('join')).toBe(3);
    expect(a.node.listeners('join')).toContain(oneShot);
    expect(a.node.rawListeners('join')).not.toContain(oneShot); // the one-shot wrapper runs instead

    for (const name of ['b', 'c']) {
      const t = await cluster.add(name);
      await cluster.run(t.node.join([a.address]));
    }
    expect(calls).toEqual(['first', 'on', 'once', 'first', 'on']);
    a.node.removeAllListeners('join');
    expect(a.node.listenerCount('join')).toBe(0);
    expect(a.node.setMaxListeners(50).getMaxListeners()).toBe(50);
  });

  it('given emit, then only listeners hear it: iterators and the member list are untouched', async () => {
    cluster = new TestCluster('emitter-emit');
    const a = await cluster.add('a');
    const heard: string[] = [];
    a.node.on('leave', (e) => heard.push(e.member.name));
    const iterator = a.node.events();
    const fake = { type: 'leave', member: a.node.localNode(), at: 0 } as const;
    expect(a.node.emit('leave', fake)).toBe(true);
    expect(a.node.emit('join', { ...fake, type: 'join' })).toBe(false);
    expect(heard).toEqual(['a']);
    expect(a.node.localNode().state).toBe('alive');
    await iterator.return?.();
    expect(iterator.dropped).toBe(0);
  });
});

describe('AbortSignal on leave and shutdown', () => {
  it('given a leave whose goodbye cannot go out, when its signal aborts, then ERR_ABORTED, the node has still left, and no timer is left after shutdown', async () => {
    cluster = new TestCluster('leave-abort');
    const { a } = await cluster.pairWithUnreachablePeer();
    const controller = new AbortController();
    const leaving = outcome(a.node.leave({ timeoutMs: 60_000, signal: controller.signal }));
    await cluster.advance(10);
    controller.abort();
    expect(await cluster.run(leaving, 1_000)).toBe('ERR_ABORTED');
    expect(a.node.localNode().state).toBe('left');
    await cluster.shutdown();
    await cluster.advance(0);
    expect(cluster.clock.pendingTimers()).toBe(0);
  });

  it('given an already aborted signal, then leave rejects at once and the node has not left; leave(timeoutMs, { signal }) takes it too', async () => {
    cluster = new TestCluster('leave-pre-aborted');
    const a = await cluster.add('a');
    const b = await cluster.add('b');
    await cluster.run(b.node.join([a.address]));
    const aborted = AbortSignal.abort(new Error('too late'));
    await expect(a.node.leave({ signal: aborted })).rejects.toMatchObject({ code: 'ERR_ABORTED', cause: new Error('too late') });
    await expect(a.node.leave(5_000, { signal: aborted })).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    expect(a.node.localNode().state).toBe('alive');
    expect(await cluster.run(outcome(a.node.leave({ timeoutMs: 5_000 })))).toBe('resolved');
  });

  it('given a transport that is slow to close, when shutdown is bounded by a signal, then it rejects ERR_ABORTED while the node is stopped all the same', async () => {
    cluster = new TestCluster('shutdown-abort');
    let finishClose = (): void => undefined;
    const slowClose = (t: Transport): Transport =>
      Object.assign(Object.create(t) as Transport, {
        shutdown: () => new Promise<void>((resolve) => (finishClose = () => void t.shutdown().then(resolve))),
      });
    const a = await cluster.add('a', {}, undefined, { wrap: slowClose });
    const controller = new AbortController();
    const stopping = outcome(a.node.shutdown({ signal: controller.signal }));
    controller.abort();
    expect(await stopping).toBe('ERR_ABORTED');
    await expect(a.node.join(['10.9.9.9:7946'])).rejects.toMatchObject({ code: 'ERR_SHUTDOWN' });
    const unbounded = a.node.shutdown();
    finishClose();
    await expect(unbounded).resolves.toBeUndefined();
  });
});
