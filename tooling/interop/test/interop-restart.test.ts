/**
 * Restarts with the same name and address (mass restarts, memberlist#311/#312): a node that comes back must win
 * over its stale incarnation quickly, whether the cluster still thinks it alive or already declared it dead, with
 * TS nodes and Go memberlist v0.2.2 nodes on either side.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildGoProgram } from '@gossip/gotools';
import { GO_PEER_DIR, GoPeer, liveGoProcessCount } from '../src/index.js';
import { GO_FAST, Teardown, TsPeer, eventually, startGoPeers, waitGoAlive } from './interop-support.js';

const teardown = new Teardown();

beforeAll(async () => {
  await buildGoProgram(GO_PEER_DIR, 'go-peer');
}, 180_000);

afterEach(async () => {
  await teardown.run();
  expect(liveGoProcessCount()).toBe(0);
});

describe('restarting a node with the same name and address in a mixed cluster', () => {
  it.each([
    { when: 'after the Go nodes declared it dead', waitDead: true },
    { when: 'before anyone noticed the crash', waitDead: false },
  ])('given a TS node that crashes and restarts $when, then the Go nodes see it alive again and it stays alive', async ({ waitDead }) => {
    const prefix = waitDead ? 'trd' : 'trq';
    const gos = await startGoPeers(2, prefix);
    await gos[1]!.join([gos[0]!.address]);
    const first = await TsPeer.start({ name: `${prefix}-ts` }, teardown);
    await first.memberlist.join([gos[0]!.address]);
    const names = [gos[0]!.name, gos[1]!.name, first.name];
    await waitGoAlive(gos, names, 5_000);
    const bind = first.address;

    await first.shutdown();
    if (waitDead) await gos[0]!.waitForState(first.name, 'dead', 10_000);
    const stale = (await gos[0]!.nodes()).find((n) => n.name === first.name)!.incarnation!;

    const second = await TsPeer.start({ name: `${prefix}-ts`, bind }, teardown);
    await second.memberlist.join([gos[1]!.address]);

    for (const go of gos) {
      await eventually(`${go.name} sees the restarted TS node alive`, 8_000, async () => {
        const view = (await go.members()).find((m) => m.name === second.name);
        // Declared dead: only a higher incarnation (a refutation) revives it. Still alive: the restarted node's
        // alive at the same incarnation is identical news, so nothing needs to change.
        return view?.state === 'alive' && (waitDead ? view.incarnation! > stale : view.incarnation! >= stale);
      });
    }
    await second.waitForAlive(names, 5_000);
    if (waitDead) expect(second.memberlist.localNode().incarnation).toBeGreaterThan(stale);
    // Whatever the cluster suspected during the gap is refuted: the node stays alive through further probing.
    const mark = gos.map((g) => g.events.mark());
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await waitGoAlive(gos, names, 1_000);
    gos.forEach((g, i) => {
      const later = g.events.all().slice(mark[i]);
      expect(later.filter((e) => e.type === 'leave' && e.node.name === second.name)).toEqual([]);
    });
  });

  it('given a Go node that is SIGKILLed, declared dead, and restarted on the same address, then the TS nodes see it alive again', async () => {
    const [go] = await startGoPeers(1, 'grd');
    const a = await TsPeer.start({ name: 'grd-a' }, teardown);
    const b = await TsPeer.start({ name: 'grd-b' }, teardown);
    await a.memberlist.join([go!.address]);
    await b.memberlist.join([a.address]);
    const names = [go!.name, a.name, b.name];
    await a.waitForAlive(names, 5_000);
    const port = go!.port;

    await go!.kill();
    const dead = await a.waitForState(go!.name, 'dead', 10_000);

    const again = await GoPeer.start({ ...GO_FAST, name: go!.name, bindPort: port });
    await again.join([b.address]);

    for (const ts of [a, b]) {
      const back = await ts.waitForState(go!.name, 'alive', 8_000);
      expect(back.incarnation).toBeGreaterThan(dead.incarnation);
      expect(ts.events.some((e) => e.type === 'join' && e.member.name === go!.name && e.member.incarnation === back.incarnation)).toBe(true);
    }
    await waitGoAlive([again], names, 5_000);
  });
});
