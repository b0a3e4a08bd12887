/**
 * Cluster labels (memberlist ≥ 0.3 `Label`, PROTOCOL.md §5.2) over real UDP/TCP. memberlist v0.2.2 has no labels, so
 * labelled clusters are exercised between TS nodes, and the tests check that labels keep clusters apart: a
 * labelled and an unlabelled node (TS or Go v0.2.2), or two different labels, never merge.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { JoinError } from 'gossip';
import { liveGoProcessCount } from '../src/index.js';
import { BOUND, Teardown, TsPeer, aesKey, bytes, eventually, startGoPeers, waitForRounds } from './interop-support.js';

const teardown = new Teardown();

afterEach(async () => {
  // v0.2.2 logs the labelled packets it cannot read; that rejection is what the label test expects.
  expect(await teardown.run({ allowGoLog: [/Received invalid msgType \(244\)/] }), 'wire errors').toEqual([]);
  expect(liveGoProcessCount()).toBe(0);
});

describe('labelled clusters over real UDP/TCP', () => {
  it.each([
    { title: 'plaintext', keys: undefined },
    { title: 'AES-256 (label authenticated as GCM data)', keys: [aesKey(0x77, 32)] },
  ])('given three TS nodes labelled "prod" ($title), then they converge, exchange messages, and stay healthy', async ({ keys }) => {
    const prefix = keys === undefined ? 'lbl' : 'lblaes';
    const nodes = [
      await TsPeer.start({ name: `${prefix}-0`, label: 'prod', keys }, teardown),
      await TsPeer.start({ name: `${prefix}-1`, label: 'prod', keys }, teardown),
      await TsPeer.start({ name: `${prefix}-2`, label: 'prod', keys }, teardown),
    ];
    await nodes[1]!.memberlist.join([nodes[0]!.address]);
    await nodes[2]!.memberlist.join([nodes[1]!.address]);
    const names = nodes.map((n) => n.name);
    await Promise.all(nodes.map((n) => n.waitForAlive(names, 20_000)));

    await nodes[0]!.memberlist.sendBestEffort(names[2]!, bytes('labelled udp'));
    await nodes[2]!.memberlist.sendReliable(names[0]!, bytes('labelled tcp'));
    await nodes[2]!.waitForMessage('labelled udp', 20_000);
    await nodes[0]!.waitForMessage('labelled tcp', 20_000);
    await waitForRounds('probes, gossip and push/pull keep flowing under the label', nodes, { probes: 3, pushPulls: 1 });
    await Promise.all(nodes.map((n) => n.waitForAlive(names, 20_000)));
    expect(nodes.flatMap((n) => n.events).filter((e) => e.type === 'leave')).toEqual([]);
  });

  it.each([
    { title: 'labelled and unlabelled', left: 'prod', right: undefined },
    { title: 'two different labels', left: 'prod', right: 'staging' },
  ])('given two TS clusters, $title, when each tries to join the other, then both joins fail and they never merge', async ({ left, right }) => {
    const a = await TsPeer.start({ name: 'iso-a', label: left }, teardown);
    const a2 = await TsPeer.start({ name: 'iso-a2', label: left }, teardown);
    const b = await TsPeer.start({ name: 'iso-b', label: right }, teardown);
    await a2.memberlist.join([a.address]);

    await expect(b.memberlist.join([a.address])).rejects.toBeInstanceOf(JoinError);
    await expect(a.memberlist.join([b.address])).rejects.toBeInstanceOf(JoinError);
    await waitForRounds('after the refused joins', [a, a2], { probes: 3, pushPulls: 1 });

    expect(a.memberNames()).toEqual(['iso-a', 'iso-a2']);
    expect(a2.memberNames()).toEqual(['iso-a', 'iso-a2']);
    expect(b.memberNames()).toEqual(['iso-b']);
  });

  // The only test here that needs Go (it builds the Go peer on first use, hence the long bound).
  it('given a labelled TS node and an unlabelled Go v0.2.2 node, when each tries to join the other, then both fail and they never merge', { tags: ['go'], timeout: 180_000 }, async () => {
    const ts = await TsPeer.start({ name: 'lblgo-ts', label: 'prod' }, teardown);
    const [go] = await startGoPeers(1, 'lblgo-go');

    await expect(go!.join([ts.address], 5_000)).rejects.toThrow();
    await expect(ts.memberlist.join([go!.address])).rejects.toBeInstanceOf(JoinError);
    // Neither side has a member to probe: wait instead for the refused traffic to have reached the Go node.
    await eventually('the Go node has read the labelled join attempt', BOUND.converge, () =>
      go!.stderr().includes('Received invalid msgType (244)'),
    );

    expect(ts.memberNames()).toEqual(['lblgo-ts']);
    expect((await go!.members()).map((m) => m.name)).toEqual(['lblgo-go-0']);
    expect(go!.exited).toBe(false); // labelled packets are rejected by v0.2.2, not a crash
  });
});
