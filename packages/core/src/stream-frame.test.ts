import type { Stream } from '@gossip/transport';
import * as wire from '@gossip/wire';
import { StreamScan, encodePing, encodePushPull, encodeUserStream } from '@gossip/wire';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineContext } from './context.js';
import { StreamReader, readFrame, streamLimits } from './stream-frame.js';

vi.mock('@gossip/wire', async (importOriginal) => {
  const original = await importOriginal<typeof wire>();
  return { ...original, streamMessageLength: vi.fn(original.streamMessageLength) };
});

afterEach(() => {
  vi.mocked(wire.streamMessageLength).mockClear();
});

/** A stream that hands out `bytes` in chunks of `chunk` bytes, then EOF. */
function tricklingStream(bytes: Uint8Array, chunk: number): Stream {
  let offset = 0;
  return {
    remoteAddress: '10.0.0.9:7946',
    read: () => {
      if (offset >= bytes.length) return Promise.resolve(null);
      const part = bytes.slice(offset, offset + chunk);
      offset += chunk;
      return Promise.resolve(part);
    },
    write: () => Promise.resolve(),
    setDeadline: () => undefined,
    close: () => Promise.resolve(),
    destroy: () => undefined,
  };
}

const ctx = {
  config: { cipher: undefined, maxDecompressedBytes: 1 << 20, maxPushPullNodes: 1 << 20, maxStreamBytes: 1 << 20 },
  gossipVerify: { incoming: true, outgoing: true },
} as unknown as EngineContext;

describe('readFrame', () => {
  it('given a large push/pull trickling in small chunks, when read, then one StreamScan carries the progress across every measurement (linear, not quadratic)', async () => {
    const states = Array.from({ length: 300 }, (_, i) => ({
      name: `node-${i}`,
      addr: Uint8Array.of(10, 0, i >> 8, i & 255),
      port: 7946,
      meta: null,
      incarnation: 1,
      state: 0,
      vsn: Uint8Array.of(1, 5, 2, 0, 0, 0),
    }));
    const frame = encodePushPull({ join: false, states, userState: new Uint8Array(10) });
    const reader = new StreamReader(tricklingStream(frame, 64), 1 << 22);
    const msg = await readFrame(ctx, reader, new Uint8Array(0), streamLimits(ctx));
    expect(msg).toEqual(frame);
    const calls = vi.mocked(wire.streamMessageLength).mock.calls;
    expect(calls.length).toBeGreaterThan(10);
    const scans = new Set(calls.map((c) => c[2]));
    expect(scans.size).toBe(1);
    const [scan] = [...scans];
    expect(scan).toBeInstanceOf(StreamScan);
    expect((scan as StreamScan).nodesDone).toBe(300);
  });

  it('given two frames read one after the other, when read, then each frame gets its own StreamScan', async () => {
    const one = encodePushPull({ join: false, states: [], userState: new Uint8Array(3) });
    const two = encodePushPull({ join: true, states: [], userState: new Uint8Array(5) });
    const both = new Uint8Array(one.length + two.length);
    both.set(one);
    both.set(two, one.length);
    const reader = new StreamReader(tricklingStream(both, 4), 1 << 22);
    expect(await readFrame(ctx, reader, new Uint8Array(0), streamLimits(ctx))).toEqual(one);
    const firstScans = new Set(vi.mocked(wire.streamMessageLength).mock.calls.map((c) => c[2]));
    vi.mocked(wire.streamMessageLength).mockClear();
    expect(await readFrame(ctx, reader, new Uint8Array(0), streamLimits(ctx))).toEqual(two);
    const secondScans = new Set(vi.mocked(wire.streamMessageLength).mock.calls.map((c) => c[2]));
    expect(firstScans.size).toBe(1);
    expect(secondScans.size).toBe(1);
    expect([...firstScans][0]).not.toBe([...secondScans][0]);
  });
});

