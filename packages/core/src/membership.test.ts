import { encodeAlive, encodeCompound, encodeCompress, encodeDead, encodeSuspect, ipToBytes } from '@gossip/wire';
import type { Alive } from '@gossip/wire';
import type { InboundPacket, Transport, TransportHandlers } from '@gossip/transport';
import { afterEach, describe, expect, it } from 'vitest';
import type { MemberEvent } from './index.js';
import { TestCluster, type TestNode } from '../test/harness.js';
import { RawPeer } from '../test/raw-peer.js';

let cluster: TestCluster | undefined;
let peer: RawPeer | undefined;
afterEach(async () => {
  await peer?.shutdown();
  await cluster?.shutdown();
  cluster = undefined;
  peer = undefined;
});

const VSN = Uint8Array.of(1, 5, 2, 0, 0, 0);
const alive = (node: string, incarnation: number, extra: Partial<Alive> = {}): Uint8Array =>
  encodeAlive({ node, incarnation, addr: ipToBytes('10.0.0.50'), port: 7946, meta: null, vsn: VSN, ...extra });

async function setup(seed: string, overrides = {}): Promise<{ a: TestNode; events: MemberEvent[] }> {
  cluster = new TestCluster(seed);
  const a = await cluster.add('a', overrides);
  peer = await RawPeer.start(cluster.network, '10.0.0.50:7946');
  const events: MemberEvent[] = [];
  for (const t of ['join', 'leave', 'update', 'suspect', 'alive'] as const) a.node.on(t, (e) => events.push(e));
  return { a, events };
}

async function deliver(a: TestNode, ...msgs: Uint8Array[]): Promise<void> {
  for (const m of msgs) await peer!.send(a.address, m);
  await cluster!.advance(1);
}

describe('alive messages', () => {
  it('given an alive decoded as views into its datagram, when the datagram\'s bytes are overwritten afterwards, then the member keeps its address, meta and versions (what is kept was copied)', async () => {
    cluster = new TestCluster('alive-views');
    const received: Uint8Array[] = [];
    const capture = (t: Transport): Transport =>
      Object.assign(Object.create(t) as Transport, {
        start: (handlers: TransportHandlers) =>
          t.start({
            ...handlers,
            onPacket: (p: InboundPacket) => {
              handlers.onPacket(p);
              received.push(p.data);
            },
          }),
      });
    const a = await cluster.add('a', {}, undefined, { wrap: capture });
    peer = await RawPeer.start(cluster.network, '10.0.0.50:7946');
    // An address and metadata no other test interned, so nothing is shared from before.
    await deliver(a, alive('xv', 3, { addr: ipToBytes('10.77.0.9'), meta: Uint8Array.of(41, 42), vsn: Uint8Array.of(1, 5, 3, 1, 2, 1) }));
    expect(received.length).toBeGreaterThan(0);
    for (const data of received) data.fill(0xee);
    await cluster.advance(1_000);
    const x = a.node.member('xv')!;
    expect([x.address, [...x.meta], x.pmin, x.pmax, x.pcur, x.dmin, x.dmax, x.dcur]).toEqual(['10.77.0.9:7946', [41, 42], 1, 5, 3, 1, 2, 1]);
  });

  it('given an unknown node, when an alive arrives, then it joins with the advertised address, meta and versions', async () => {
    const { a, events } = await setup('alive-new');
    await deliver(a, alive('x', 3, { meta: Uint8Array.of(1, 2), vsn: Uint8Array.of(1, 5, 3, 1, 2, 1) }));
    const x = a.node.member('x')!;
    expect([x.state, x.incarnation, x.address, [...x.meta], x.pcur, x.dmax, x.dcur]).toEqual(['alive', 3, '10.0.0.50:7946', [1, 2], 3, 2, 1]);
    expect(events.map((e) => e.type)).toEqual(['join']);
  });

  it('given a known node, when an alive with an equal or lower incarnation arrives, then it is ignored', async () => {
    const { a, events } = await setup('alive-old');
    await deliver(a, alive('x', 3), alive('x', 3, { meta: Uint8Array.of(9) }), alive('x', 2, { meta: Uint8Array.of(9) }));
    expect(a.node.member('x')!.meta.length).toBe(0);
    expect(events.map((e) => e.type)).toEqual(['join']);
  });

  it('given a known node, when a newer alive changes its meta, then an update event fires', async () => {
    const { a, events } = await setup('alive-update');
    await deliver(a, alive('x', 1));
    await deliver(a, alive('x', 2, { meta: Uint8Array.of(7) }));
    expect(events.map((e) => e.type)).toEqual(['join', 'update']);
  });

  it('given invalid protocol versions or incarnation 0, when an alive arrives, then it is ignored', async () => {
    const { a } = await setup('alive-invalid');
    await deliver(a, alive('v', 1, { vsn: Uint8Array.of(0, 5, 2, 0, 0, 0) }), alive('w', 1, { vsn: Uint8Array.of(4, 2, 2, 0, 0, 0) }), alive('z', 0));
    expect(a.node.allMembers().map((m) => m.name)).toEqual(['a']);
  });

  it('given an alive delegate, when it returns an error, then the member is not admitted', async () => {
    const { a } = await setup('alive-delegate', {
      alive: { notifyAlive: (m: { name: string }) => (m.name.startsWith('evil') ? new Error('not our cluster') : undefined) },
    });
    await deliver(a, alive('evil-1', 1), alive('good-1', 1));
    expect(a.node.allMembers().map((m) => m.name).sort()).toEqual(['a', 'good-1']);
  });

  it('given cidrsAllowed, when an alive comes from or points outside it, then it is dropped', async () => {
    const { a } = await setup('alive-cidr', { cidrsAllowed: ['10.0.0.0/24'] });
    await deliver(a, alive('in', 1), alive('out', 1, { addr: ipToBytes('192.168.0.1') }));
    expect(a.node.allMembers().map((m) => m.name).sort()).toEqual(['a', 'in']);
  });

  it('given an alive about ourselves with a higher incarnation, when received, then we refute above it', async () => {
    const { a } = await setup('alive-self');
    await deliver(a, alive('a', 5, { addr: ipToBytes('10.0.0.1') }));
    expect(a.node.localNode().incarnation).toBe(6);
    expect(a.node.healthScore()).toBe(1);
  });
});

