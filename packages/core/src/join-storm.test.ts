import { afterEach, describe, expect, it } from 'vitest';
import { MetricNames } from './index.js';
import { TestCluster, type TestNode } from '../test/harness.js';

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

const SEED_CAP = 16;

/** 1 + `n` nodes: a seed that serves at most SEED_CAP push/pulls at once, and `n` joiners with `joinAttempts`. */
async function storm(name: string, n: number, joinAttempts: number): Promise<{ seed: TestNode; joiners: TestNode[] }> {
  cluster = new TestCluster(name);
  // Stream segments take 2 ms each way, so push/pulls overlap at the seed as they would on a real network.
  cluster.network.setDefaults({ latencyMs: 2 });
  const seed = await cluster.add('seed', { maxConcurrentPushPulls: SEED_CAP });
  const joiners: TestNode[] = [];
  for (let i = 0; i < n; i++) joiners.push(await cluster.add(`node-${i}`, { joinAttempts }));
  return { seed, joiners };
}

function refusedBy(seed: TestNode): number {
  return seed.metrics.counter(MetricNames.streamDropped, { code: 'ERR_OVERLOADED' });
}

describe('a join storm against a seed that refuses push/pulls past its cap', () => {
  it(`given a seed capped at ${SEED_CAP} concurrent push/pulls, when 299 nodes join it at once, then every join succeeds after backoff and all 300 nodes list each other alive`, async () => {
    const { seed, joiners } = await storm('storm-retry', 299, 5);
    const all = [seed, ...joiners];
    const results = await cluster!.run(Promise.allSettled(joiners.map((t) => t.node.join([seed.address]))));

    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(refusedBy(seed)).toBeGreaterThan(0);
    const retries = joiners.reduce((sum, t) => sum + t.metrics.counter(MetricNames.joinRetry, { code: 'ERR_UNEXPECTED_MESSAGE' }), 0);
    expect(retries).toBe(refusedBy(seed));
    await cluster!.until(
      () => all.every((t) => t.node.numMembers() === all.length),
      60_000,
      'every node lists all 300 alive',
    );
    for (const t of all) expect(t.node.members().filter((m) => m.state === 'alive')).toHaveLength(all.length);
  }, 60_000);

  it(`given the same storm with a single attempt per join (memberlist's Join), then the refused joiners are left out`, async () => {
    const { seed, joiners } = await storm('storm-single', 299, 1);
    const results = await cluster!.run(Promise.allSettled(joiners.map((t) => t.node.join([seed.address]))));

    const failed = results.filter((r) => r.status === 'rejected').length;
    expect(failed).toBe(refusedBy(seed));
    expect(failed).toBeGreaterThan(0);
  });
});
