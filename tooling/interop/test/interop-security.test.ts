// @module-tag go
/**
 * Encryption between TS nodes and Go memberlist v0.2.2 nodes: AES-128 and AES-256 clusters, a rolling key
 * rotation across a live mixed cluster, and memberlist's three-step migration of a live cluster from plaintext
 * to encryption with the GossipVerifyIncoming / GossipVerifyOutgoing switches.
 */
import { describe, expect, it } from 'vitest';
import { JoinError, Keyring, encodeKeyBase64 } from 'gossip';
import { type GoPeer as GoPeerType, type GoPeerEvent } from '../src/index.js';
import {
  TsPeer,
  aesKey,
  bytes,
  leaveEvents,
  startGoPeers,
  text,
  waitForRounds,
  waitGoAlive,
  useInteropSuite,
} from './interop-support.js';

const teardown = useInteropSuite();

const isMessage = (body: string) => (e: GoPeerEvent) => e.type === 'message' && text(e.data) === body;

/** Go 'leave' events seen by `peers` (dead or left). */
function goLeaves(peers: readonly GoPeerType[]): string[] {
  return peers.flatMap((p) =>
    p.events.all().flatMap((e) => (e.type === 'leave' ? [`${p.name} saw ${e.node.name} ${e.node.state}`] : [])),
  );
}

describe.each([
  { bits: 128, length: 16 as const },
  { bits: 256, length: 32 as const },
])('an AES-$bits encrypted cluster of TS and Go memberlist v0.2.2 nodes', ({ bits, length }) => {
  it('given 2 Go and 2 TS nodes sharing one key, then they converge, exchange messages, and refuse keyless and wrong-key nodes', async () => {
    const key = aesKey(0x40 + length, length);
    const prefix = `aes${bits}`;
    const gos = await startGoPeers(2, prefix, { keys: [key] });
    const a = await TsPeer.start({ name: `${prefix}-a`, keys: [encodeKeyBase64(key)] }, teardown);
    const b = await TsPeer.start({ name: `${prefix}-b`, keys: [key] }, teardown);
    await gos[1]!.join([a.address]);
    await a.memberlist.join([gos[0]!.address]);
    await b.memberlist.join([gos[1]!.address]);
    const names = [gos[0]!.name, gos[1]!.name, a.name, b.name];
    await Promise.all([a.waitForAlive(names, 20_000), b.waitForAlive(names, 20_000), waitGoAlive(gos, names, 20_000)]);

    await a.memberlist.sendBestEffort(gos[0]!.name, bytes(`${prefix} udp from ts`));
    await a.memberlist.sendReliable(gos[1]!.name, bytes(`${prefix} tcp from ts`));
    await gos[0]!.waitForEvent(isMessage(`${prefix} udp from ts`), 20_000);
    await gos[1]!.waitForEvent(isMessage(`${prefix} tcp from ts`), 20_000);
    await gos[0]!.sendBestEffort(b.name, bytes(`${prefix} udp from go`));
    await gos[1]!.sendReliable(b.name, bytes(`${prefix} tcp from go`));
    await b.waitForMessage(`${prefix} udp from go`, 20_000);
    await b.waitForMessage(`${prefix} tcp from go`, 20_000);

    // A Go node without the key cannot join through a TS node, nor a TS node with another key through Go.
    const [keyless] = await startGoPeers(1, `${prefix}-keyless`);
    await expect(keyless!.join([a.address], 5_000)).rejects.toThrow();
    const stranger = await TsPeer.start({ name: `${prefix}-stranger`, keys: [aesKey(0x01, length)] }, teardown);
    await expect(stranger.memberlist.join([gos[0]!.address])).rejects.toBeInstanceOf(JoinError);
    await waitForRounds('after the refused joins', [a, b, ...gos], { probes: 3, pushPulls: 1 });
    expect(a.memberNames()).toEqual([...names].sort());
    expect((await gos[0]!.members()).map((m) => m.name).sort()).toEqual([...names].sort());
    expect(leaveEvents([a, b])).toEqual([]);
  });
});