describe('suspect and dead messages', () => {
  it('given an alive node, when suspected, then it is suspect and then dead after the suspicion timeout', async () => {
    const { a, events } = await setup('suspect-timeout');
    await deliver(a, alive('x', 1));
    await deliver(a, encodeSuspect({ node: 'x', incarnation: 1, from: 'y' }));
    expect(a.node.member('x')!.state).toBe('suspect');
    // n = 2 ⇒ k = 0 ⇒ the timer runs for the minimum: 4 × max(1, log10 2) × 1 s = 4 s.
    await cluster!.advance(3_990);
    expect(a.node.member('x')!.state).toBe('suspect');
    await cluster!.advance(20);
    expect(a.node.member('x')!.state).toBe('dead');
    expect(events.map((e) => e.type)).toEqual(['join', 'suspect', 'leave']);
  });

  it('given a suspect node, when it refutes with a higher incarnation, then it is alive again and the timer is cancelled', async () => {
    const { a, events } = await setup('suspect-refuted');
    await deliver(a, alive('x', 1), encodeSuspect({ node: 'x', incarnation: 1, from: 'y' }));
    await deliver(a, alive('x', 2));
    await cluster!.advance(30_000);
    expect(a.node.member('x')!.state).toBe('alive');
    expect(events.map((e) => e.type)).toEqual(['join', 'suspect', 'alive']);
  });

  it('given a stale suspect (lower incarnation) or one about an unknown node, when received, then nothing changes', async () => {
    const { a } = await setup('suspect-stale');
    await deliver(a, alive('x', 5), encodeSuspect({ node: 'x', incarnation: 4, from: 'y' }), encodeSuspect({ node: 'q', incarnation: 9, from: 'y' }));
    expect(a.node.member('x')!.state).toBe('alive');
    expect(a.node.member('q')).toBeUndefined();
  });

  it('given a suspect about ourselves, when received, then we refute with a higher incarnation and stay alive', async () => {
    const { a } = await setup('suspect-self');
    await deliver(a, encodeSuspect({ node: 'a', incarnation: 1, from: 'y' }));
    expect(a.node.localNode()).toMatchObject({ state: 'alive', incarnation: 2 });
    expect(a.node.numQueuedBroadcasts()).toBeGreaterThan(0);
  });

  it('given a dead about ourselves from someone else, when received, then we refute and stay alive', async () => {
    const { a } = await setup('dead-self');
    await deliver(a, encodeDead({ node: 'a', incarnation: 4, from: 'y' }));
    expect(a.node.localNode()).toMatchObject({ state: 'alive', incarnation: 5 });
  });

  it('given a dead from the node itself, when received, then the node is marked left; from someone else, dead', async () => {
    const { a, events } = await setup('dead');
    await deliver(a, alive('x', 1), alive('y', 1, { addr: ipToBytes('10.0.0.51') }));
    await deliver(a, encodeDead({ node: 'x', incarnation: 1, from: 'x' }), encodeDead({ node: 'y', incarnation: 1, from: 'z' }));
    expect([a.node.member('x')!.state, a.node.member('y')!.state]).toEqual(['left', 'dead']);
    expect(events.filter((e) => e.type === 'leave').map((e) => e.member.name).sort()).toEqual(['x', 'y']);
    expect(a.node.numMembers()).toBe(1);
  });

  it('given a left node, when it comes back from another address, then its address is updated and it rejoins', async () => {
    const { a, events } = await setup('reclaim-left');
    await deliver(a, alive('x', 1), encodeDead({ node: 'x', incarnation: 1, from: 'x' }));
    await deliver(a, alive('x', 1, { addr: ipToBytes('10.0.0.77') }));
    expect(a.node.member('x')).toMatchObject({ state: 'alive', addr: '10.0.0.77' });
    expect(events.map((e) => e.type)).toEqual(['join', 'leave', 'join']);
  });

  it('given a dead node and deadNodeReclaimTime, when a new address claims the name after that time, then it is accepted', async () => {
    const { a } = await setup('reclaim-dead', { deadNodeReclaimTimeMs: 5_000, gossipToTheDeadTimeMs: 60_000 });
    await deliver(a, alive('x', 1), encodeDead({ node: 'x', incarnation: 1, from: 'y' }));
    await deliver(a, alive('x', 2, { addr: ipToBytes('10.0.0.77') }));
    expect(a.node.member('x')!.addr).toBe('10.0.0.50');
    await cluster!.advance(5_100);
    await deliver(a, alive('x', 2, { addr: ipToBytes('10.0.0.77') }));
    expect(a.node.member('x')).toMatchObject({ state: 'alive', addr: '10.0.0.77' });
  });

  it('given a dead node, when the gossip-to-the-dead time passes and the probe cycle wraps, then it is reaped', async () => {
    const { a } = await setup('reap');
    await deliver(a, alive('x', 1), encodeDead({ node: 'x', incarnation: 1, from: 'x' }));
    await cluster!.advance(35_000);
    expect(a.node.member('x')).toBeUndefined();
  });
});

