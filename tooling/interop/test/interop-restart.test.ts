// @module-tag go
/**
 * Restarts with the same name and address (mass restarts, memberlist#311/#312): a node that comes back must win
 * over its stale incarnation quickly, whether the cluster still thinks it alive or already declared it dead, with
 * TS nodes and Go memberlist v0.2.2 nodes on either side.
 */
import { describe, expect, it } from 'vitest';
import { TsPeer, eventually, startGoPeer, startGoPeers, waitForElapsed, waitForRounds, waitGoAlive, useInteropSuite } from './interop-support.js';

const teardown = useInteropSuite();

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
    await waitGoAlive(gos, names, 20_000);
    const bind = first.address;

    await first.shutdown();
    if (waitDead) await gos[0]!.waitForState(first.name, 'dead', 30_000);
    const stale = (await gos[0]!.nodes()).find((n) => n.name === first.name)!.incarnation!;

    const second = await TsPeer.start({ name: `${prefix}-ts`, bind }, teardown);
    await second.memberlist.join([gos[1]!.address]);

    for (const go of gos) {
      await eventually(`${go.name} sees the restarted TS node alive`, 20_000, async () => {
        const view = (await go.members()).find((m) => m.name === second.name);
        // Declared dead: only a higher incarnation (a refutation) revives it. Still alive: the restarted node's
        // alive at the same incarnation is identical news, so nothing needs to change.
        return view?.state === 'alive' && (waitDead ? view.incarnation! > stale : view.incarnation! >= stale);
      });
    }
    await second.waitForAlive(names, 20_000);
    if (waitDead) expect(second.memberlist.localNode().incarnation).toBeGreaterThan(stale);
    // Whatever the cluster suspected during the gap is refuted: the node stays alive through further probing.
    const mark = gos.map((g) => g.events.mark());
    await waitForRounds('after the restart', [second, ...gos], { probes: 4 });
    await waitGoAlive(gos, names, 20_000);
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
    await a.waitForAlive(names, 20_000);
    const port = go!.port;

    await go!.kill();
    const dead = await a.waitForState(go!.name, 'dead', 30_000);

    const again = await startGoPeer({ name: go!.name, bindPort: port });
    await again.join([b.address]);

    for (const ts of [a, b]) {
      const back = await ts.waitForState(go!.name, 'alive', 20_000);
      expect(back.incarnation).toBeGreaterThan(dead.incarnation);
      expect(ts.events.some((e) => e.type === 'join' && e.member.name === go!.name && e.member.incarnation === back.incarnation)).toBe(true);
    }
    await waitGoAlive([again], names, 20_000);
  });

  it.each([
    { how: 'left gracefully', reclaimMs: 0 },
    { how: 'was declared dead (deadNodeReclaimTimeMs 300)', reclaimMs: 300 },
  ])('given a Go node that $how, when a new Go node takes its name from another address, then the TS and Go nodes accept the new address', async ({ how, reclaimMs }) => {
    const prefix = reclaimMs === 0 ? 'moveleft' : 'movedead';
    const options = { deadNodeReclaimTimeMs: reclaimMs };
    const [keeper, pod] = await startGoPeers(2, prefix, options);
    const ts = await TsPeer.start({ name: `${prefix}-ts`, ...options }, teardown);
    await pod!.join([keeper!.address]);
    await ts.memberlist.join([keeper!.address]);
    const names = [keeper!.name, pod!.name, ts.name];
    await ts.waitForAlive(names, 20_000);
    const oldPort = pod!.port;

    if (how.startsWith('left')) {
      await pod!.leave(2_000);
      await pod!.stop();
      await ts.waitForState(pod!.name, 'left', 20_000);
    } else {
      await pod!.kill();
      await ts.waitForState(pod!.name, 'dead', 30_000);
      await keeper!.waitForState(pod!.name, 'dead', 30_000);
      await waitForElapsed('the dead-node reclaim time since the keeper saw the death', performance.now(), reclaimMs + 100);
    }

    const moved = await startGoPeer({ ...options, name: pod!.name }); // a new port
    expect(moved.port).not.toBe(oldPort);
    await moved.join([ts.address]);

    const seen = await eventually('TS sees the name at its new address', 20_000, () => {
      const m = ts.member(pod!.name);
      return m?.state === 'alive' && m.port === moved.port ? m : undefined;
    });
    expect(seen.addr).toBe('127.0.0.1');
    await eventually('the other Go node sees the name at its new address', 20_000, async () => {
      const view = (await keeper!.members()).find((m) => m.name === pod!.name);
      return view?.state === 'alive' && view.port === moved.port;
    });
    await waitGoAlive([moved, keeper!], names, 20_000);
  });

  it('given a TS node that was declared dead, when a new TS node takes its name from another address, then the Go nodes accept the new address (deadNodeReclaimTimeMs 300)', async () => {
    const options = { deadNodeReclaimTimeMs: 300 };
    const gos = await startGoPeers(2, 'tsmove', options);
    await gos[1]!.join([gos[0]!.address]);
    const pod = await TsPeer.start({ name: 'tsmove-pod', ...options }, teardown);
    await pod.memberlist.join([gos[0]!.address]);
    const names = [...gos.map((g) => g.name), 'tsmove-pod'];
    await waitGoAlive(gos, names, 20_000);
    const oldPort = pod.memberlist.localNode().port;

    await pod.shutdown();
    for (const g of gos) await g.waitForState('tsmove-pod', 'dead', 30_000);
    await waitForElapsed('the dead-node reclaim time (300 ms) since both Go nodes saw the death', performance.now(), 400);
    const moved = await TsPeer.start({ name: 'tsmove-pod', ...options }, teardown);
    expect(moved.memberlist.localNode().port).not.toBe(oldPort);
    await moved.memberlist.join([gos[1]!.address]);

    for (const g of gos) {
      await eventually(`${g.name} sees tsmove-pod at its new address`, 20_000, async () => {
        const view = (await g.members()).find((m) => m.name === 'tsmove-pod');
        return view?.state === 'alive' && view.port === moved.memberlist.localNode().port;
      });
    }
    await moved.waitForAlive(names, 20_000);
  });

  it('given a TS node with periodic rejoin whose only peer crashed, when a fresh Go node comes back on the seed address, then the TS node rejoins by itself', async () => {
    const [go] = await startGoPeers(1, 'rejoin');
    const seed = go!.address;
    const ts = await TsPeer.start({ name: 'rejoin-ts', rejoin: { intervalMs: 300 } }, teardown);
    await ts.memberlist.join([seed]);
    await ts.waitForAlive(['rejoin-0', 'rejoin-ts'], 20_000);

    await go!.kill();
    await ts.waitForState('rejoin-0', 'dead', 30_000); // alone now: nobody to gossip or push/pull with
    const fresh = await startGoPeer({ name: 'rejoin-0', bindPort: go!.port }); // knows nothing of the TS node

    await waitGoAlive([fresh], ['rejoin-0', 'rejoin-ts'], 20_000);
    await ts.waitForAlive(['rejoin-0', 'rejoin-ts'], 20_000);
    expect(ts.logs.some((l) => l.level === 'info' && /rejoin/i.test(l.msg) && l.fields.joined === 1)).toBe(true);
  });
});
