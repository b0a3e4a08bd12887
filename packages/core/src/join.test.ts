import type { Transport, TransportHandlers } from '@gossip/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { TestCluster } from '../test/harness.js';
import type { EngineContext } from './context.js';
import { MemberlistError, type MemberlistErrorCode } from './errors.js';
import { MetricNames, lanConfig } from './index.js';
import { joinBackoff, seedAddress, seedWasBusy } from './join.js';

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

describe('seedAddress', () => {
  it.each([
    ['10.0.0.1:8000', '10.0.0.1:8000'],
    ['10.0.0.1', '10.0.0.1:7946'],
    ['node-a/10.0.0.1:8000', '10.0.0.1:8000'],
    ['seeds.example.com', 'seeds.example.com:7946'],
    ['[::1]:9000', '[::1]:9000'],
    ['[fd00::1]', '[fd00::1]:7946'],
  ])('given %s and our port 7946, then the address to resolve is %s', (seed, want) => {
    expect(seedAddress(seed, 7946)).toBe(want);
  });
});

describe('retrying a busy seed', () => {
  const err = (code: MemberlistErrorCode, cause?: { code: string }): MemberlistError =>
    new MemberlistError(code, 'x', cause === undefined ? undefined : { cause });

  it.each([
    ['closed unanswered', err('ERR_UNEXPECTED_MESSAGE'), true],
    ['timed out', err('ERR_TRANSPORT', { code: 'ERR_TIMEOUT' }), true],
    ['reset', err('ERR_TRANSPORT', { code: 'ERR_RESET' }), true],
    ['refused (nobody listens)', err('ERR_TRANSPORT', { code: 'ERR_REFUSED' }), false],
    ['answered with an error', err('ERR_REMOTE'), false],
    ['incompatible', err('ERR_INCOMPATIBLE'), false],
    ['not a MemberlistError', new Error('x'), false],
  ])('given a push/pull that was %s, then seedWasBusy is %s', (_what, e, want) => {
    expect(seedWasBusy(e)).toBe(want);
  });

  it('given base 250 ms and cap 4000 ms, when backing off, then each wait lies in [1, min(cap, base·2^(k-1))) and spreads', async () => {
    cluster = new TestCluster('backoff');
    const t = await cluster.add('a', { joinBackoffMs: 250, joinBackoffMaxMs: 4000 });
    const ctx = (t.node as unknown as { ctx: EngineContext }).ctx;
    for (const [retry, ceiling] of [[1, 250], [2, 500], [3, 1000], [5, 4000], [9, 4000]] as const) {
      const waits = Array.from({ length: 200 }, () => joinBackoff(ctx, retry));
      expect(Math.min(...waits)).toBeGreaterThanOrEqual(1);
      expect(Math.max(...waits)).toBeLessThan(ceiling);
      expect(Math.max(...waits) - Math.min(...waits)).toBeGreaterThan(ceiling / 2);
    }
  });

  it('given a seed address where nobody listens, when joining, then it fails after one attempt without retrying', async () => {
    cluster = new TestCluster('refused');
    const seed = await cluster.add('seed');
    const joiner = await cluster.add('joiner');
    cluster.network.crash(seed.address, 'refuse');
    const started = cluster.clock.now();
    await expect(cluster.run(joiner.node.join([seed.address]))).rejects.toMatchObject({ code: 'ERR_JOIN' });
    expect(joiner.metrics.counter(MetricNames.joinRetry, { code: 'ERR_TRANSPORT' })).toBe(0);
    expect(cluster.clock.now() - started).toBeLessThan(250);
  });

  it('given a joiner backing off from a busy seed, when the node shuts down, then the join ends with ERR_SHUTDOWN at once', async () => {
    cluster = new TestCluster('shutdown-backoff');
    const seed = await cluster.add('seed');
    const joiner = await cluster.add('joiner', { joinBackoffMs: 60_000, joinBackoffMaxMs: 60_000, tcpTimeoutMs: 100 });
    cluster.network.crash(seed.address, 'blackhole');
    const joining = joiner.node.join([seed.address]);
    await cluster.until(() => joiner.metrics.counter(MetricNames.joinRetry, { code: 'ERR_TRANSPORT' }) === 1, 1000, 'first retry');
    const started = cluster.clock.now();
    await joiner.node.shutdown();
    await expect(cluster.run(joining)).rejects.toMatchObject({ code: 'ERR_SHUTDOWN' });
    expect(cluster.clock.now() - started).toBeLessThan(100);
  });
});

