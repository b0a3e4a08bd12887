// @module-tag go
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildGoProgram } from '@gossip/gotools';
import { GO_PEER_DIR, GoPeer, killAllGoProcesses, poll, startGoCluster, type GoPeerEvent } from '../src/index.js';
import { FAST, bytes, key, text } from './fixtures.js';
import { eventually, waitForRounds } from './interop-support.js';
import {
  Keyring,
  cipherOf,
  shutdownTsNodes,
  startTsNode,
  tsProgress,
  waitForTsMembers,
  waitForTsState,
} from './ts-node.js';

const isMessage = (body: string) => (e: GoPeerEvent) => e.type === 'message' && text(e.data) === body;

beforeAll(async () => {
  await buildGoProgram(GO_PEER_DIR, 'go-peer');
}, 180_000);

afterEach(async () => {
  await shutdownTsNodes();
  await killAllGoProcesses();
});

describe('mixed clusters: TypeScript nodes and Go memberlist v0.2.2 nodes', () => {
  it('given a Go cluster, when a TS node joins it, then all four see four alive members', async () => {
    const goPeers = await startGoCluster(3, { ...FAST, prefix: 'go' });
    const ts = await startTsNode('ts-0');

    await expect(ts.node.join([goPeers[0]!.address])).resolves.toBe(1);

    const seen = await waitForTsMembers(ts, 4, 20_000);
    expect(seen.map((m) => m.name).sort()).toEqual(['go-0', 'go-1', 'go-2', 'ts-0']);
    for (const peer of goPeers) {
      const members = await peer.waitForMembers(4, 20_000);
      expect(members.find((m) => m.name === 'ts-0')).toMatchObject({
        addr: '127.0.0.1',
        port: ts.node.localNode().port,
        state: 'alive',
        vsn: [1, 5, 2, 0, 0, 0],
      });
    }
  });

  it('given a TS node, when a Go node joins it, then both see each other alive', async () => {
    const ts = await startTsNode('ts-seed');
    const go = await GoPeer.start({ ...FAST, name: 'go-joiner' });

    await expect(go.join([ts.address])).resolves.toBe(1);

    await go.waitForMembers(2, 20_000);
    await waitForTsMembers(ts, 2, 20_000);
  });

  it('given three Go and three TS nodes joining in turn, when they converge, then each sees six alive', async () => {
    const goPeers = await startGoCluster(3, { ...FAST, prefix: 'mix-go' });
    const tsNodes = [await startTsNode('mix-ts-0'), await startTsNode('mix-ts-1'), await startTsNode('mix-ts-2')];

    await tsNodes[0]!.node.join([goPeers[1]!.address]);
    await tsNodes[1]!.node.join([tsNodes[0]!.address]);
    await goPeers[2]!.join([tsNodes[2]!.address]);

    for (const ts of tsNodes) await waitForTsMembers(ts, 6, 30_000);
    for (const go of goPeers) {
      const members = await go.waitForMembers(6, 30_000);
      expect(members.every((m) => m.state === 'alive')).toBe(true);
    }
  });

  it('given a mixed cluster, when a Go node is SIGKILLed, then the TS node declares it dead', async () => {
    const goPeers = await startGoCluster(2, { ...FAST, prefix: 'kill-go' });
    const ts = await startTsNode('kill-ts');
    await ts.node.join([goPeers[0]!.address]);
    await waitForTsMembers(ts, 3, 20_000);

    await goPeers[1]!.kill();

    await waitForTsState(ts, 'kill-go-1', 'dead', 30_000);
    await goPeers[0]!.waitForState('kill-go-1', 'dead', 30_000);
  });

  it('given a mixed cluster, when the TS node leaves, then the Go nodes mark it left', async () => {
    const goPeers = await startGoCluster(2, { ...FAST, prefix: 'bye-go' });
    const ts = await startTsNode('bye-ts');
    await ts.node.join([goPeers[0]!.address]);
    await Promise.all(goPeers.map((p) => p.waitForMembers(3, 20_000)));

    await ts.node.leave(2_000);
    await ts.node.shutdown();

    for (const peer of goPeers) await peer.waitForState('bye-ts', 'left', 20_000);
  });

  it('given a mixed cluster, when user messages cross in both directions, then each side delivers them', async () => {
    const [go] = await startGoCluster(1, { ...FAST, prefix: 'talk-go' });
    const ts = await startTsNode('talk-ts');
    await ts.node.join([go!.address]);
    await go!.waitForMembers(2, 20_000);

    await ts.node.sendBestEffort('talk-go-0', bytes('ts→go udp'));
    await ts.node.sendReliable('talk-go-0', bytes('ts→go tcp'));
    await go!.sendBestEffort('talk-ts', bytes('go→ts udp'));
    await go!.sendReliable('talk-ts', bytes('go→ts tcp'));
    await go!.broadcast(bytes('go→ts gossip'));

    await go!.waitForEvent(isMessage('ts→go udp'), 20_000);
    await go!.waitForEvent(isMessage('ts→go tcp'), 20_000);
    await waitForTsMessages(ts.messages, ['go→ts udp', 'go→ts tcp', 'go→ts gossip'], 20_000);
  });
});

