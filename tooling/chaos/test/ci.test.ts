/**
 * The CI subset of the chaos testbed: 6 real hosts (network namespaces, one `gossip agent` process each) through
 * converge, crash, partition and stall with short durations. It needs root, iproute2 and nftables; anywhere else
 * it is skipped with one line saying why.
 */
import { describe, expect, it } from 'vitest';
import { checkAvailable } from '../src/netns.js';
import { runChaos } from '../src/runner.js';
import { CI_SCENARIOS } from '../src/scenarios/index.js';

const unavailable = await checkAvailable().then(
  () => undefined,
  (err: Error) => err.message,
);
if (unavailable !== undefined) {
  console.log(`chaos: CI subset skipped (1 test): ${unavailable}; it needs root, iproute2 and nftables (apt-get install nftables)`);
}

describe.skipIf(unavailable !== undefined)('chaos CI subset on 6 real hosts', () => {
  it('given 6 TS hosts, when converge, crash, partition and stall run, then each meets its target and nothing is left behind', async () => {
    const lines: string[] = [];
    const summary = await runChaos({
      scenarios: CI_SCENARIOS,
      hosts: 6,
      go: 0,
      twin: false,
      quick: true,
      seed: 1,
      signal: AbortSignal.timeout(280_000),
      progress: (l) => lines.push(l),
    });
    expect(summary.outcomes.map((o) => o.scenario.name)).toEqual([...CI_SCENARIOS]);
    const failed = summary.outcomes.filter((o) => !o.ts.pass).map((o) => `${o.scenario.name}: ${o.ts.summary} ${JSON.stringify(o.ts.figures)}`);
    expect(failed, lines.join('\n')).toEqual([]);
    expect(summary.leftovers).toEqual({ namespaces: [], links: [], pids: [], rules: [] });
  }, 300_000);
});
