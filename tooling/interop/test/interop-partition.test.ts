/**
 * Partitions in a mixed cluster on real sockets: a TS node is cut off from everyone (its transport blackholes
 * both ways, in-process) until the cluster has declared it dead and it has given up on the others, then the cut
 * heals. memberlist alone never re-forms such a cluster (it only gossips and pushes/pulls with live members);
 * the TS nodes' reconnect does, and a Go node sees an ordinary join. Meanwhile the cut node's isolation
 * awareness keeps its suspicions of the healthy nodes to itself: no Go node ever hears of their death. A real
 * crash afterwards is still detected by everyone, the formerly isolated node included.
 */
import { describe, expect, it } from 'vitest';
import {
  type InboundPacket,
  Memberlist,
  type Stream,
  type Transport,
  type TransportHandlers,
  TransportError,
  UdpTcpTransport,
  systemClock,
  systemRandom,
} from 'gossip';
import { type GoPeerEvent } from '../src/index.js';
import { TIMINGS, TsPeer, eventually, startGoPeers, useInteropSuite, waitGoAlive } from './interop-support.js';

const teardown = useInteropSuite();

/** A UDP/TCP transport that can be cut off from everyone, both ways: a host whose network link is down. */
class CuttableTransport implements Transport {
  cut = false;
  private readonly inner = new UdpTcpTransport({ bindAddress: '127.0.0.1', bindPort: 0 });

  start(handlers: TransportHandlers): Promise<void> {
    return this.inner.start({
      onPacket: (packet: InboundPacket) => {
        if (!this.cut) handlers.onPacket(packet);
      },
      onStream: (stream: Stream) => {
        if (this.cut) stream.destroy();
        else handlers.onStream(stream);
      },
    });
  }
  advertiseAddress = () => this.inner.advertiseAddress();
  sendPacket = (to: string, data: Uint8Array): Promise<void> => (this.cut ? Promise.resolve() : this.inner.sendPacket(to, data));
  dial: Transport['dial'] = (to, options) => {
    if (!this.cut) return this.inner.dial(to, options);
    // Across a cut a SYN goes unanswered: the dial times out at its deadline.
    const wait = Math.max(0, (options?.deadline ?? systemClock.now() + 10_000) - systemClock.now());
    return new Promise((_, reject) => setTimeout(() => reject(new TransportError('ERR_TIMEOUT', `dial ${to} timed out`)), wait));
  };
  resolve = (address: string) => this.inner.resolve(address);
  shutdown = () => this.inner.shutdown();
}

/** Reconnect every second (the presets' 30 s would outlast the test), failed members tried for a minute. */
const RECONNECT = { intervalMs: 1_000, timeoutMs: 60_000 };

describe('partitions in a mixed Go/TS cluster', () => {
  it('given 2 Go and 2 TS nodes, when a TS node is cut off until all gave each other up and the cut heals, then the cluster re-forms through reconnect, no Go node ever saw a healthy node die, and a later crash is still detected by all', async () => {
    const gos = await startGoPeers(2, 'part');
    await gos[1]!.join([gos[0]!.address]);
    const peer = await TsPeer.start({ name: 'part-ts', reconnect: RECONNECT }, teardown);
    const transport = new CuttableTransport();
    const logs: string[] = [];
    const record = (_: unknown, msg: string): void => void logs.push(msg);
    const logger = { debug: () => {}, info: record, warn: record, error: record };
    const runtime = { transport, clock: systemClock, random: systemRandom };
    const cutNode = await Memberlist.create({ name: 'part-cut', ...runtime, ...TIMINGS, reconnect: RECONNECT, logger });
    try {
      await peer.memberlist.join([gos[0]!.address]);
      await cutNode.join([gos[0]!.address]);
      const names = [...gos.map((g) => g.name), peer.name, 'part-cut'];
      await waitGoAlive(gos, names, 10_000);
      await peer.waitForAlive(names, 10_000);
      const goLeaves: GoPeerEvent[][] = gos.map(() => []);
      const offs = gos.map((g, i) => g.events.on((e) => void (e.type === 'leave' && goLeaves[i]!.push(e))));

      transport.cut = true;
      // Everyone declares the cut node dead; the cut node, isolated, holds its own suspicions and finally
      // declares the others dead without telling anyone (one extra maximum suspicion timeout: 7.2 s here).
      await Promise.all(gos.map((g) => g.waitForState('part-cut', 'dead', 15_000)));
      await peer.waitForState('part-cut', 'dead', 15_000);
      await eventually('the cut node gives up on everyone', 30_000, () => cutNode.numMembers() === 1);
      expect(logs).toContain('suspect timeout reached while isolated: holding the death');

      transport.cut = false;
      await waitGoAlive(gos, names, 15_000);
      await peer.waitForAlive(names, 15_000);
      await eventually('the cut node sees everyone alive', 15_000, () =>
        cutNode.members().filter((m) => m.state === 'alive').length === names.length,
      );
      // It was a reconnect that brought the halves together (memberlist has no other way back here).
      const reconnected = [...logs, ...peer.logs.map((l) => l.msg)].filter((m) => m === 'reconnected to a failed member');
      expect(reconnected.length).toBeGreaterThan(0);
      for (const off of offs) off();
      // The Go nodes saw the cut node leave (dead) and nothing else: no healthy member's death reached them.
      for (const leaves of goLeaves) expect(leaves.map((e) => (e.type === 'leave' ? e.node.name : ''))).toEqual(['part-cut']);
      expect(peer.events.filter((e) => e.type === 'leave').map((e) => e.member.name)).toEqual(['part-cut']);

      // Isolation awareness hides no real failure: a Go node's crash is seen by the other Go node and both TS nodes.
      await gos[1]!.kill();
      await gos[0]!.waitForState(gos[1]!.name, 'dead', 15_000);
      await peer.waitForState(gos[1]!.name, 'dead', 15_000);
      await eventually('the formerly cut node sees the crash', 15_000, () => cutNode.member(gos[1]!.name)?.state === 'dead');
    } finally {
      await cutNode.shutdown();
    }
  }, 120_000);
});