describe('a seed that is up but slow to answer', () => {
  const retries = (t: { metrics: { counter: (key: readonly string[], labels: Record<string, string>) => number } }): number =>
    t.metrics.counter(MetricNames.joinRetry, { code: 'ERR_TRANSPORT' });

  it('given a seed that takes connections only after longer than tcpTimeoutMs, when joining, then the first attempt waits for its answer (joinTimeoutMs) instead of reconnecting', async () => {
    cluster = new TestCluster('slow-seed');
    const seed = await cluster.add('seed');
    const joiner = await cluster.add('joiner', { tcpTimeoutMs: 1000, joinTimeoutMs: 5000 });
    cluster.network.pause(seed.address, 2500);

    await expect(cluster.run(joiner.node.join([seed.address]))).resolves.toBe(1);
    expect(retries(joiner)).toBe(0);
    expect(seed.node.member('joiner')?.state).toBe('alive');
  });

  it('given the same seed and joinTimeoutMs equal to tcpTimeoutMs, when joining, then the first attempt times out and is retried', async () => {
    cluster = new TestCluster('slow-seed-short');
    const seed = await cluster.add('seed');
    const joiner = await cluster.add('joiner', { tcpTimeoutMs: 1000, joinTimeoutMs: 1000, joinBackoffMs: 10, joinBackoffMaxMs: 10 });
    cluster.network.pause(seed.address, 2500);

    await expect(cluster.run(joiner.node.join([seed.address]))).resolves.toBe(1);
    expect(retries(joiner)).toBeGreaterThanOrEqual(1);
  });

  it('given a seed whose connect never completes, when joining with a long joinTimeoutMs, then each attempt still gives up after tcpTimeoutMs', async () => {
    cluster = new TestCluster('blackholed-seed');
    const seed = await cluster.add('seed');
    const joiner = await cluster.add('joiner', { tcpTimeoutMs: 100, joinTimeoutMs: 60_000, joinAttempts: 2, joinBackoffMs: 10, joinBackoffMaxMs: 10 });
    cluster.network.crash(seed.address, 'blackhole');
    const started = cluster.clock.now();

    await expect(cluster.run(joiner.node.join([seed.address]))).rejects.toMatchObject({ code: 'ERR_JOIN' });
    expect(retries(joiner)).toBe(1);
    expect(cluster.clock.now() - started).toBeLessThan(1000);
  });
});

describe('spreading retries', () => {
  it('given a joiner that learns a live member while the seed times out, then the retry joins through that member', async () => {
    cluster = new TestCluster('spread');
    const seed = await cluster.add('seed');
    const other = await cluster.add('other');
    const joiner = await cluster.add('joiner', { tcpTimeoutMs: 100, joinBackoffMs: 50, joinBackoffMaxMs: 50 });
    cluster.network.crash(seed.address, 'blackhole');

    const joining = joiner.node.join([seed.address]);
    await cluster.run(other.node.join([joiner.address]));
    await expect(cluster.run(joining)).resolves.toBe(1);
    expect(joiner.metrics.counter(MetricNames.joinRetry, { code: 'ERR_TRANSPORT' })).toBe(1);
    expect(other.node.member('joiner')?.state).toBe('alive');
  });

  it('given a node of a cluster, when a seed that drops it is retried, then a member of its own cluster does not stand in for the seed', async () => {
    cluster = new TestCluster('no-spread-home');
    const a = await cluster.add('a', { label: 'prod' });
    const a2 = await cluster.add('a2', { label: 'prod' });
    const b = await cluster.add('b', { label: 'staging' });
    await cluster.run(a2.node.join([a.address]));

    await expect(cluster.run(a.node.join([b.address]))).rejects.toMatchObject({ code: 'ERR_JOIN' });
    expect(b.metrics.counter(MetricNames.streamDropped, { code: 'ERR_LABEL' })).toBe(lanConfig().joinAttempts);
    expect(a.node.numMembers()).toBe(2);
  });
});

