import { VirtualClock } from '@gossip/transport';
import { describe, expect, it } from 'vitest';
import type { EngineContext } from './context.js';
import { Gossiper, POST_JOIN_MAX_FAILURES, POST_JOIN_LEARNING_ATTEMPTS, pushPullScale } from './gossiper.js';
import type { PacketLayer } from './packet-layer.js';
import type { StreamLayer } from './stream-layer.js';

describe('pushPullScale', () => {
  it.each([
    [1, 30_000],
    [32, 30_000],
    [33, 60_000],
    [64, 60_000],
    [65, 90_000],
    [128, 90_000],
    [129, 120_000],
    [1000, 180_000],
  ])('given %i nodes and a 30 s base, then the interval is %i ms (memberlist §9.6)', (n, want) => {
    expect(pushPullScale(30_000, n)).toBe(want);
  });
});

/** What a stubbed push/pull did each time: whether it was asked to merge quietly. */
interface Exchange {
  quiet: boolean;
  at: number;
}

/**
 * A gossiper over a stub engine: one peer, no gossip rounds or periodic push/pull, and push/pulls that `answer`
 * decides: true grows the member table by one (news), false leaves it as is, an Error fails the exchange.
 */
function postJoinRig(answer: (n: number) => boolean | Error): { clock: VirtualClock; exchanges: Exchange[]; start: () => void } {
  const clock = new VirtualClock();
  const exchanges: Exchange[] = [];
  let size = 2;
  const peer = { name: 'peer', ip: '10.0.0.2', port: 7946, state: 'alive' };
  const ctx = {
    name: 'me',
    clock,
    config: { gossipIntervalMs: 0, gossipNodes: 0, pushPullIntervalMs: 0, postJoinPushPullDelayMs: 1_000 },
    stagger: () => 0,
    shuttingDown: false,
    logger: { warn: () => undefined },
    broadcasts: {},
    table: {
      get size() {
        return size;
      },
      kRandom: () => [peer],
    },
    cancelTimer: (t: unknown) => (t === undefined ? undefined : (clock.clearTimeout(t), undefined)),
  } as unknown as EngineContext;
  const streams = {
    pushPull: (_address: string, _join: boolean, _signal: unknown, _timeout: unknown, quiet?: () => boolean) => {
      exchanges.push({ quiet: quiet?.() === true, at: clock.now() });
      const a = answer(exchanges.length);
      if (a instanceof Error) return Promise.reject(a);
      if (a) size++;
      return Promise.resolve();
    },
  } as unknown as StreamLayer;
  const gossiper = new Gossiper(ctx, {} as PacketLayer, streams);
  return {
    clock,
    exchanges,
    start: () => {
      gossiper.start();
      gossiper.schedulePostJoinPushPull();
    },
  };
}

describe('post-join push/pulls (stub engine)', () => {
  it('given answers that always bring a new member, when the node has joined, then post-join push/pulls go on past the failure cap and stop at 8, all merged quietly', async () => {
    const rig = postJoinRig(() => true);
    rig.start();
    await rig.clock.advance(600_000);
    expect(rig.exchanges.length).toBe(POST_JOIN_LEARNING_ATTEMPTS);
    expect(POST_JOIN_LEARNING_ATTEMPTS).toBeGreaterThan(POST_JOIN_MAX_FAILURES);
    expect(rig.exchanges.every((e) => e.quiet)).toBe(true);
    // Delays of 1, 2 and 4 s, then 8 s from the fourth on (the stub has no stagger).
    const gaps = rig.exchanges.map((e, i) => e.at - (i === 0 ? 0 : rig.exchanges[i - 1]!.at));
    expect(gaps).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000, 8_000, 8_000]);
  });

  it('given an answer that brings nothing new, when the node has joined, then that push/pull is the last one', async () => {
    const rig = postJoinRig((n) => n < 3);
    rig.start();
    await rig.clock.advance(600_000);
    expect(rig.exchanges.length).toBe(3);
  });

  it('given two that bring news, two that fail, then news again, when the node has joined, then the failures do not end the chain', async () => {
    // A storm's early joiner: busy peers fail its third and fourth push/pulls while the storm is still bringing news.
    const rig = postJoinRig((n) => (n === 3 || n === 4 ? new Error('timed out') : n < 6));
    rig.start();
    await rig.clock.advance(600_000);
    expect(rig.exchanges.length).toBe(6);
    // A failure does not double the delay: only answers do (busy peers call for another peer soon, not later).
    const gaps = rig.exchanges.map((e, i) => e.at - (i === 0 ? 0 : rig.exchanges[i - 1]!.at));
    expect(gaps).toEqual([1_000, 2_000, 4_000, 4_000, 4_000, 8_000]);
  });

  it('given push/pulls that keep failing, when the node has joined, then they are tried 4 times in all', async () => {
    const rig = postJoinRig(() => new Error('refused'));
    rig.start();
    await rig.clock.advance(600_000);
    expect(rig.exchanges.length).toBe(POST_JOIN_MAX_FAILURES);
  });
});
