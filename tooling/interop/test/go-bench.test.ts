// @module-tag go
import { describe, expect, it } from 'vitest';
import { runGoBench } from '../src/index.js';

// Shape only: the numbers themselves belong to `pnpm bench`, not to unit tests.
describe('runGoBench', () => {
  it('given a small local cluster, when the join and idle scenarios run, then a parsed report comes back', async () => {
    const joined = await runGoBench({ n: 3, preset: 'local', scenario: 'join', timeoutMs: 60_000 });
    expect(joined).toMatchObject({ n: 3, preset: 'local', reps: 1, join: { convergence: { timedOut: 0 } } });
    expect(joined.join!.convergence.runsMs).toHaveLength(1);
    expect(joined.crash).toBeUndefined();

    const idle = await runGoBench({ n: 3, preset: 'local', scenario: 'idle', idleSeconds: 1, timeoutMs: 60_000 });
    expect(idle.idle!.udpPacketsPerNodePerSecond).toBeGreaterThan(0);
    expect(idle.idle!.heapBytesPerNode).toBeGreaterThan(0);
  }, 120_000);

  it('given an unknown preset, when the harness runs, then it fails with a typed error', async () => {
    await expect(runGoBench({ n: 3, preset: 'wan' as 'lan', scenario: 'join', timeoutMs: 30_000 })).rejects.toMatchObject({
      code: 'ERR_GO_BENCH_FAILED',
    });
  });
});
