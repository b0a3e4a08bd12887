import { eventually } from '@gossip/test-support';
import { describe, expect, it } from 'vitest';
import { MemberlistError, MemoryMetrics, MetricNames, type Memberlist } from '@gossip/core';
import { Keyring } from '@gossip/keyring';
import { TransportError } from '@gossip/transport';
import { createNode } from './create-node.js';
import { NodeOptionsError } from './errors.js';
import type { NodeOptions } from './options.js';

const FAST: NodeOptions = { bind: '127.0.0.1:0', preset: 'local', probeIntervalMs: 200, gossipIntervalMs: 50, pushPullIntervalMs: 500 };
const k1 = new Uint8Array(32).fill(1);
const k2 = new Uint8Array(16).fill(2);

/** Runs `body` with nodes created by it, shutting every one down afterwards even if it fails. */
async function withNodes(body: (make: (options: NodeOptions) => Promise<Memberlist>) => Promise<void>): Promise<void> {
  const nodes: Memberlist[] = [];
  try {
    await body(async (options) => {
      const node = await createNode({ ...FAST, ...options });
      nodes.push(node);
      return node;
    });
  } finally {
    await Promise.all(nodes.map((n) => n.shutdown()));
  }
}

describe('createNode', () => {
  it('given two nodes on loopback with port 0, when one joins the other, then both see two alive members on real sockets', async () => {
    await withNodes(async (make) => {
      const a = await make({ name: 'a' });
      const b = await make({ name: 'b' });
      expect(a.localNode()).toMatchObject({ addr: '127.0.0.1', pcur: 2 });
      expect(a.localNode().port).toBeGreaterThan(0);

      await expect(b.join([a.localNode().address])).resolves.toBe(1);

      await eventually('a sees b', 10_000, () => a.numMembers() === 2);
      expect(b.members().map((m) => m.name).sort()).toEqual(['a', 'b']);
    });
  });

  it('given an advertise address, then the node announces it instead of the bound one', async () => {
    await withNodes(async (make) => {
      const a = await make({ name: 'adv', advertise: '127.0.0.9:17946' });
      expect(a.localNode()).toMatchObject({ addr: '127.0.0.9', port: 17946 });
    });
  });

  it('given encrypted nodes sharing a live keyring setup, when keys are rotated on the running nodes, then they keep talking and old-key nodes are refused', async () => {
    await withNodes(async (make) => {
      const ringA = new Keyring([k1]);
      const ringB = new Keyring([k1]);
      const received: string[] = [];
      const a = await make({ name: 'ka', keyring: ringA, delegate: { notifyMsg: (m) => received.push(new TextDecoder().decode(m)) } });
      const b = await make({ name: 'kb', keyring: ringB });
      await b.join([a.localNode().address]);

      ringA.addKey(k2);
      ringB.addKey(k2);
      ringB.useKey(k2); // b now seals with k2; a still opens it as a secondary key
      await b.sendReliable('ka', new TextEncoder().encode('sealed with k2'));
      await eventually('a receives the k2 message', 10_000, () => received.includes('sealed with k2'));
      ringA.useKey(k2);
      ringA.removeKey(k1);
      ringB.removeKey(k1);

      const oldOnly = await make({ name: 'old', keys: [k1] });
      await expect(oldOnly.join([a.localNode().address])).rejects.toMatchObject({ code: 'ERR_JOIN' });
      const newOnly = await make({ name: 'new', keys: [k2] });
      await expect(newOnly.join([a.localNode().address])).resolves.toBe(1);
      await eventually('a sees new', 10_000, () => a.member('new')?.state === 'alive');
      expect(a.member('kb')?.state).toBe('alive');
    });
  });

  it('given a plaintext node and an encrypted one, when the plaintext one joins, then the join fails', async () => {
    await withNodes(async (make) => {
      const secure = await make({ name: 'secure', keys: [k1] });
      const plain = await make({ name: 'plain' });
      await expect(plain.join([secure.localNode().address])).rejects.toMatchObject({ code: 'ERR_JOIN' });
      expect(secure.numMembers()).toBe(1);
    });
  });

  it('given a logger and metrics, when garbage reaches the node, then it is dropped, logged and counted through them', async () => {
    await withNodes(async (make) => {
      const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
      const log = (level: string) => (fields: Record<string, unknown>, msg: string) => lines.push({ level, fields, msg });
      const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
      const metrics = new MemoryMetrics();
      const a = await make({ name: 'la', logger, metrics });
      const b = await make({ name: 'lb' });
      await b.join([a.localNode().address]);
      await eventually('a sees b', 10_000, () => a.numMembers() === 2);
      // Garbage at a's port: dropped, logged and counted, never fatal.
      await import('node:dgram').then(
        ({ createSocket }) =>
          new Promise<void>((resolve) => {
            const socket = createSocket('udp4');
            socket.send(new Uint8Array([0xff, 1, 2, 3]), a.localNode().port, '127.0.0.1', () => {
              socket.close();
              resolve();
            });
          }),
      );
      await eventually('a logs the dropped packet', 10_000, () =>
        lines.some((l) => l.level === 'warn' && l.msg.startsWith('dropped packet') && l.fields.node === 'la'),
      );
      const drop = lines.find((l) => l.msg.startsWith('dropped packet'))!;
      expect(typeof drop.fields.code).toBe('string');
      expect(metrics.counter(MetricNames.packetDropped, { code: drop.fields.code as string })).toBe(1);
      expect(a.numMembers()).toBe(2);
    });
  });

  it('given bad options, then it rejects with a typed error before opening a socket', async () => {
    await expect(createNode({ bind: 'nowhere' })).rejects.toBeInstanceOf(NodeOptionsError);
    await expect(createNode({ ...FAST, probeIntervalMs: -1 })).rejects.toMatchObject({ code: 'ERR_CONFIG' });
    await expect(createNode({ ...FAST, probeIntervalMs: -1 })).rejects.toBeInstanceOf(MemberlistError);
  });

  it('given a port already taken, then it rejects with TransportError ERR_BIND', async () => {
    await withNodes(async (make) => {
      const a = await make({ name: 'first' });
      const err = await createNode({ ...FAST, name: 'second', bind: `127.0.0.1:${a.localNode().port}` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect(err).toMatchObject({ code: 'ERR_BIND' });
    });
  });
});