/** Byte equality without a deep comparison per element (slow on megabytes). */
function same(a: Uint8Array | null, b: Uint8Array): boolean {
  return a !== null && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

describe('readFrame of a large frame', () => {
  /** A 3 MiB user message frame (patterned, so a misplaced byte shows) followed by a ping in the same stream. */
  function userThenPing(): { user: Uint8Array; ping: Uint8Array; both: Uint8Array } {
    const payload = new Uint8Array(3 << 20);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + (i >>> 16)) & 0xff;
    const user = encodeUserStream(payload);
    const ping = encodePing({ seqNo: 7, node: 'a' });
    const both = new Uint8Array(user.length + ping.length);
    both.set(user);
    both.set(ping, user.length);
    return { user, ping, both };
  }
  const bigCtx = { ...ctx, config: { ...ctx.config, maxStreamBytes: 8 << 20 } } as unknown as EngineContext;

  it('given a 3 MiB user message in 64 KiB chunks and a ping after it, when read, then chunks past the header are collected and joined once, the message is exact and the ping is read next', async () => {
    const { user, ping, both } = userThenPing();
    let charged = 0;
    const reader = new StreamReader(tricklingStream(both, 64 * 1024), 16 << 20, { charge: (n) => ((charged += n), true) });
    const fill = vi.spyOn(reader, 'fill');
    const msg = await readFrame(bigCtx, reader, new Uint8Array(0), streamLimits(bigCtx));
    expect(same(msg, user)).toBe(true);
    // Only the first chunk (holding the header) went through the growing buffer.
    expect(fill).toHaveBeenCalledTimes(1);
    expect(await readFrame(bigCtx, reader, new Uint8Array(0), streamLimits(bigCtx))).toEqual(ping);
    expect(charged).toBe(both.length);
  });

  it('given a reader with a context, when a large frame is joined, then the copy runs in steps that can yield', async () => {
    const { user, both } = userThenPing();
    let t = 0;
    let yields = 0;
    // Each clock reading moves time on by 1 ms, so the 4 ms turn budget is spent after a few copy steps.
    let allRead = false;
    const clock = { now: () => (t += 1), setTimeout: (fn: () => void) => (allRead && yields++, setImmediate(fn), 0), clearTimeout: () => undefined };
    const paced = { ...bigCtx, clock, metrics: { incrCounter: () => undefined }, shuttingDown: false } as unknown as EngineContext;
    const inner = tricklingStream(both, 1 << 20);
    let served = 0;
    const stream: Stream = { ...inner, read: () => ((served += 1 << 20), (allRead = served >= both.length), inner.read()) };
    const reader = new StreamReader(stream, 16 << 20, undefined, paced);
    expect(same(await readFrame(paced, reader, new Uint8Array(0), streamLimits(paced)), user)).toBe(true);
    // Yields after the last chunk arrived are the join's: 3 MiB cut into steps, the budget spent after a few.
    expect(yields).toBeGreaterThanOrEqual(2);
  });

  it('given a stream that ends inside a large frame, when read, then ERR_MALFORMED', async () => {
    const { user } = userThenPing();
    const reader = new StreamReader(tricklingStream(user.subarray(0, user.length - 1), 64 * 1024), 16 << 20);
    await expect(readFrame(bigCtx, reader, new Uint8Array(0), streamLimits(bigCtx))).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
  });
});

describe('StreamReader', () => {
  /** A clock whose time moves only when told, and that runs 0 ms timers at once (one counted yield each). */
  function steppingClock(): { now: () => number; advance: (ms: number) => void; yields: () => number; ctx: EngineContext } {
    let t = 0;
    let yields = 0;
    const clock = {
      now: () => t,
      setTimeout: (fn: () => void) => {
        yields++;
        setImmediate(fn);
        return 0;
      },
      clearTimeout: () => undefined,
    };
    const paced = { ...ctx, clock, metrics: { incrCounter: () => undefined } } as unknown as EngineContext;
    return { now: () => t, advance: (ms) => (t += ms), yields: () => yields, ctx: paced };
  }

  it('given 40 chunks already queued and 1 ms of work per chunk, when read, then the reader gives up a turn about every 4 ms of it', async () => {
    const c = steppingClock();
    const reader = new StreamReader(tricklingStream(new Uint8Array(40 * 1024), 1024), 1 << 22, undefined, c.ctx);
    while (await reader.fill()) c.advance(1);
    expect(reader.buffered().length).toBe(40 * 1024);
    expect(c.yields()).toBeGreaterThanOrEqual(8);
    expect(c.yields()).toBeLessThanOrEqual(10);
  });

  it('given chunks that each arrive after a wait (the event loop turned meanwhile), when read, then the reader never yields on its own', async () => {
    const c = steppingClock();
    const inner = tricklingStream(new Uint8Array(40 * 1024), 1024);
    const waiting: Stream = { ...inner, read: () => (c.advance(5), inner.read()) };
    const reader = new StreamReader(waiting, 1 << 22, undefined, c.ctx);
    while (await reader.fill()) c.advance(1);
    expect(c.yields()).toBe(0);
  });
});
