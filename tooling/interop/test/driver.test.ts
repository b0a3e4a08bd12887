// @module-tag go
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildGoProgram } from '@gossip/gotools';
import {
  GO_PEER_DIR,
  GoPeer,
  GoPeerCommandError,
  GoPeerExitedError,
  GoPeerTimeoutError,
  killAllGoProcesses,
  startGoCluster,
  type GoPeerEvent,
} from '../src/index.js';
import { FAST, bytes, key } from './fixtures.js';
import { eventually } from './interop-support.js';

beforeAll(async () => {
  await buildGoProgram(GO_PEER_DIR, 'go-peer');
}, 180_000);

afterEach(async () => {
  await killAllGoProcesses();
});

describe('the GoPeer driver', () => {
  it('given an invalid configuration, when starting, then it rejects with the Go error and leaves no process', async () => {
    const start = GoPeer.start({ ...FAST, name: 'bad', keys: [new Uint8Array(5)] });

    await expect(start).rejects.toBeInstanceOf(GoPeerExitedError);
    await expect(start).rejects.toThrow(/key size must be 16, 24 or 32 bytes/);
  });

  it('given a running peer, when it is stopped, then the process exits and later commands fail as exited', async () => {
    const peer = await GoPeer.start({ ...FAST, name: 'stopper' });

    await peer.stop();

    expect(peer.exited).toBe(true);
    await expect(peer.members()).rejects.toBeInstanceOf(GoPeerExitedError);
    const exit = await peer.waitForEvent((e) => e.type === 'exit', 100);
    expect(exit).toMatchObject({ type: 'exit', code: 0 });
  });

  it('given a peer, when it is killed, then its async event iterator ends with the exit event', async () => {
    const peer = await GoPeer.start({ ...FAST, name: 'iterated' });
    const seen: GoPeerEvent[] = [];
    const drained = (async () => {
      for await (const event of peer.events) seen.push(event);
    })();

    await peer.kill();
    await drained;

    expect(seen.at(-1)).toMatchObject({ type: 'exit', signal: 'SIGKILL' });
  });

  it('given an event that never comes, when waiting for it, then the wait times out with the node log', async () => {
    const peer = await GoPeer.start({ ...FAST, name: 'waiter' });

    const wait = peer.waitForEvent((e) => e.type === 'conflict', 200);

    await expect(wait).rejects.toBeInstanceOf(GoPeerTimeoutError);
    await expect(wait).rejects.toThrow(/waiter log \(tail\)/);
  });

  it('given two peers, when one pings the other by name, then memberlist reports a round-trip time', async () => {
    const [a] = await startGoCluster(2, { ...FAST, prefix: 'pinger' });

    const rtt = await a!.ping('pinger-1');

    // memberlist v0.2.2 takes its send timestamp after the write returns, so a loopback reply can come back
    // "before" it was sent by a few microseconds: a finite number near zero is the correct answer.
    expect(Number.isFinite(rtt)).toBe(true);
    expect(rtt).toBeGreaterThan(-1);
    expect(rtt).toBeLessThan(100);
    await expect(a!.healthScore()).resolves.toBe(0);
    const stats = await a!.stats();
    expect(stats.udpPackets).toBeGreaterThan(0);
    expect(stats.tcpAccepts).toBeGreaterThan(0);
    expect(stats.tcpBytes).toBeGreaterThan(0);
  });

  it('given a keyed peer, when it stops verifying incoming and outgoing traffic, then a keyless peer can join it', async () => {
    const keyed = await GoPeer.start({ ...FAST, name: 'verify-keyed', keys: [key(9, 16)] });
    const plain = await GoPeer.start({ ...FAST, name: 'verify-plain' });
    await expect(plain.join([keyed.address], 3_000)).rejects.toBeInstanceOf(GoPeerCommandError);

    await expect(keyed.setVerify({ incoming: false, outgoing: false })).resolves.toEqual({
      incoming: false,
      outgoing: false,
    });

    await expect(plain.join([keyed.address], 3_000)).resolves.toBe(1);
    await keyed.waitForMembers(2, 20_000);
  });

  it('given a cluster, when one peer is slowed, then its inbound traffic is delayed and its health score degrades', async () => {
    const [a, b, c] = await startGoCluster(3, { ...FAST, prefix: 'slow' });

    await c!.setSlow(true);

    // Its probes time out while its inbound acks sit in the delay: Lifeguard raises its health score.
    await eventually('the slowed peer delays inbound traffic and its health score rises', 30_000, async () =>
      (await c!.stats()).delayed > 0 && (await c!.healthScore()) > 0,
    );
    await c!.setSlow(false);
    await Promise.all([a!, b!].map((p) => p.waitForMembers(3, 30_000)));
  });

  it('given a peer, when meta over 512 bytes or an empty broadcast is requested, then the command is refused', async () => {
    const peer = await GoPeer.start({ ...FAST, name: 'limits' });

    await expect(peer.setMeta(new Uint8Array(513))).rejects.toThrow(/memberlist allows 512/);
    await expect(peer.broadcast(new Uint8Array(0))).rejects.toBeInstanceOf(GoPeerCommandError);
    await expect(peer.setMeta(bytes('ok'))).resolves.toBeUndefined();
  });
});

describe('the GoPeer driver on conflicts', () => {
  it('given a cluster, when a second peer claims a taken name from another address, then the conflict event is reported', async () => {
    const [a, b] = await startGoCluster(2, { ...FAST, prefix: 'dup' });
    const impostor = await GoPeer.start({ ...FAST, name: 'dup-1' });

    await impostor.join([a!.address]).catch(() => 0); // memberlist may refuse it; the conflict is what matters

    const conflict = await a!.waitForEvent((e) => e.type === 'conflict', 20_000);
    if (conflict.type !== 'conflict') throw new Error('unreachable');
    expect(conflict.existing).toMatchObject({ name: 'dup-1', port: b!.port });
    expect(conflict.other).toMatchObject({ name: 'dup-1', port: impostor.port, incarnation: null });
  });
});
