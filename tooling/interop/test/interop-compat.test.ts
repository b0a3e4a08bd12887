// @module-tag go
/**
 * Negotiation and identity between TS nodes and Go memberlist v0.2.2 nodes: delegate protocol versions
 * (memberlist's verifyProtocol), name conflicts, the metadata size limit, one-off pings, and a TS node speaking
 * protocol version 1 itself.
 */
import { describe, expect, it } from 'vitest';
import { JoinError, type Member } from 'gossip';
import { type GoPeerEvent } from '../src/index.js';
import { TsPeer, aesKey, bytes, eventually, startGoPeers, text, waitForRounds, waitGoAlive, useInteropSuite } from './interop-support.js';

const teardown = useInteropSuite();

const isMessage = (body: string) => (e: GoPeerEvent) => e.type === 'message' && text(e.data) === body;

describe('negotiation and identity between TS and Go memberlist v0.2.2 nodes', () => {
  it('given Go nodes speaking delegate protocol 3 (understanding 2…4), then a TS node speaking 3 joins and one speaking 0 is refused both ways', async () => {
    const versions = { delegateProtocolMin: 2, delegateProtocolMax: 4, delegateProtocolVersion: 3 };
    const [go] = await startGoPeers(1, 'dvsn', versions);
    const good = await TsPeer.start({ name: 'dvsn-good', ...versions }, teardown);
    const old = await TsPeer.start({ name: 'dvsn-old' }, teardown);

    await good.memberlist.join([go!.address]);
    await waitGoAlive([go!], [go!.name, good.name], 20_000);
    expect((await go!.members()).find((m) => m.name === good.name)!.vsn).toEqual([1, 5, 2, 2, 4, 3]);
    expect(good.member(go!.name)).toMatchObject({ dmin: 2, dmax: 4, dcur: 3 });

    await expect(old.memberlist.join([go!.address])).rejects.toBeInstanceOf(JoinError);
    await expect(go!.join([old.address], 5_000)).rejects.toThrow();
    await waitForRounds('after the refused joins', [go!, good], { probes: 3, pushPulls: 1 });
    expect(old.memberNames()).toEqual(['dvsn-old']);
    expect((await go!.members()).map((m) => m.name).sort()).toEqual(['dvsn-0', 'dvsn-good']);
  });

  it('given a Go node and a TS node claiming the same name, then both sides report the conflict and the established node keeps its name', async () => {
    const [g0, dup] = await startGoPeers(2, 'conf');
    await dup!.join([g0!.address]);
    const conflicts: { existing: Member; other: Member }[] = [];
    const ts = await TsPeer.start({ name: 'conf-1', conflict: { notifyConflict: (existing, other) => void conflicts.push({ existing, other }) } }, teardown);

    await ts.memberlist.join([g0!.address]);

    const goConflict = await g0!.waitForEvent((e) => e.type === 'conflict', 20_000);
    if (goConflict.type !== 'conflict') throw new Error('unreachable');
    expect(goConflict.existing).toMatchObject({ name: 'conf-1', port: dup!.port });
    expect(goConflict.other).toMatchObject({ name: 'conf-1', port: ts.memberlist.localNode().port });
    await eventually('the TS node reports the conflict', 20_000, () => conflicts.length > 0);
    expect(conflicts[0]!.existing.port).toBe(ts.memberlist.localNode().port);
    expect(conflicts[0]!.other.port).toBe(dup!.port);
    expect((await g0!.members()).find((m) => m.name === 'conf-1')!.port).toBe(dup!.port);
  });

  it('given 512-byte metadata (memberlist\'s MetaMaxSize) on both sides, then each sees the other\'s in full', async () => {
    const goMeta = bytes('g'.repeat(512));
    const tsMeta = bytes('t'.repeat(512));
    const [go] = await startGoPeers(1, 'meta512', { meta: goMeta });
    const ts = await TsPeer.start({ name: 'meta512-ts', meta: tsMeta }, teardown);
    await ts.memberlist.join([go!.address]);
    await waitGoAlive([go!], [go!.name, ts.name], 20_000);
    expect(ts.member(go!.name)!.meta).toEqual(goMeta);
    expect((await go!.members()).find((m) => m.name === ts.name)!.meta).toEqual(tsMeta);
  });

  it('given a pair, when each pings the other once, then both get a round-trip time', async () => {
    const [go] = await startGoPeers(1, 'ping');
    const ts = await TsPeer.start({ name: 'ping-ts' }, teardown);
    await ts.memberlist.join([go!.address]);
    await waitGoAlive([go!], [go!.name, ts.name], 20_000);
    await expect(ts.memberlist.ping(go!.name)).resolves.toBeGreaterThanOrEqual(0);
    // memberlist v0.2.2 stamps the send time after the write returns, so a loopback reply can appear a few
    // microseconds "early": any finite value above -1 ms is a correct round trip.
    await expect(go!.ping(ts.name)).resolves.toBeGreaterThan(-1);
  });

  it('given ack payloads on both sides (PingDelegate), when probes complete, then each side gets the other\'s payload and an RTT', async () => {
    const [go] = await startGoPeers(1, 'ackp', { ackPayload: bytes('go-coords'), pingEvents: true });
    const completions: { name: string; rttMs: number; payload: string }[] = [];
    const ts = await TsPeer.start(
      {
        name: 'ackp-ts',
        ping: {
          ackPayload: () => bytes('ts-coords'),
          notifyPingComplete: (other, rttMs, payload) => void completions.push({ name: other.name, rttMs, payload: text(payload) }),
        },
      },
      teardown,
    );
    await ts.memberlist.join([go!.address]);

    const fromGo = await go!.waitForEvent((e) => e.type === 'pingComplete' && e.node === ts.name, 20_000);
    if (fromGo.type !== 'pingComplete') throw new Error('unreachable');
    expect(text(fromGo.payload)).toBe('ts-coords');
    expect(fromGo.rttMs).toBeGreaterThan(-1); // Go stamps the send time after the write (see above)
    await eventually('a TS probe of the Go node completes', 20_000, () => completions.some((c) => c.name === go!.name));
    expect(completions.find((c) => c.name === go!.name)).toMatchObject({ payload: 'go-coords' });
  });

  it('given a TS node speaking protocol version 1 with AES-128 (it seals with padded version 0), then a Go node on the same port number converges and talks with it', async () => {
    const key = aesKey(0x61, 16);
    const ts = await TsPeer.start({ name: 'tsv1-ts', bind: '127.0.0.23:0', protocolVersion: 1, keys: [key] }, teardown);
    const port = ts.memberlist.localNode().port;
    const [go] = await startGoPeers(1, 'tsv1-go', { bindAddr: '127.0.0.24', bindPort: port, keys: [key] });

    await ts.memberlist.join([go!.address]);
    const names = [go!.name, ts.name];
    await ts.waitForAlive(names, 20_000);
    await waitGoAlive([go!], names, 20_000);
    expect((await go!.members()).find((m) => m.name === ts.name)!.vsn).toEqual([1, 5, 1, 0, 0, 0]);
    await ts.memberlist.sendBestEffort(go!.name, bytes('v0-sealed udp'));
    await ts.memberlist.sendReliable(go!.name, bytes('v0-sealed tcp'));
    await go!.waitForEvent(isMessage('v0-sealed udp'), 20_000);
    await go!.waitForEvent(isMessage('v0-sealed tcp'), 20_000);
    await go!.sendReliable(ts.name, bytes('to the v1 node'));
    await ts.waitForMessage('to the v1 node', 20_000);
  });
});
