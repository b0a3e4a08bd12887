/**
 * Suspicion and refutation across implementations (SWIM's suspicion mechanism, memberlist's `refute`): a Go
 * memberlist v0.2.2 node that falls behind is suspected by the TS nodes and refutes with a higher incarnation,
 * and a TS node whose event loop stalls (the classic Node.js cause of false positives) is suspected by the Go
 * nodes and refutes once it runs again. Suspicion timeouts are raised (multiplier 15, at least 3 s) so the
 * refutation, not the timeout, decides the outcome.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildGoProgram } from '@gossip/gotools';
import { GO_PEER_DIR, liveGoProcessCount } from '../src/index.js';
import { Teardown, TsPeer, eventually, leaveEvents, startGoPeers, waitGoAlive } from './interop-support.js';

const teardown = new Teardown();
const PATIENT = { suspicionMult: 15 };

beforeAll(async () => {
  await buildGoProgram(GO_PEER_DIR, 'go-peer');
}, 180_000);

afterEach(async () => {
  await teardown.run();
  expect(liveGoProcessCount()).toBe(0);
});

/** Blocks this process's event loop for `ms`: no timer, socket or promise callback runs meanwhile. */
function stallEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('suspicion and refutation between TS and Go memberlist v0.2.2 nodes', () => {
  it('given a Go node whose inbound traffic is delayed, when the TS nodes suspect it, then it refutes with a higher incarnation and is never declared dead', async () => {
    const [go] = await startGoPeers(1, 'gref', PATIENT);
    const a = await TsPeer.start({ name: 'gref-a', ...PATIENT }, teardown);
    const b = await TsPeer.start({ name: 'gref-b', ...PATIENT }, teardown);
    await a.memberlist.join([go!.address]);
    await b.memberlist.join([go!.address]);
    const names = [go!.name, a.name, b.name];
    await Promise.all([a.waitForAlive(names, 5_000), b.waitForAlive(names, 5_000), waitGoAlive([go!], names, 5_000)]);
    const before = (await go!.localNode()).incarnation!;

    // Every packet and stream reaching the Go node now waits 500-700 ms: its acks come too late for the
    // TS probers (timeout 150 ms), directly, indirectly and over TCP.
    await go!.setSlow(true, { minMs: 500, maxMs: 700 });
    const suspected = await eventually('a TS node suspects the Go node', 8_000, () =>
      [a, b].flatMap((t) => t.events).find((e) => e.type === 'suspect' && e.member.name === go!.name),
    );
    const refuted = await eventually('a TS node sees the Go node refute', 8_000, () =>
      [a, b]
        .flatMap((t) => t.events)
        .find((e) => e.type === 'alive' && e.member.name === go!.name && e.member.incarnation > suspected.member.incarnation),
    );
    await go!.setSlow(false);

    expect(refuted.member.state).toBe('alive');
    expect((await go!.localNode()).incarnation!).toBeGreaterThan(before);
    await Promise.all([a.waitForAlive(names, 5_000), b.waitForAlive(names, 5_000)]);
    expect(leaveEvents([a, b])).toEqual([]);
  });

  it('given a TS node whose event loop stalls, when the Go nodes suspect it, then it refutes after resuming and is never declared dead', async () => {
    const gos = await startGoPeers(2, 'tref', PATIENT);
    const ts = await TsPeer.start({ name: 'tref-ts', ...PATIENT }, teardown);
    await gos[1]!.join([gos[0]!.address]);
    await ts.memberlist.join([gos[0]!.address]);
    const names = [gos[0]!.name, gos[1]!.name, ts.name];
    await Promise.all([ts.waitForAlive(names, 5_000), waitGoAlive(gos, names, 5_000)]);
    const before = ts.memberlist.localNode().incarnation;

    // 1.5 s without answering: the Go nodes probe it (every 200 ms, 150 ms timeout), fail directly and
    // indirectly, and gossip a suspicion, which waits in the socket buffer until the loop runs again.
    stallEventLoop(1_500);

    const refuted = await eventually('the TS node refutes (bumps its incarnation)', 5_000, () => {
      const self = ts.memberlist.localNode();
      return self.incarnation > before ? self : undefined;
    });
    for (const go of gos) {
      await eventually(`${go.name} sees the refutation`, 5_000, async () => {
        const view = (await go.members()).find((m) => m.name === ts.name);
        return view !== undefined && view.state === 'alive' && view.incarnation! >= refuted.incarnation;
      });
      expect(go.events.all().filter((e) => e.type === 'leave')).toEqual([]);
    }
    await waitGoAlive(gos, names, 5_000);
    await ts.waitForAlive(names, 5_000);
  });
});
