// @module-tag go
/**
 * Application data between TS nodes and Go memberlist v0.2.2 nodes, in both directions: metadata updates,
 * best-effort (UDP) and reliable (TCP) user messages, user broadcasts piggybacked on gossip, and push/pull user
 * state.
 */
import { describe, expect, it } from 'vitest';
import { type GoPeer, type GoPeerEvent } from '../src/index.js';
import { TsPeer, bytes, eventually, startGoPeers, text, waitGoAlive, useInteropSuite } from './interop-support.js';

const teardown = useInteropSuite();

const isMessage = (body: string) => (e: GoPeerEvent) => e.type === 'message' && text(e.data) === body;

/** One Go node and one TS node, joined and converged; the TS node starts with metadata and user state. */
async function pair(prefix: string, goOptions: Parameters<typeof startGoPeers>[2] = {}): Promise<{ go: GoPeer; ts: TsPeer }> {
  const [go] = await startGoPeers(1, `${prefix}-go`, goOptions);
  const ts = await TsPeer.start({ name: `${prefix}-ts`, meta: bytes('ts-meta-v1'), userState: bytes('ts-state-1') }, teardown);
  await ts.memberlist.join([go!.address]);
  const names = [go!.name, ts.name];
  await ts.waitForAlive(names, 20_000);
  await waitGoAlive([go!], names, 20_000);
  return { go: go!, ts };
}

