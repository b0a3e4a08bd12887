// @module-tag go
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildGoProgram } from '@gossip/gotools';
import {
  GO_PEER_DIR,
  GoPeer,
  GoPeerCommandError,
  killAllGoProcesses,
  liveGoProcessCount,
  startGoCluster,
  type GoPeerEvent,
} from '../src/index.js';
import { FAST, bytes, key, text } from './fixtures.js';
import { waitForRounds } from './interop-support.js';

const isMessage = (body: string) => (e: GoPeerEvent) => e.type === 'message' && text(e.data) === body;

beforeAll(async () => {
  await buildGoProgram(GO_PEER_DIR, 'go-peer');
}, 180_000);

afterEach(async () => {
  await killAllGoProcesses();
  expect(liveGoProcessCount()).toBe(0);
});

describe('a cluster of Go memberlist peers driven over JSON lines', () => {
  it('given three peers, when two join the first, then every peer sees three alive members', async () => {
    const peers = await startGoCluster(3, { ...FAST, prefix: 'form' });

    for (const peer of peers) {
      const members = await peer.members();
      expect(members.map((m) => m.name).sort()).toEqual(['form-0', 'form-1', 'form-2']);
      for (const m of members) {
        expect(m).toMatchObject({ addr: '127.0.0.1', state: 'alive', vsn: [1, 5, 2, 0, 0, 0] });
        expect(m.incarnation).toBeGreaterThanOrEqual(1);
      }
      expect(members.find((m) => m.name === 'form-1')!.port).toBe(peers[1]!.port);
      await expect(peer.numMembers()).resolves.toBe(3);
    }
    const joined = await peers[0]!.waitForEvent((e) => e.type === 'join' && e.node.name === 'form-2', 20_000);
    expect(joined).toMatchObject({ type: 'join', node: { name: 'form-2', state: 'alive' } });
  });

  it('given a cluster, when one peer is SIGKILLed, then the others declare it dead (not left)', async () => {
    const [a, b, c] = await startGoCluster(3, { ...FAST, prefix: 'crash' });

    await c!.kill();

    for (const observer of [a!, b!]) {
      await observer.waitForState('crash-2', 'dead', 30_000);
      const leave = await observer.waitForEvent((e) => e.type === 'leave' && e.node.name === 'crash-2', 20_000);
      expect(leave).toMatchObject({ node: { state: 'dead' } });
      await observer.waitForMembers(2, 20_000);
    }
  });

  it('given a cluster, when a peer leaves gracefully, then the others mark it left', async () => {
    const [a, b, c] = await startGoCluster(3, { ...FAST, prefix: 'leave' });

    await c!.leave(2_000);
    await c!.stop();

    for (const observer of [a!, b!]) {
      await observer.waitForState('leave-2', 'left', 20_000);
      const leave = await observer.waitForEvent((e) => e.type === 'leave' && e.node.name === 'leave-2', 20_000);
      expect(leave).toMatchObject({ node: { state: 'left' } });
    }
  });

  it('given a cluster, when a peer changes its meta and updates, then the others see the new meta and incarnation', async () => {
    const [a, b] = await startGoCluster(3, { ...FAST, prefix: 'meta', meta: bytes('v1') });
    const before = (await b!.members()).find((m) => m.name === 'meta-0')!;
    expect(text(before.meta)).toBe('v1');

    await a!.setMeta(bytes('role=db'));
    await a!.updateNode(2_000);

    const update = await b!.waitForEvent((e) => e.type === 'update' && e.node.name === 'meta-0', 20_000);
    if (update.type !== 'update') throw new Error('unreachable');
    expect(text(update.node.meta)).toBe('role=db');
    expect(update.node.incarnation).toBeGreaterThan(before.incarnation!);
  });

  it('given a cluster, when user messages are sent best-effort and reliably, then the target delivers both', async () => {
    const [a, b] = await startGoCluster(2, { ...FAST, prefix: 'msg' });

    await a!.sendBestEffort('msg-1', bytes('over udp'));
    await a!.sendReliable('msg-1', bytes('over tcp'));

    await b!.waitForEvent(isMessage('over udp'), 20_000);
    await b!.waitForEvent(isMessage('over tcp'), 20_000);
    await expect(a!.sendReliable('nobody', bytes('x'))).rejects.toBeInstanceOf(GoPeerCommandError);
  });

  it('given a cluster, when a peer queues a broadcast, then every other peer receives it via gossip', async () => {
    const [a, b, c] = await startGoCluster(3, { ...FAST, prefix: 'bcast' });

    await a!.broadcast(bytes('hello cluster'));

    await b!.waitForEvent(isMessage('hello cluster'), 20_000);
    await c!.waitForEvent(isMessage('hello cluster'), 20_000);
  });

  it('given a cluster, when a peer sets its user state, then push/pull delivers it to the others', async () => {
    const [a, b] = await startGoCluster(2, { ...FAST, prefix: 'state' });

    await a!.setUserState(bytes('kv-snapshot-7'));

    const merged = await b!.waitForEvent(
      (e) => e.type === 'mergeRemoteState' && text(e.data) === 'kv-snapshot-7',
      20_000,
    );
    expect(merged).toMatchObject({ type: 'mergeRemoteState', join: false });
  });

  it('given an AES-256 keyring cluster, when a keyless peer tries to join, then it is refused and the cluster is intact', async () => {
    const peers = await startGoCluster(3, { ...FAST, prefix: 'aes', keys: [key(7)] });
    const ring = await peers[0]!.keys();
    expect(ring.keys).toHaveLength(1);
    expect(ring.primary).toEqual(key(7));

    const outsider = await GoPeer.start({ ...FAST, name: 'aes-outsider' });
    await expect(outsider.join([peers[0]!.address], 3_000)).rejects.toBeInstanceOf(GoPeerCommandError);

    for (const peer of peers) await peer.waitForMembers(3, 20_000);
  });

  it('given a keyring cluster, when a key is installed, made primary and the old one removed, then no member is lost', async () => {
    const oldKey = key(1);
    const newKey = key(2);
    const peers = await startGoCluster(3, { ...FAST, prefix: 'rotate', keys: [oldKey] });
    const since = peers.map((p) => p.events.mark());

    for (const peer of peers) await peer.installKey(newKey);
    for (const peer of peers) await peer.useKey(newKey);
    await Promise.all(peers.map((peer) => peer.waitForMembers(3, 20_000)));
    for (const peer of peers) expect((await peer.removeKey(oldKey)).keys).toEqual([newKey]);

    // Two push/pull periods and many probes later, everyone is still alive and nobody was ever declared gone.
    await waitForRounds('on the new key only', peers, { probes: 6, pushPulls: 2 });
    for (const [i, peer] of peers.entries()) {
      await peer.waitForMembers(3, 20_000);
      const lost = peer.events.all().slice(since[i]).filter((e) => e.type === 'leave');
      expect(lost).toEqual([]);
    }
    const newcomer = await GoPeer.start({ ...FAST, name: 'rotate-new', keys: [newKey] });
    await newcomer.join([peers[1]!.address]);
    await newcomer.waitForMembers(4, 20_000);
  });

  it('given peers sharing one port on distinct loopback IPs, when a protocol-version-1 peer joins, then all see it alive', async () => {
    // Protocol version 1 ignores advertised ports and uses its own bind port for every peer, so a v1 cluster
    // only works when all nodes share one port: give each its own 127.0.0.x.
    const first = await GoPeer.start({ ...FAST, name: 'v2-a', bindAddr: '127.0.0.21' });
    const second = await GoPeer.start({ ...FAST, name: 'v2-b', bindAddr: '127.0.0.22', bindPort: first.port });
    const old = await GoPeer.start({
      ...FAST,
      name: 'v1',
      bindAddr: '127.0.0.23',
      bindPort: first.port,
      protocolVersion: 1,
    });
    await second.join([first.address]);

    await expect(old.join([first.address])).resolves.toBe(1);

    for (const peer of [first, second, old]) {
      const members = await peer.waitForMembers(3, 20_000);
      expect(members.find((m) => m.name === 'v1')!.vsn.slice(0, 3)).toEqual([1, 5, 1]);
    }
    await waitForRounds('with a version-1 peer', [first, second, old], { probes: 4 });
    for (const peer of [first, second, old]) {
      expect((await peer.members()).every((m) => m.state === 'alive')).toBe(true);
    }
  });
});
