// @module-tag go
/**
 * Network conditions between TS nodes and Go memberlist v0.2.2 nodes: IPv6 loopback, and a node whose inbound
 * UDP is blackholed while TCP still works, which memberlist keeps alive through the TCP fallback ping (probe
 * over a stream when UDP probes fail, PROTOCOL.md §6.5) in both directions.
 */
import { describe, expect, it } from 'vitest';
import {
  type InboundPacket,
  Memberlist,
  type Stream,
  type Transport,
  type TransportHandlers,
  UdpTcpTransport,
  systemClock,
  systemRandom,
} from 'gossip';
import { type GoPeerEvent } from '../src/index.js';
import { TIMINGS, TsPeer, bytes, eventually, startGoPeers, text, waitForRounds, waitGoAlive, useInteropSuite } from './interop-support.js';

const teardown = useInteropSuite();

const isMessage = (body: string) => (e: GoPeerEvent) => e.type === 'message' && text(e.data) === body;

/**
 * A UDP/TCP transport whose inbound datagrams can be blackholed (a firewall dropping UDP), streams untouched.
 * The `gossip` umbrella does not take a transport, so this node is built with core's `Memberlist.create`.
 */
class UdpBlackholeTransport implements Transport {
  blocked = false;
  dropped = 0;
  private readonly inner = new UdpTcpTransport({ bindAddress: '127.0.0.1', bindPort: 0 });

  start(handlers: TransportHandlers): Promise<void> {
    return this.inner.start({
      onPacket: (packet: InboundPacket) => {
        if (this.blocked) this.dropped++;
        else handlers.onPacket(packet);
      },
      onStream: (stream: Stream) => handlers.onStream(stream),
    });
  }
  advertiseAddress = () => this.inner.advertiseAddress();
  sendPacket = (to: string, data: Uint8Array) => this.inner.sendPacket(to, data);
  dial: Transport['dial'] = (to, options) => this.inner.dial(to, options);
  resolve = (address: string) => this.inner.resolve(address);
  shutdown = () => this.inner.shutdown();
}

describe('network conditions between TS and Go memberlist v0.2.2 nodes', () => {
  it('given IPv6 loopback, when a TS node joins a Go node and another Go node joins the TS node, then they converge and talk', async () => {
    const [g0, g1] = await startGoPeers(2, 'v6', { bindAddr: '::1' });
    const ts = await TsPeer.start({ name: 'v6-ts', bind: '[::1]:0' }, teardown);
    expect(ts.address).toMatch(/^\[::1\]:\d+$/);

    await ts.memberlist.join([g0!.address]);
    await g1!.join([ts.address]);

    const names = [g0!.name, g1!.name, ts.name];
    await ts.waitForAlive(names, 20_000);
    await waitGoAlive([g0!, g1!], names, 20_000);
    expect(ts.member(g1!.name)).toMatchObject({ addr: '::1', port: g1!.port });
    await ts.memberlist.sendBestEffort(g1!.name, bytes('v6 udp'));
    await ts.memberlist.sendReliable(g0!.name, bytes('v6 tcp'));
    await g1!.waitForEvent(isMessage('v6 udp'), 20_000);
    await g0!.waitForEvent(isMessage('v6 tcp'), 20_000);
  });

  it('given a TS node whose inbound UDP is blackholed, then TCP fallback pings keep it and the Go nodes alive on both sides', async () => {
    // Go's periodic push/pull is pushed out of the window, so every TCP dial a Go node makes is a fallback ping.
    const gos = await startGoPeers(2, 'tcpping', { suspicionMult: 6, pushPullIntervalMs: 60_000 });
    await gos[1]!.join([gos[0]!.address]);
    const transport = new UdpBlackholeTransport();
    const tcpRescues: string[] = [];
    const ts = await Memberlist.create({
      name: 'tcpping-ts',
      transport,
      clock: systemClock,
      random: systemRandom,
      ...TIMINGS,
      suspicionMult: 6,
      logger: {
        debug: () => {},
        info: () => {},
        warn: (fields, msg) => {
          if (msg.startsWith('was able to connect over TCP')) tcpRescues.push(String(fields.peer));
        },
        error: () => {},
      },
    });
    const tsLeaves: string[] = [];
    ts.on('leave', (e) => tsLeaves.push(`${e.member.name} ${e.member.state}`));
    try {
      await ts.join([gos[0]!.address]);
      const names = [...gos.map((g) => g.name), 'tcpping-ts'];
      await waitGoAlive(gos, names, 20_000);
      await eventually('TS sees both Go nodes', 20_000, () => ts.numMembers() === 3);
      const dialsBefore = await Promise.all(gos.map(async (g) => (await g.stats()).tcpDials));

      transport.blocked = true;
      // Longer than a suspicion timeout (1.8 s here): about 10 probe rounds on each Go node, counted by its direct
      // acks from the other Go node (every other round; probes of the TS node need the TCP fallback).
      await waitForRounds('UDP to the TS node blackholed', gos, { probes: 5 });
      const stillAlive = await Promise.all(gos.map(async (g) => (await g.members()).find((m) => m.name === 'tcpping-ts')?.state));
      const dialsAfter = await Promise.all(gos.map(async (g) => (await g.stats()).tcpDials));
      transport.blocked = false;

      expect(transport.dropped).toBeGreaterThan(10);
      // Still members after 3 s (a suspicion times out in 1.8 s here): at worst briefly suspected and refuted.
      expect(stillAlive.map((state) => state === 'alive' || state === 'suspect')).toEqual([true, true]);
      // The Go nodes reached the TS node over TCP fallback pings, several times each.
      dialsAfter.forEach((after, i) => expect(after - dialsBefore[i]!).toBeGreaterThanOrEqual(2));
      // ...and memberlist itself says that only the TCP probe got through.
      for (const g of gos) expect(g.stderr()).toContain('Was able to connect to tcpping-ts but other probes failed');
      // The TS node's own probes of the Go nodes were rescued by TCP pings too, so it declared nobody dead. (A
      // transient suspicion between the Go nodes on this busy machine may be seen, and its refutation reaches the
      // blackholed node only by push/pull; none may end in death.)
      expect(new Set(tcpRescues)).toEqual(new Set(gos.map((g) => g.name)));
      expect(tsLeaves).toEqual([]);
      for (const g of gos) expect(g.events.all().filter((e) => e.type === 'leave')).toEqual([]);
      await waitGoAlive(gos, names, 20_000);
      await eventually('TS sees everyone alive once UDP flows again', 20_000, () =>
        ts.members().every((m) => m.state === 'alive') && ts.numMembers() === 3,
      );
    } finally {
      await ts.shutdown();
    }
  });
});