describe('application data between TS and Go memberlist v0.2.2 nodes', () => {
  it('given a pair, when each side updates its metadata, then the other sees the new meta and incarnation', async () => {
    const { go, ts } = await pair('meta', { meta: bytes('go-meta-v1') });
    expect(text(ts.member(go.name)!.meta)).toBe('go-meta-v1');
    expect(text((await go.members()).find((m) => m.name === ts.name)!.meta)).toBe('ts-meta-v1');

    // Go → TS
    const goBefore = ts.member(go.name)!.incarnation;
    await go.setMeta(bytes('role=db'));
    await go.updateNode(2_000);
    const seen = await eventually('TS sees Go meta role=db', 20_000, () => {
      const m = ts.member(go.name);
      return m !== undefined && text(m.meta) === 'role=db' ? m : undefined;
    });
    expect(seen.incarnation).toBeGreaterThan(goBefore);
    expect(ts.events.some((e) => e.type === 'update' && e.member.name === go.name && text(e.member.meta) === 'role=db')).toBe(true);

    // TS → Go
    const tsBefore = ts.memberlist.localNode().incarnation;
    ts.meta = bytes('role=web');
    await ts.memberlist.updateNode(2_000);
    const update = await go.waitForEvent((e) => e.type === 'update' && e.node.name === ts.name, 20_000);
    if (update.type !== 'update') throw new Error('unreachable');
    expect(text(update.node.meta)).toBe('role=web');
    expect(update.node.incarnation).toBeGreaterThan(tsBefore);
  });

  it('given a pair, when each side sends best-effort (UDP) user messages, then the other delegate receives them', async () => {
    const { go, ts } = await pair('udp');

    await ts.memberlist.sendBestEffort(go.name, bytes('hello from ts over udp'));
    await go.waitForEvent(isMessage('hello from ts over udp'), 20_000);

    await go.sendBestEffort(ts.name, bytes('hello from go over udp'));
    await ts.waitForMessage('hello from go over udp', 20_000);
  });

  it('given a pair, when each side sends reliable (TCP) user messages, then the other delegate receives them', async () => {
    const { go, ts } = await pair('tcp');
    const big = 'x'.repeat(100_000); // far beyond a datagram: only a stream can carry it

    await ts.memberlist.sendReliable(go.name, bytes('hello from ts over tcp'));
    await ts.memberlist.sendReliable(go.name, bytes(big));
    await go.waitForEvent(isMessage('hello from ts over tcp'), 20_000);
    await go.waitForEvent(isMessage(big), 20_000);

    await go.sendReliable(ts.name, bytes('hello from go over tcp'));
    await go.sendReliable(ts.name, bytes(big));
    await ts.waitForMessage('hello from go over tcp', 20_000);
    await ts.waitForMessage(big, 20_000);
  });

  it('given a mixed cluster, when each side queues user broadcasts, then every other node receives them by gossip', async () => {
    // User broadcasts are sent by their originator only, retransmitMult × ceil(log10(n + 1)) times in all, and
    // piggybacking on probes uses some of them; a multiplier of 6 leaves enough for gossip to reach all three.
    const [g0, g1] = await startGoPeers(2, 'bcast', { retransmitMult: 6 });
    const ts = await TsPeer.start({ name: 'bcast-ts', retransmitMult: 6 }, teardown);
    const ts2 = await TsPeer.start({ name: 'bcast-ts2', retransmitMult: 6 }, teardown);
    await g1!.join([g0!.address]);
    await ts.memberlist.join([g0!.address]);
    await ts2.memberlist.join([ts.address]);
    const names = ['bcast-0', 'bcast-1', 'bcast-ts', 'bcast-ts2'];
    await waitGoAlive([g0!, g1!], names, 20_000);
    await ts.waitForAlive(names, 20_000);

    await g0!.broadcast(bytes('broadcast from go'));
    ts.broadcast(bytes('broadcast from ts'));

    await ts.waitForMessage('broadcast from go', 20_000);
    await ts2.waitForMessage('broadcast from go', 20_000);
    await g0!.waitForEvent(isMessage('broadcast from ts'), 20_000);
    await g1!.waitForEvent(isMessage('broadcast from ts'), 20_000);
    await ts2.waitForMessage('broadcast from ts', 20_000);
  });

  it('given a pair, when user state changes on each side, then push/pull delivers it to the other (join and periodic)', async () => {
    const [go] = await startGoPeers(1, 'state-go', { userState: bytes('go-state-1') });
    const ts = await TsPeer.start({ name: 'state-ts', userState: bytes('ts-state-1') }, teardown);

    await ts.memberlist.join([go!.address]);
    // The join exchange carries both states with Join = true.
    await eventually('TS merged Go state on join', 20_000, () =>
      ts.mergedStates.some((s) => s.join && text(s.data) === 'go-state-1'),
    );
    await go!.waitForEvent((e) => e.type === 'mergeRemoteState' && e.join && text(e.data) === 'ts-state-1', 20_000);

    // Periodic anti-entropy (every second here) carries later changes with Join = false, whoever initiates.
    await go!.setUserState(bytes('go-state-2'));
    ts.userState = bytes('ts-state-2');
    await eventually('TS merged Go state 2 by push/pull', 20_000, () =>
      ts.mergedStates.some((s) => !s.join && text(s.data) === 'go-state-2'),
    );
    await go!.waitForEvent(
      (e) => e.type === 'mergeRemoteState' && !e.join && text(e.data) === 'ts-state-2',
      20_000,
    );
  });

  it.each([
    { title: 'plaintext', keys: undefined },
    { title: 'AES-256', keys: [new Uint8Array(32).fill(9)] },
  ])('given 1 MiB of user state on each side ($title), when a join exchanges it, then each side merges the other\'s intact', async ({ keys }) => {
    const pattern = (seed: number) => {
      const out = new Uint8Array(1024 * 1024);
      let x = seed;
      for (let i = 0; i < out.length; i++) {
        x = (x * 1103515245 + 12345) >>> 0;
        out[i] = i % 7 === 0 ? x >>> 24 : 97 + (i % 13); // half compressible, half noise
      }
      return out;
    };
    const goState = pattern(1);
    const tsState = pattern(2);
    const prefix = keys === undefined ? 'bigstate' : 'bigstate-aes';
    // The driver passes the start config on the command line (≤ 128 KiB per argument), so the state goes by stdin.
    const [go] = await startGoPeers(1, `${prefix}-go`, { keys, tcpTimeoutMs: 10_000, pushPullIntervalMs: 60_000 });
    await go!.setUserState(goState);
    const ts = await TsPeer.start(
      { name: `${prefix}-ts`, userState: tsState, keys, tcpTimeoutMs: 10_000, pushPullIntervalMs: 60_000 },
      teardown,
    );

    await ts.memberlist.join([go!.address]);

    const merged = await eventually('TS merged the 1 MiB Go state', 30_000, () => ts.mergedStates.find((s) => s.join));
    expect(merged.data.length).toBe(goState.length);
    expect(Buffer.compare(merged.data, goState)).toBe(0);
    const event = await go!.waitForEvent((e) => e.type === 'mergeRemoteState' && e.join, 30_000);
    if (event.type !== 'mergeRemoteState') throw new Error('unreachable');
    expect(event.data.length).toBe(tsState.length);
    expect(Buffer.compare(event.data, tsState)).toBe(0);
  });
});