describe('key management across a live mixed cluster', () => {
  it('given a cluster on key 1, when key 2 is installed, used, and key 1 removed everywhere, then no member is lost', async () => {
    const oldKey = aesKey(0x11, 32);
    const newKey = aesKey(0x22, 16);
    const gos = await startGoPeers(2, 'rot', { keys: [oldKey] });
    const rings = [new Keyring([oldKey]), new Keyring([oldKey])];
    const tss = [
      await TsPeer.start({ name: 'rot-a', keyring: rings[0] }, teardown),
      await TsPeer.start({ name: 'rot-b', keyring: rings[1] }, teardown),
    ];
    await tss[0]!.memberlist.join([gos[0]!.address]);
    await gos[1]!.join([tss[0]!.address]);
    await tss[1]!.memberlist.join([gos[1]!.address]);
    const names = [...gos.map((g) => g.name), ...tss.map((t) => t.name)];
    await Promise.all([...tss.map((t) => t.waitForAlive(names, 20_000)), waitGoAlive(gos, names, 20_000)]);

    // One node at a time, as an operator would, letting a probe round run everywhere between nodes and steps.
    const steps: { what: string; go: (g: GoPeerType) => Promise<unknown>; ts: (r: Keyring) => unknown }[] = [
      { what: 'install key 2', go: (g) => g.installKey(newKey), ts: (r) => r.addKey(newKey) },
      { what: 'use key 2', go: (g) => g.useKey(newKey), ts: (r) => r.useKey(newKey) },
      { what: 'remove key 1', go: (g) => g.removeKey(oldKey), ts: (r) => r.removeKey(oldKey) },
    ];
    for (const step of steps) {
      for (let i = 0; i < 2; i++) {
        await step.go(gos[i]!);
        await waitForRounds(`${step.what} on ${gos[i]!.name}`, [...tss, ...gos], { probes: 1 });
        step.ts(rings[i]!);
        await waitForRounds(`${step.what} on ${tss[i]!.name}`, [...tss, ...gos], { probes: 1 });
      }
      await Promise.all([...tss.map((t) => t.waitForAlive(names, 20_000)), waitGoAlive(gos, names, 20_000)]);
      await tss[0]!.memberlist.sendReliable(gos[1]!.name, bytes(`after ${step.what}`));
      await gos[1]!.waitForEvent(isMessage(`after ${step.what}`), 20_000);
    }

    for (const g of gos) expect((await g.keys()).keys).toEqual([newKey]);
    for (const r of rings) expect(r.keys()).toEqual([newKey]);
    expect(leaveEvents(tss)).toEqual([]);
    expect(goLeaves(gos)).toEqual([]);

    // The old key no longer opens the cluster; the new one does.
    const [oldOnly] = await startGoPeers(1, 'rot-old', { keys: [oldKey] });
    await expect(oldOnly!.join([tss[1]!.address], 5_000)).rejects.toThrow();
    const newcomer = await TsPeer.start({ name: 'rot-new', keys: [newKey] }, teardown);
    await expect(newcomer.memberlist.join([gos[0]!.address])).resolves.toBe(1);
    await newcomer.waitForAlive([...names, 'rot-new'], 20_000);
  });

  it('given a live plaintext cluster, when encryption is rolled out with the verify switches in 3 steps, then no member is lost and plaintext is refused at the end', async () => {
    const key = aesKey(0x33, 32);
    // Go nodes start as a plain cluster: no key (v0.2.2 reads its keyring live, so a key can be installed later).
    const gos = await startGoPeers(2, 'mig', { gossipVerifyIncoming: false, gossipVerifyOutgoing: false });
    // TS nodes start as plain nodes too (no keys at all).
    const tss = [await TsPeer.start({ name: 'mig-a' }, teardown), await TsPeer.start({ name: 'mig-b' }, teardown)];
    await gos[1]!.join([gos[0]!.address]);
    await tss[0]!.memberlist.join([gos[0]!.address]);
    await tss[1]!.memberlist.join([tss[0]!.address]);
    const names = [...gos.map((g) => g.name), ...tss.map((t) => t.name)];
    await Promise.all([...tss.map((t) => t.waitForAlive(names, 20_000)), waitGoAlive(gos, names, 20_000)]);
    // Still plaintext: a keyless Go node can join.
    const [plainBefore] = await startGoPeers(1, 'mig-plain-before');
    await expect(plainBefore!.join([tss[1]!.address], 5_000)).resolves.toBe(1);
    await plainBefore!.leave(2_000);
    await plainBefore!.stop();

    // Step 1: every node gets the key with both switches off (still plaintext on the wire). v0.2.2 reads its
    // keyring live, so Go nodes install it in place; a TS node's cipher is fixed at creation, so TS nodes take
    // the documented route, a rolling restart (same name and address) with the new configuration.
    for (const g of gos) await g.installKey(key);
    for (let i = 0; i < 2; i++) {
      const { name, address } = tss[i]!;
      await tss[i]!.shutdown();
      tss[i] = await TsPeer.start(
        { name, bind: address, keys: [key], gossipVerifyIncoming: false, gossipVerifyOutgoing: false },
        teardown,
      );
      await tss[i]!.memberlist.join([gos[i]!.address]);
      await Promise.all([...tss.map((t) => t.waitForAlive(names, 20_000)), waitGoAlive(gos, names, 20_000)]);
    }
    await waitForRounds('step 1 done', [...tss, ...gos], { probes: 2 });
    // Step 2: encrypt outgoing everywhere (plaintext still accepted from nodes not yet switched).
    for (let i = 0; i < 2; i++) {
      await gos[i]!.setVerify({ outgoing: true });
      await waitForRounds(`${gos[i]!.name} encrypts outgoing`, [...tss, ...gos], { probes: 1 });
      tss[i]!.memberlist.setGossipVerify({ outgoing: true });
      await waitForRounds(`${tss[i]!.name} encrypts outgoing`, [...tss, ...gos], { probes: 1 });
    }
    await Promise.all([...tss.map((t) => t.waitForAlive(names, 20_000)), waitGoAlive(gos, names, 20_000)]);
    // Step 3: require encryption on incoming traffic everywhere.
    for (let i = 0; i < 2; i++) {
      await gos[i]!.setVerify({ incoming: true });
      await waitForRounds(`${gos[i]!.name} requires encryption`, [...tss, ...gos], { probes: 1 });
      tss[i]!.memberlist.setGossipVerify({ incoming: true });
      await waitForRounds(`${tss[i]!.name} requires encryption`, [...tss, ...gos], { probes: 1 });
    }
    await Promise.all([...tss.map((t) => t.waitForAlive(names, 20_000)), waitGoAlive(gos, names, 20_000)]);
    await waitForRounds('fully encrypted', [...tss, ...gos], { probes: 3, pushPulls: 1 });
    await Promise.all([...tss.map((t) => t.waitForAlive(names, 20_000)), waitGoAlive(gos, names, 20_000)]);

    const lost = [...leaveEvents(tss), ...goLeaves(gos)].filter((e) => !e.includes('mig-plain-before'));
    // (The restarted TS nodes' event logs start at their restart; the Go nodes saw the whole migration.)
    expect(lost).toEqual([]);
    await gos[0]!.sendReliable(tss[1]!.name, bytes('encrypted now'));
    await tss[1]!.waitForMessage('encrypted now', 20_000);

    // Plaintext is refused now, by Go and by TS nodes.
    const [plainAfter] = await startGoPeers(1, 'mig-plain-after');
    await expect(plainAfter!.join([tss[0]!.address], 5_000)).rejects.toThrow();
    await expect(plainAfter!.join([gos[0]!.address], 5_000)).rejects.toThrow();
    const plainTs = await TsPeer.start({ name: 'mig-plain-ts' }, teardown);
    await expect(plainTs.memberlist.join([gos[1]!.address])).rejects.toBeInstanceOf(JoinError);
  });
});