describe('a fresh joiner and its first answer', () => {
  /** Names of the broadcasts `t` queues from now on. */
  const queuedBy = (t: { node: unknown }): string[] => {
    const queue = (t.node as { ctx: EngineContext }).ctx.broadcasts;
    const names: string[] = [];
    const queueBroadcast = queue.queueBroadcast.bind(queue);
    queue.queueBroadcast = (b) => {
      names.push((b as { name?: () => string }).name?.() ?? '?');
      queueBroadcast(b);
    };
    return names;
  };

  it('given a formed cluster of 4, when a node that knows nobody joins, then it lists every member and gossips none of them (old news to all but it)', async () => {
    cluster = new TestCluster('quiet-first-answer');
    const [seed] = await cluster.start(4);
    const joiner = await cluster.add('joiner');
    const queued = queuedBy(joiner);

    await cluster.run(joiner.node.join([seed!.address]));
    expect(joiner.node.numMembers()).toBe(5);
    expect(queued.filter((n) => n.startsWith('node-'))).toEqual([]);
    expect(seed!.node.member('joiner')?.state).toBe('alive');
  });

  it('given a node that already knows a member of its own, when it joins a cluster, then the members new to it are gossiped (its own side may not know them)', async () => {
    cluster = new TestCluster('loud-second-cluster');
    const [seed] = await cluster.start(3);
    const a = await cluster.add('a');
    const b = await cluster.add('b');
    await cluster.run(b.node.join([a.address]));
    const queued = queuedBy(a);

    await cluster.run(a.node.join([seed!.address]));
    expect(queued.filter((n) => n.startsWith('node-')).sort()).toEqual(['node-0', 'node-1', 'node-2']);
    await cluster.until(() => b.node.numMembers() === 5, 10_000, 'b learns the other cluster through a');
  });
});

describe('hedging a join whose seed is slow to answer', () => {
  /** A transport whose inbound streams reach the node `delayMs` late while `slow.on` (a long accept queue). */
  const slowAccept = (clock: { setTimeout(fn: () => void, ms: number): unknown }, delayMs: number, slow: { on: boolean }) =>
    (t: Transport): Transport =>
      Object.assign(Object.create(t) as Transport, {
        start: (handlers: TransportHandlers) =>
          t.start({
            onPacket: (p) => handlers.onPacket(p),
            onStream: (s) => {
              if (slow.on) clock.setTimeout(() => handlers.onStream(s), delayMs);
              else handlers.onStream(s);
            },
          }),
      });

  it('given a seed that takes 20 s to accept, when a node joins with joinHedgeMs 500, then it announces itself by UDP, joins through a member it learns meanwhile, and the seed lists it', async () => {
    cluster = new TestCluster('hedge');
    const slow = { on: false };
    const seed = await cluster.add('seed', {}, undefined, { wrap: slowAccept(cluster.clock, 20_000, slow) });
    const other = await cluster.add('other');
    await cluster.run(other.node.join([seed.address]));
    slow.on = true;
    const joiner = await cluster.add('joiner', { joinHedgeMs: 500 });

    const started = cluster.clock.now();
    await expect(cluster.run(joiner.node.join([seed.address]))).resolves.toBe(1);
    expect(cluster.clock.now() - started).toBeLessThan(10_000);
    expect(joiner.metrics.counter(MetricNames.joinHedge, { kind: 'announce' })).toBe(1);
    expect(joiner.metrics.counter(MetricNames.joinHedge, { kind: 'push_pull' })).toBeGreaterThanOrEqual(1);
    expect(seed.node.member('joiner')?.state).toBe('alive');
    expect(other.node.member('joiner')?.state).toBe('alive');
    expect(joiner.node.numMembers()).toBe(3);
  });

  it('given joinHedgeMs 0, when the seed takes 20 s to accept, then the joiner waits for the seed alone (memberlist) and sends nothing by UDP first', async () => {
    cluster = new TestCluster('no-hedge');
    const slow = { on: true };
    const seed = await cluster.add('seed', {}, undefined, { wrap: slowAccept(cluster.clock, 20_000, slow) });
    const joiner = await cluster.add('joiner', { joinHedgeMs: 0, joinTimeoutMs: 30_000 });

    const started = cluster.clock.now();
    await expect(cluster.run(joiner.node.join([seed.address]))).resolves.toBe(1);
    expect(cluster.clock.now() - started).toBeGreaterThanOrEqual(20_000);
    expect(joiner.metrics.counter(MetricNames.joinHedge, { kind: 'announce' })).toBe(0);
  });
});