describe('packet wrappers', () => {
  it('given state messages inside a compressed compound, when received, then each is applied', async () => {
    const { a } = await setup('wrapped');
    const inner = encodeCompound([alive('x', 1), alive('y', 1, { addr: ipToBytes('10.0.0.51') })], 127)[0]!;
    await deliver(a, encodeCompress(inner));
    expect(a.node.allMembers().map((m) => m.name).sort()).toEqual(['a', 'x', 'y']);
  });
});

describe('alive messages about ourselves (restart detection)', () => {
  it('given our own incarnation, when an alive about us with identical meta and versions arrives, then it is ignored', async () => {
    const { a } = await setup('alive-self-same');
    await deliver(a, alive('a', 1, { addr: ipToBytes('10.0.0.1') }));
    expect(a.node.localNode().incarnation).toBe(1);
    expect(a.node.healthScore()).toBe(0);
  });

  it('given our own incarnation, when an alive about us with the same incarnation but other meta or versions arrives, then we refute', async () => {
    const { a } = await setup('alive-self-differs');
    await deliver(a, alive('a', 1, { addr: ipToBytes('10.0.0.1'), meta: Uint8Array.of(1) }));
    expect(a.node.localNode().incarnation).toBe(2);
    await deliver(a, alive('a', 2, { addr: ipToBytes('10.0.0.1'), vsn: Uint8Array.of(1, 5, 3, 0, 0, 0) }));
    expect(a.node.localNode().incarnation).toBe(3);
    expect(a.node.localNode().meta.length).toBe(0);
  });

  it('given a suspicion running, when the original accuser repeats it, then it is no confirmation and is not re-gossiped; a new accuser is', async () => {
    const { a } = await setup('suspect-confirm');
    await deliver(a, alive('x', 1), alive('y', 1, { addr: ipToBytes('10.0.0.51') }), alive('z', 1, { addr: ipToBytes('10.0.0.52') }));
    await deliver(a, encodeSuspect({ node: 'x', incarnation: 1, from: 'y' }));
    const queued = a.node.numQueuedBroadcasts();
    await cluster!.advance(2_000); // gossip drains the queue
    const drained = a.node.numQueuedBroadcasts();
    await deliver(a, encodeSuspect({ node: 'x', incarnation: 1, from: 'y' }));
    expect(a.node.numQueuedBroadcasts()).toBe(drained);
    await deliver(a, encodeSuspect({ node: 'x', incarnation: 1, from: 'z' }));
    expect(a.node.numQueuedBroadcasts()).toBe(drained + 1);
    expect(queued).toBeGreaterThan(0);
  });
});

