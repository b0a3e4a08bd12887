// @module-tag go
/**
 * Membership between TS nodes (the `gossip` package over real UDP/TCP) and real Go memberlist v0.2.2 nodes:
 * joining in both directions, convergence of a 3 + 3 cluster, crash detection and graceful leave both ways.
 */
import { describe, expect, it } from 'vitest';
import { NO_OVERRIDES, TsPeer, bytes, eventually, startGoPeer, startGoPeers, waitGoAlive, useInteropSuite } from './interop-support.js';

const teardown = useInteropSuite();

describe('membership between TS and Go memberlist v0.2.2 nodes', () => {
  it('given a Go cluster of two, when a TS node joins it, then all three see each other alive', async () => {
    const [g0, g1] = await startGoPeers(2, 'tjg');
    await g1!.join([g0!.address]);
    const ts = await TsPeer.start({ name: 'tjg-ts' }, teardown);

    await expect(ts.memberlist.join([g0!.address])).resolves.toBe(1);

    const names = ['tjg-0', 'tjg-1', 'tjg-ts'];
    await ts.waitForAlive(names, 20_000);
    await waitGoAlive([g0!, g1!], names, 20_000);
    const seen = (await g1!.members()).find((m) => m.name === 'tjg-ts')!;
    expect(seen).toMatchObject({ addr: '127.0.0.1', port: ts.memberlist.localNode().port, vsn: [1, 5, 2, 0, 0, 0] });
    expect(ts.member('tjg-0')).toMatchObject({ port: g0!.port, pmin: 1, pmax: 5, pcur: 2 });
  });

  it('given a TS cluster of two, when a Go node joins it, then all three see each other alive', async () => {
    const a = await TsPeer.start({ name: 'gjt-a' }, teardown);
    const b = await TsPeer.start({ name: 'gjt-b' }, teardown);
    await b.memberlist.join([a.address]);
    const [go] = await startGoPeers(1, 'gjt-go');

    await expect(go!.join([a.address])).resolves.toBe(1);

    const names = ['gjt-a', 'gjt-b', 'gjt-go-0'];
    await waitGoAlive([go!], names, 20_000);
    await a.waitForAlive(names, 20_000);
    await b.waitForAlive(names, 20_000);
  });

  it('given 3 Go and 3 TS nodes joining through different seeds, then every node sees 6 alive', async () => {
    const gos = await startGoPeers(3, 'mix');
    const tss = [
      await TsPeer.start({ name: 'mix-ts-0' }, teardown),
      await TsPeer.start({ name: 'mix-ts-1' }, teardown),
      await TsPeer.start({ name: 'mix-ts-2' }, teardown),
    ];
    // Two mixed halves, {go-0, go-1, ts-2} and {ts-0, ts-1, go-2}, formed by joins of every kind, then stitched.
    await gos[1]!.join([gos[0]!.address]);
    await tss[2]!.memberlist.join([gos[0]!.address]);
    await tss[1]!.memberlist.join([tss[0]!.address]);
    await gos[2]!.join([tss[0]!.address]);
    await gos[1]!.join([tss[1]!.address]);

    const names = [...gos.map((g) => g.name), ...tss.map((t) => t.name)];
    await Promise.all(tss.map((t) => t.waitForAlive(names, 30_000)));
    await waitGoAlive(gos, names, 30_000);
    for (const go of gos) await expect(go.numMembers()).resolves.toBe(6);
  });

  it('given a mixed cluster, when a Go node is SIGKILLed, then the TS nodes declare it dead', async () => {
    const [g0, g1] = await startGoPeers(2, 'gcrash');
    const a = await TsPeer.start({ name: 'gcrash-a' }, teardown);
    const b = await TsPeer.start({ name: 'gcrash-b' }, teardown);
    await a.memberlist.join([g0!.address]);
    await b.memberlist.join([g1!.address]);
    await g1!.join([g0!.address]);
    const names = ['gcrash-0', 'gcrash-1', 'gcrash-a', 'gcrash-b'];
    await a.waitForAlive(names, 20_000);
    await b.waitForAlive(names, 20_000);

    await g1!.kill();

    for (const ts of [a, b]) {
      await ts.waitForState('gcrash-1', 'dead', 30_000);
      const leave = ts.events.find((e) => e.type === 'leave' && e.member.name === 'gcrash-1');
      expect(leave?.member.state).toBe('dead');
      await ts.waitForAlive(['gcrash-0', 'gcrash-a', 'gcrash-b'], 20_000);
    }
    await g0!.waitForState('gcrash-1', 'dead', 30_000);
  });

  it('given a mixed cluster, when a TS node crashes (shutdown without leave), then the Go nodes declare it dead', async () => {
    const [g0, g1] = await startGoPeers(2, 'tcrash');
    const a = await TsPeer.start({ name: 'tcrash-a' }, teardown);
    const b = await TsPeer.start({ name: 'tcrash-b' }, teardown);
    await g1!.join([g0!.address]);
    await a.memberlist.join([g0!.address]);
    await b.memberlist.join([a.address]);
    const names = ['tcrash-0', 'tcrash-1', 'tcrash-a', 'tcrash-b'];
    await waitGoAlive([g0!, g1!], names, 20_000);

    await b.shutdown();

    for (const go of [g0!, g1!]) {
      await go.waitForState('tcrash-b', 'dead', 30_000);
      const leave = await go.waitForEvent((e) => e.type === 'leave' && e.node.name === 'tcrash-b', 20_000);
      expect(leave).toMatchObject({ node: { state: 'dead' } });
    }
    await a.waitForState('tcrash-b', 'dead', 30_000);
  });

  it('given a mixed cluster, when a Go node leaves gracefully, then the TS nodes mark it left', async () => {
    const [g0, g1] = await startGoPeers(2, 'gleave');
    const a = await TsPeer.start({ name: 'gleave-a' }, teardown);
    await g1!.join([g0!.address]);
    await a.memberlist.join([g1!.address]);
    await a.waitForAlive(['gleave-0', 'gleave-1', 'gleave-a'], 20_000);

    await g1!.leave(2_000);
    await g1!.stop();

    const left = await a.waitForState('gleave-1', 'left', 20_000);
    expect(left.state).toBe('left');
    expect(a.events.some((e) => e.type === 'leave' && e.member.name === 'gleave-1' && e.member.state === 'left')).toBe(true);
    await g0!.waitForState('gleave-1', 'left', 20_000);
  });

  it('given a mixed cluster, when a TS node leaves gracefully, then the Go nodes mark it left', async () => {
    const [g0, g1] = await startGoPeers(2, 'tleave');
    const a = await TsPeer.start({ name: 'tleave-a' }, teardown);
    const b = await TsPeer.start({ name: 'tleave-b' }, teardown);
    await g1!.join([g0!.address]);
    await a.memberlist.join([g0!.address]);
    await b.memberlist.join([g1!.address]);
    const names = ['tleave-0', 'tleave-1', 'tleave-a', 'tleave-b'];
    await waitGoAlive([g0!, g1!], names, 20_000);

    await b.memberlist.leave(2_000);
    await b.shutdown();

    for (const go of [g0!, g1!]) {
      await go.waitForState('tleave-b', 'left', 20_000);
      const leave = await go.waitForEvent((e) => e.type === 'leave' && e.node.name === 'tleave-b', 20_000);
      expect(leave).toMatchObject({ node: { state: 'left' } });
    }
    await eventually('TS peer sees tleave-b left', 20_000, () => a.member('tleave-b')?.state === 'left');
  });

  it('given memberlist\'s default LAN timings on both sides (no overrides), then a TS node and a Go node join, talk and part', async () => {
    // No GO_FAST: memberlist's DefaultLANConfig as is.
    const go = await startGoPeer({ name: 'lan-go', preset: 'lan', ...NO_OVERRIDES });
    const ts = await TsPeer.start({ name: 'lan-ts', bind: '127.0.0.1:0' }, teardown, { timings: 'preset' });
    expect(ts.memberlist.protocolVersion()).toBe(2);

    await ts.memberlist.join([go.address]);
    await ts.waitForAlive(['lan-go', 'lan-ts'], 20_000);
    await waitGoAlive([go], ['lan-go', 'lan-ts'], 20_000);
    await go.sendReliable('lan-ts', bytes('default timings'));
    await ts.waitForMessage('default timings', 20_000);

    await ts.memberlist.leave(5_000);
    await go.waitForState('lan-ts', 'left', 20_000);
  });

  it('given seeds that are a host name, a dead address and a live Go node, when a TS node joins, then the reachable ones count and the dead one is skipped', async () => {
    const [g0, g1] = await startGoPeers(2, 'seeds');
    await g1!.join([g0!.address]);
    const ts = await TsPeer.start({ name: 'seeds-ts' }, teardown);
    const dead = await TsPeer.start({ name: 'seeds-dead' }, teardown);
    const deadAddress = dead.address;
    await dead.shutdown();

    const joined = await ts.memberlist.join([`localhost:${g0!.port}`, deadAddress, g1!.address]);

    expect(joined).toBe(2);
    await ts.waitForAlive(['seeds-0', 'seeds-1', 'seeds-ts'], 20_000);
  });

  it('given a Go seed that answers too slowly, when the join is aborted through its signal, then it rejects promptly with ERR_ABORTED', async () => {
    const [go] = await startGoPeers(1, 'abort');
    await go!.setSlow(true, { minMs: 3_000, maxMs: 3_000 });
    const ts = await TsPeer.start({ name: 'abort-ts', tcpTimeoutMs: 10_000 }, teardown);

    const started = Date.now();
    await expect(ts.memberlist.join([go!.address], { signal: AbortSignal.timeout(300) })).rejects.toMatchObject({
      code: 'ERR_ABORTED',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(ts.memberNames()).toEqual(['abort-ts']);
  });
});
