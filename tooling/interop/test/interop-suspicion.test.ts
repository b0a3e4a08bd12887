// @module-tag go
/**
 * Suspicion and refutation across implementations (SWIM's suspicion mechanism, memberlist's `refute`): a Go
 * memberlist v0.2.2 node that falls behind is suspected by the TS nodes and refutes with a higher incarnation,
 * and a TS node whose event loop stalls (the classic Node.js cause of false positives) is suspected by the Go
 * nodes and refutes once it runs again. Suspicion timeouts are raised (multiplier 15, at least 4.5 s) so the
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
  expect(await teardown.run(), 'wire errors logged by TS or Go nodes').toEqual([]);
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
    await Promise.all([a.waitForAlive(names, 20_000), b.waitForAlive(names, 20_000), waitGoAlive([go!], names, 20_000)]);
    const before = (await go!.localNode()).incarnation!;

    // Every packet and stream reaching the Go node now waits 500-700 ms: its acks come too late for the
    // TS probers (timeout 150 ms), directly, indirectly and over TCP.
    await go!.setSlow(true, { minMs: 500, maxMs: 700 });
    const suspected = await eventually('a TS node suspects the Go node', 20_000, () =>
      [a, b].flatMap((t) => t.events).find((e) => e.type === 'suspect' && e.member.name === go!.name),
    );
    const refuted = await eventually('a TS node sees the Go node refute', 20_000, () =>
      [a, b]
        .flatMap((t) => t.events)
        .find((e) => e.type === 'alive' && e.member.name === go!.name && e.member.incarnation > suspected.member.incarnation),
    );
    await go!.setSlow(false);

    expect(refuted.member.state).toBe('alive');
    expect((await go!.localNode()).incarnation!).toBeGreaterThan(before);
    await Promise.all([a.waitForAlive(names, 20_000), b.waitForAlive(names, 20_000)]);
    expect(leaveEvents([a, b])).toEqual([]);
  });

  it('given a TS node whose event loop stalls, when the Go nodes suspect it, then it refutes after resuming and is never declared dead', async () => {
    const gos = await startGoPeers(2, 'tref', PATIENT);
    const ts = await TsPeer.start({ name: 'tref-ts', ...PATIENT }, teardown);
    await gos[1]!.join([gos[0]!.address]);
    await ts.memberlist.join([gos[0]!.address]);
    const names = [gos[0]!.name, gos[1]!.name, ts.name];
    await Promise.all([ts.waitForAlive(names, 20_000), waitGoAlive(gos, names, 20_000)]);
    const before = ts.memberlist.localNode().incarnation;

    // 1.5 s without answering: the Go nodes probe it (every 300 ms, 150 ms timeout), fail directly and
    // indirectly, and gossip a suspicion, which waits in the socket buffer until the loop runs again.
    stallEventLoop(1_500);

    const refuted = await eventually('the TS node refutes (bumps its incarnation)', 20_000, () => {
      const self = ts.memberlist.localNode();
      return self.incarnation > before ? self : undefined;
    });
    for (const go of gos) {
      await eventually(`${go.name} sees the refutation`, 20_000, async () => {
        const view = (await go.members()).find((m) => m.name === ts.name);
        return view !== undefined && view.state === 'alive' && view.incarnation! >= refuted.incarnation;
      });
      expect(go.events.all().filter((e) => e.type === 'leave')).toEqual([]);
    }
    await waitGoAlive(gos, names, 20_000);
    await ts.waitForAlive(names, 20_000);
  });

  it('given a Go node probing a crashed node through two TS relays, then the relays answer with nacks and the prober\'s health score stays 0 (Lifeguard)', async () => {
    // indirectChecks 2: both TS nodes relay every failed probe. Without their nacks the Go prober would blame
    // itself (health score + 2 per failed probe, memberlist's awareness delta for missing nacks). A relay nacks
    // one probe timeout after the request, which itself leaves one probe timeout after the ping, and the prober
    // counts nacks at the probe interval: so the timeout must stay well under half the interval (memberlist's
    // own LAN 1 s / 500 ms sits exactly on the edge, where nacks race the deadline).
    const quick = { probeIntervalMs: 400, probeTimeoutMs: 100 }; // nacks due ~200 ms after the ping, deadline 400 ms
    const [prober, victim] = await startGoPeers(2, 'nack', { indirectChecks: 2, ...quick });
    const relays = [
      await TsPeer.start({ name: 'nack-a', ...quick }, teardown),
      await TsPeer.start({ name: 'nack-b', ...quick }, teardown),
    ];
    await victim!.join([prober!.address]);
    for (const r of relays) await r.memberlist.join([prober!.address]);
    const names = ['nack-0', 'nack-1', 'nack-a', 'nack-b'];
    await waitGoAlive([prober!], names, 20_000);
    await eventually('the prober is healthy', 20_000, async () => (await prober!.healthScore()) === 0);

    await victim!.kill();
    let worst = 0;
    await eventually('the prober declares the victim dead', 30_000, async () => {
      worst = Math.max(worst, await prober!.healthScore());
      return (await prober!.nodes()).find((n) => n.name === 'nack-1')?.state === 'dead';
    });

    expect(worst).toBe(0);
    expect(await prober!.healthScore()).toBe(0);
  });

  it('given a TS node probing a crashed node through two Go relays, then the relays answer with nacks and the prober\'s health score stays 0 (Lifeguard)', async () => {
    const quick = { probeIntervalMs: 400, probeTimeoutMs: 100 }; // see above: nacks must beat the probe deadline
    const relays = await startGoPeers(2, 'tnack', quick);
    const prober = await TsPeer.start({ name: 'tnack-prober', indirectChecks: 2, ...quick }, teardown);
    const victim = await TsPeer.start({ name: 'tnack-victim', ...quick }, teardown);
    await relays[1]!.join([relays[0]!.address]);
    await prober.memberlist.join([relays[0]!.address]);
    await victim.memberlist.join([relays[1]!.address]);
    await prober.waitForAlive(['tnack-0', 'tnack-1', 'tnack-prober', 'tnack-victim'], 20_000);
    await eventually('the prober is healthy', 20_000, () => prober.memberlist.healthScore() === 0);

    let worst = 0;
    const watch = setInterval(() => (worst = Math.max(worst, prober.memberlist.healthScore())), 10);
    try {
      await victim.shutdown();
      await prober.waitForState('tnack-victim', 'dead', 30_000);
    } finally {
      clearInterval(watch);
    }

    expect(worst).toBe(0);
  });
});