describe('gossip to the dead', () => {
  it('given a member declared dead, when gossip runs, then it keeps getting gossip for gossipToTheDeadTime (to refute) and none after', async () => {
    const { a } = await setup('gossip-to-dead', { gossipToTheDeadTimeMs: 10_000 });
    await deliver(a, alive('x', 1));
    await cluster!.advance(1_000);
    await deliver(a, encodeDead({ node: 'x', incarnation: 1, from: 'y' }));
    // Keep news flowing so that every gossip round has something to send.
    const before = peer!.packets.length;
    for (let i = 0; i < 18; i++) {
      await deliver(a, alive(`n${i}`, 1, { addr: ipToBytes(`10.0.1.${i + 1}`) }));
      await cluster!.advance(499);
    }
    const during = peer!.packets.length - before;
    await cluster!.advance(2_000);
    const after = peer!.packets.length;
    for (let i = 0; i < 20; i++) {
      await deliver(a, alive(`m${i}`, 1, { addr: ipToBytes(`10.0.2.${i + 1}`) }));
      await cluster!.advance(499);
    }
    expect(during).toBeGreaterThan(0);
    expect(peer!.packets.length - after).toBe(0);
  });
});

describe('shutdown while a suspicion expires', () => {
  it('given a suspicion timer that just fired (its confirmation turn pending), when the node shuts down, then no timer is left', async () => {
    const { a } = await setup('suspicion-shutdown', { gossipIntervalMs: 0, pushPullIntervalMs: 0 });
    await deliver(a, alive('x', 1));
    await deliver(a, encodeSuspect({ node: 'x', incarnation: 1, from: 'y' }));
    const firesAt = cluster!.clock.now() + 4_000 - 1;
    await cluster!.clock.advanceTo(firesAt);
    expect(a.node.member('x')!.state).toBe('suspect');
    await a.node.shutdown();
    await peer!.shutdown();
    peer = undefined;
    expect(cluster!.clock.pendingTimers()).toBe(0);
  });
});

