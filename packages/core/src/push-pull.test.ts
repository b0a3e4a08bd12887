import { afterEach, describe, expect, it } from 'vitest';
import { TestCluster } from '../test/harness.js';

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.shutdown();
  cluster = undefined;
});

describe('push/pull merge', () => {
  it('given incompatible delegate protocol versions, when joining, then the merge is refused (verifyProtocol)', async () => {
    cluster = new TestCluster('versions');
    const a = await cluster.add('a', { delegateProtocolMin: 2, delegateProtocolMax: 3, delegateProtocolVersion: 3 });
    const b = await cluster.add('b', { delegateProtocolMin: 1, delegateProtocolMax: 1, delegateProtocolVersion: 1 });
    const err = await cluster.run(b.node.join([a.address]).catch((e: unknown) => e));
    expect(err).toMatchObject({ code: 'ERR_JOIN' });
    const cause = (err as { causes: { error: { code: string; message: string } }[] }).causes[0]!.error;
    expect(cause.code).toBe('ERR_INCOMPATIBLE');
    expect(cause.message).toMatch(/delegate protocol version \(\d\) is incompatible/);
    expect(b.node.numMembers()).toBe(1);
  });

  it('given compatible version ranges, when joining, then both sides merge', async () => {
    cluster = new TestCluster('versions-ok');
    const a = await cluster.add('a', { delegateProtocolMin: 1, delegateProtocolMax: 3, delegateProtocolVersion: 2 });
    const b = await cluster.add('b', { delegateProtocolMin: 2, delegateProtocolMax: 4, delegateProtocolVersion: 2 });
    await cluster.run(b.node.join([a.address]));
    await cluster.until(() => cluster!.converged([a, b], ['a', 'b']), 5_000, 'convergence');
    expect(a.node.member('b')).toMatchObject({ dmin: 2, dmax: 4, dcur: 2, pmin: 1, pmax: 5, pcur: 2 });
  });

  it('given a merge delegate that vetoes, when joining, then the join fails and nothing is merged', async () => {
    cluster = new TestCluster('merge-veto');
    const peersSeen: string[][] = [];
    const a = await cluster.add('a');
    const b = await cluster.add('b', {
      merge: {
        notifyMerge: (peers) => {
          peersSeen.push(peers.map((p) => `${p.name}:${p.state}`));
          return new Error('wrong cluster');
        },
      },
    });
    const err = await cluster.run(b.node.join([a.address]).catch((e: unknown) => e));
    expect((err as { causes: { error: { code: string } }[] }).causes[0]!.error.code).toBe('ERR_MERGE_VETOED');
    expect(peersSeen).toEqual([['a:alive']]);
    expect(b.node.member('a')).toBeUndefined();
  });

  it('given a merge delegate and members we already hold, when joining again, then the delegate sees every member the answer lists, unchanged ones included', async () => {
    cluster = new TestCluster('merge-sees-all');
    const peersSeen: string[][] = [];
    const a = await cluster.add('a');
    const c = await cluster.add('c');
    const b = await cluster.add('b', {
      merge: {
        notifyMerge: (peers) => {
          peersSeen.push(peers.map((p) => p.name).sort());
        },
      },
    });
    await cluster.run(c.node.join([a.address]));
    await cluster.run(b.node.join([a.address]));
    await cluster.until(() => cluster!.converged([a, b, c], ['a', 'b', 'c']), 5_000, 'convergence');
    await cluster.run(b.node.join([a.address]));
    expect(peersSeen.at(-1)).toEqual(['a', 'b', 'c']);
  });

  it('given a partition that heals, when push/pull runs, then both sides learn each other again', async () => {
    cluster = new TestCluster('partition');
    const nodes = await cluster.start(4);
    const names = nodes.map((n) => n.name);
    await cluster.until(() => cluster!.converged(nodes, names), 5_000, 'convergence');
    const left = nodes.slice(0, 2).map((n) => n.address);
    const right = nodes.slice(2).map((n) => n.address);
    cluster.network.partition(left, right);
    await cluster.until(() => cluster!.stateOf(nodes[0]!, 'node-3') === 'dead', 90_000, 'partition detected');
    cluster.network.heal();
    // A dead node can only come back through a higher incarnation: push/pull shows each side it was declared
    // dead, it refutes, and the refutation spreads.
    await cluster.until(() => cluster!.converged(nodes, names), 120_000, 'healing');
  });
});