async function waitForTsMessages(received: string[], expected: string[], timeoutMs: number): Promise<void> {
  await eventually(`TS node receives ${JSON.stringify(expected)} (has ${JSON.stringify(received)})`, timeoutMs, () =>
    expected.every((m) => received.includes(m)),
  );
}

describe('mixed clusters: security, metadata, state and old protocol versions', () => {
  it('given a Go AES-256 cluster, when a TS node with the key joins, then all converge; a TS node with another key is refused', async () => {
    const goPeers = await startGoCluster(2, { ...FAST, prefix: 'enc-go', keys: [key(5)] });
    const ts = await startTsNode('enc-ts', { cipher: cipherOf(new Keyring([key(5)])) });
    const stranger = await startTsNode('enc-stranger', { cipher: cipherOf(new Keyring([key(6)])) });

    await expect(ts.node.join([goPeers[0]!.address])).resolves.toBe(1);
    await expect(stranger.node.join([goPeers[0]!.address])).rejects.toMatchObject({ code: 'ERR_JOIN' });

    await waitForTsMembers(ts, 3, 20_000);
    for (const peer of goPeers) await peer.waitForMembers(3, 20_000);
    await ts.node.sendReliable('enc-go-1', bytes('sealed'));
    await goPeers[1]!.waitForEvent(isMessage('sealed'), 20_000);
  });

  it('given a mixed keyring cluster, when every node installs, uses and removes keys in turn, then no member is lost', async () => {
    const [oldKey, newKey] = [key(11), key(12)];
    const goPeers = await startGoCluster(2, { ...FAST, prefix: 'rot-go', keys: [oldKey] });
    const ring = new Keyring([oldKey]);
    const ts = await startTsNode('rot-ts', { cipher: cipherOf(ring) });
    await ts.node.join([goPeers[0]!.address]);
    await Promise.all(goPeers.map((p) => p.waitForMembers(3, 20_000)));
    const since = goPeers.map((p) => p.events.mark());

    ring.addKey(newKey);
    for (const peer of goPeers) await peer.installKey(newKey);
    ring.useKey(newKey);
    for (const peer of goPeers) await peer.useKey(newKey);
    ring.removeKey(oldKey);
    for (const peer of goPeers) await peer.removeKey(oldKey);
    await waitForRounds('on the new key only', [...goPeers, tsProgress(ts)], { probes: 6, pushPulls: 2 });

    await waitForTsMembers(ts, 3, 20_000);
    for (const [i, peer] of goPeers.entries()) {
      await peer.waitForMembers(3, 20_000);
      expect(peer.events.all().slice(since[i]).filter((e) => e.type === 'leave')).toEqual([]);
    }
  });

  it('given a mixed cluster, when the TS node changes its meta, then Go nodes get an update with it', async () => {
    let meta = 'zone=a';
    const [go] = await startGoCluster(1, { ...FAST, prefix: 'meta-go' });
    const ts = await startTsNode('meta-ts', {
      delegate: { nodeMeta: () => bytes(meta) },
    });
    await ts.node.join([go!.address]);
    const joined = await go!.waitForEvent((e) => e.type === 'join' && e.node.name === 'meta-ts', 20_000);
    if (joined.type !== 'join') throw new Error('unreachable');
    expect(text(joined.node.meta)).toBe('zone=a');

    meta = 'zone=b';
    await ts.node.updateNode(2_000);

    const update = await go!.waitForEvent((e) => e.type === 'update' && e.node.name === 'meta-ts', 20_000);
    if (update.type !== 'update') throw new Error('unreachable');
    expect(text(update.node.meta)).toBe('zone=b');
    expect(update.node.incarnation).toBeGreaterThan(joined.node.incarnation!);
  });

  it('given a mixed cluster, when both sides publish user state, then push/pull carries it both ways', async () => {
    const go = await GoPeer.start({ ...FAST, name: 'pp-go', userState: bytes('from go') });
    const ts = await startTsNode('pp-ts', { userState: 'from ts' });

    await ts.node.join([go.address]);

    const merged = await go.waitForEvent((e) => e.type === 'mergeRemoteState' && text(e.data) === 'from ts', 20_000);
    expect(merged).toMatchObject({ join: true });
    await poll(3_000, () => Promise.resolve(ts.remoteStates.includes('from go') ? true : undefined));
    expect(ts.remoteStates).toContain('from go');
  });

  it('given a mixed cluster, when the TS node stops without leaving, then Go nodes declare it dead', async () => {
    const goPeers = await startGoCluster(2, { ...FAST, prefix: 'ts-crash-go' });
    const ts = await startTsNode('ts-crash');
    await ts.node.join([goPeers[0]!.address]);
    await Promise.all(goPeers.map((p) => p.waitForMembers(3, 20_000)));

    await ts.node.shutdown();

    for (const peer of goPeers) await peer.waitForState('ts-crash', 'dead', 30_000);
  });

  it('given nodes sharing one port on distinct loopback IPs, when a protocol-version-1 TS node with a key joins Go, then all stay alive', async () => {
    // Protocol version 1: ports are ignored (own bind port used) and encryption uses version 0 (PKCS#7 padding).
    const first = await GoPeer.start({ ...FAST, name: 'pv1-go-a', bindAddr: '127.0.0.31', keys: [key(3, 16)] });
    const second = await GoPeer.start({
      ...FAST,
      name: 'pv1-go-b',
      bindAddr: '127.0.0.32',
      bindPort: first.port,
      keys: [key(3, 16)],
    });
    await second.join([first.address]);
    const ts = await startTsNode('pv1-ts', {
      bindAddress: '127.0.0.33',
      bindPort: first.port,
      protocolVersion: 1,
      cipher: cipherOf(new Keyring([key(3, 16)])),
    });

    await expect(ts.node.join([first.address])).resolves.toBe(1);

    await waitForTsMembers(ts, 3, 20_000);
    for (const peer of [first, second]) {
      const members = await peer.waitForMembers(3, 20_000);
      expect(members.find((m) => m.name === 'pv1-ts')!.vsn.slice(0, 3)).toEqual([1, 5, 1]);
    }
    await waitForRounds('in both directions', [first, second, tsProgress(ts)], { probes: 4 });
    expect(ts.node.members().every((m) => m.state === 'alive')).toBe(true);
    for (const peer of [first, second]) expect((await peer.members()).every((m) => m.state === 'alive')).toBe(true);
  });
});