describe('suspicion verification', () => {
  /**
   * a and b are real nodes; y and z are listed members that never answer (so k = 2 and nobody confirms). Every
   * datagram from b to a is lost (streams get through), so a never hears b's refutation of a suspicion that an
   * accuser, y, gossiped to a. No periodic push/pull could repair a's view meanwhile.
   */
  async function missedRefutation(seed: string, suspicionVerification: boolean): Promise<{ state: string | undefined; leaves: number }> {
    const quiet = { pushPullIntervalMs: 0, postJoinPushPullDelayMs: 0, suspicionVerification };
    const { a, events } = await setup(seed, quiet);
    const b = await cluster!.add('b', quiet);
    await cluster!.run(b.node.join([a.address]));
    await deliver(a, alive('y', 1), alive('z', 1));
    cluster!.network.setLink(b.address, a.address, { lossRate: 1, streamLossRate: 0 });
    await deliver(a, encodeSuspect({ node: 'b', incarnation: b.node.localNode().incarnation, from: 'y' }));
    expect(a.node.member('b')!.state).toBe('suspect');
    await cluster!.advance(60_000);
    return { state: a.node.member('b')?.state, leaves: events.filter((e) => e.type === 'leave' && e.member.name === 'b').length };
  }

  it('given a suspicion heard from one accuser whose refutation we missed, when its timer runs out, then a push/pull with the suspect clears it instead of declaring a live member dead', async () => {
    expect(await missedRefutation('verify-on', true)).toEqual({ state: 'alive', leaves: 0 });
  });

  it('given the same with suspicionVerification off, then the live member is declared dead at its stale incarnation (memberlist behaviour; reconnect brings it back later)', async () => {
    expect((await missedRefutation('verify-off', false)).leaves).toBe(1);
  });

  /**
   * a's own probes of b fail (every datagram between them is lost, TCP fallback pings off, streams get through),
   * so a suspects b first-hand; y and z never answer, so nobody confirms and b never hears of it by gossip. The
   * only way for a to learn that b is alive is to ask b itself.
   */
  async function unconfirmedOwnSuspicion(
    seed: string,
    suspicionVerification: boolean,
    streams: 'through' | 'refused',
  ): Promise<{ state: string | undefined; leaves: number; refuted: boolean }> {
    const quiet = { pushPullIntervalMs: 0, postJoinPushPullDelayMs: 0, suspicionVerification, disableTcpPings: true, reconnect: { intervalMs: 0, timeoutMs: 0 } };
    const { a, events } = await setup(seed, quiet);
    const b = await cluster!.add('b', quiet);
    await cluster!.run(b.node.join([a.address]));
    await deliver(a, alive('y', 1), alive('z', 1));
    cluster!.network.setLinkBothWays(a.address, b.address, { lossRate: 1, streamLossRate: 0 });
    await cluster!.advance(5_000);
    expect(a.node.member('b')!.state).toBe('suspect');
    const suspectedAt = a.node.member('b')!.incarnation;
    if (streams === 'refused') await b.node.shutdown();
    await cluster!.advance(120_000);
    const now = a.node.member('b');
    return {
      state: now?.state,
      leaves: events.filter((e) => e.type === 'leave' && e.member.name === 'b').length,
      refuted: (now?.incarnation ?? 0) > suspectedAt,
    };
  }

  it('given our own suspicion that nobody confirmed and whose refutation cannot reach us, when its timer runs out, then push/pulls with the suspect keep it from being declared dead (it refutes, and the next one brings the new incarnation)', async () => {
    // Our probes of it keep failing, so it may be suspected again at its new incarnation: never dead.
    expect(await unconfirmedOwnSuspicion('verify-own-on', true, 'through')).toMatchObject({ leaves: 0, refuted: true });
  });

  it('given the same with suspicionVerification off, then the live member is declared dead (memberlist behaviour)', async () => {
    expect(await unconfirmedOwnSuspicion('verify-own-off', false, 'through')).toMatchObject({ leaves: 1, refuted: false });
  });

  it('given our own unconfirmed suspicion of a member whose process is gone (the connection is refused), when its timer runs out, then it is declared dead', async () => {
    expect(await unconfirmedOwnSuspicion('verify-own-refused', true, 'refused')).toMatchObject({ leaves: 1 });
  });
});
