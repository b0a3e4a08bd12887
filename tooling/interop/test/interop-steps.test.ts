// @module-tag go
/**
 * Stream frames processed in steps (issue #12) against Go memberlist v0.2.2: a TS node made to cut every frame into
 * tiny steps (2 push/pull entries, 64 bytes of LZW, 512 bytes of AES-GCM per turn) still joins and is joined, and
 * what it answers is what Go expects.
 */
import { describe, expect, it } from 'vitest';
import { MetricNames } from 'gossip';
import { TsPeer, bytes, eventually, startGoPeers, text, useInteropSuite, waitGoAlive } from './interop-support.js';

const teardown = useInteropSuite();

const TINY_STEPS = { pushPullBatchSize: 2, streamSliceBytes: 64 };

describe('stream frames processed in steps, with Go memberlist v0.2.2 nodes', () => {
  it.each([
    { title: 'plaintext', keys: undefined },
    { title: 'AES-256', keys: [new Uint8Array(32).fill(0x5a)] },
  ])('given a TS node taking tiny steps ($title), when Go nodes join through it and it joins a Go node, then all converge and user state crosses intact', async ({ keys }) => {
    const prefix = keys === undefined ? 'steps' : 'steps-aes';
    const goState = bytes(`go-state-${'g'.repeat(3000)}`);
    const gos = await startGoPeers(3, prefix, { userState: goState, ...(keys === undefined ? {} : { keys }) });
    const ts = await TsPeer.start({ name: `${prefix}-ts`, userState: bytes(`ts-state-${'t'.repeat(3000)}`), ...TINY_STEPS, ...(keys === undefined ? {} : { keys }) }, teardown);
    // Go → TS: two Go nodes join through the TS node (it serves their push/pulls in steps).
    await gos[0]!.join([ts.address]);
    await gos[1]!.join([ts.address]);
    // TS → Go: the TS node joins the third Go node (it reads and merges the Go reply in steps).
    await ts.memberlist.join([gos[2]!.address]);
    const names = [...gos.map((g) => g.name), ts.name];
    await ts.waitForAlive(names, 20_000);
    await waitGoAlive(gos, names, 20_000);
    await eventually('TS merged a Go node\'s state', 20_000, () => ts.mergedStates.some((s) => text(s.data) === text(goState)));
    for (const go of gos.slice(0, 2)) {
      await go.waitForEvent((e) => e.type === 'mergeRemoteState' && text(e.data) === `ts-state-${'t'.repeat(3000)}`, 20_000);
    }
    expect(ts.metrics.counter(MetricNames.streamYields)).toBeGreaterThan(0);
  });
});
