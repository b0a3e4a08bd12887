import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../runtime.js';
import { waitFor } from '@gossip/test-support';
import { hasIpv6Loopback, readExactly, socketHandles, startNode, type Node } from './net-test-helpers.js';
import { UdpTcpTransport } from './udp-tcp-transport.js';
import { silentLogger } from '../logger.js';
import { detectPrivateIp } from './advertise.js';

const started: Node[] = [];
async function node(options: Parameters<typeof startNode>[0] = {}): Promise<Node> {
  const n = await startNode(options);
  started.push(n);
  return n;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((n) => n.transport.shutdown()));
});

const bytes = (...v: number[]) => new Uint8Array(v);

describe('UdpTcpTransport on IPv4 loopback', () => {
  it('given two transports on port 0, when each sends a packet, then both arrive from the sender’s gossip port', async () => {
    const a = await node();
    const b = await node();
    expect(a.transport.port).toBeGreaterThan(0);
    await a.transport.sendPacket(b.address, bytes(1, 2, 3));
    await b.transport.sendPacket(a.address, bytes(4, 5));
    await waitFor(() => a.packets.length === 1 && b.packets.length === 1);
    expect(Array.from(b.packets[0]!.data)).toEqual([1, 2, 3]);
    expect(b.packets[0]!.from).toBe(a.address); // UDP leaves from the listening socket
    expect(Array.from(a.packets[0]!.data)).toEqual([4, 5]);
    expect(a.packets[0]!.from).toBe(b.address);
    expect(a.transport.stats()).toMatchObject({ packetsSent: 1, packetsReceived: 1, bytesReceived: 2 });
  });

  it('given an injected clock, when a packet arrives, then receivedAt comes from that clock', async () => {
    const clock: Clock = { now: () => 424242, setTimeout: (f, d) => setTimeout(f, d), clearTimeout: (h) => clearTimeout(h as never) };
    const a = await node();
    const b = await node({ clock });
    await a.transport.sendPacket(b.address, bytes(9));
    await waitFor(() => b.packets.length === 1);
    expect(b.packets[0]!.receivedAt).toBe(424242);
  });

  it('given a 64 KiB-1 datagram, when sent, then it arrives whole; a larger one is refused with ERR_TOO_LARGE', async () => {
    const a = await node();
    const b = await node();
    const big = new Uint8Array(65507).map((_, i) => i & 0xff);
    await a.transport.sendPacket(b.address, big);
    await waitFor(() => b.packets.length === 1);
    expect(Buffer.from(b.packets[0]!.data).equals(Buffer.from(big))).toBe(true);
    await expect(a.transport.sendPacket(b.address, new Uint8Array(70000))).rejects.toMatchObject({ code: 'ERR_TOO_LARGE' });
  });

  it('given a receive bound, when oversized and empty datagrams arrive, then they are dropped, logged and counted', async () => {
    const b = await node({ maxPacketSize: 1000 });
    const raw = createSocket('udp4');
    const send = (n: number) =>
      new Promise<void>((r) => raw.send(new Uint8Array(n), b.transport.port, '127.0.0.1', () => r()));
    await send(2000);
    await send(0);
    await send(10);
    await waitFor(() => b.packets.length === 1);
    await new Promise<void>((r) => raw.close(() => r()));
    expect(b.packets[0]!.data.length).toBe(10);
    expect(b.transport.stats().packetsDropped).toEqual({ empty: 1, tooLarge: 1 });
    expect(b.logs).toEqual(['dropped an oversized UDP packet', 'dropped an empty UDP packet']);
  });

  it('given a stream each way, when request and response frames are exchanged, then both sides read them intact', async () => {
    const a = await node();
    const b = await node();
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const client = await from.transport.dial(to.address);
      expect(client.remoteAddress).toBe(to.address);
      await client.write(bytes(6, 1, 2, 3));
      await waitFor(() => to.streams.length === 1);
      const server = to.streams.shift()!;
      expect(server.remoteAddress.startsWith('127.0.0.1:')).toBe(true);
      expect(Array.from(await readExactly(server, 4))).toEqual([6, 1, 2, 3]);
      await server.write(bytes(6, 9));
      await server.close();
      expect(Array.from(await readExactly(client, 2))).toEqual([6, 9]);
      expect(await client.read()).toBeNull();
      await client.close();
    }
    expect(a.transport.stats()).toMatchObject({ streamsDialed: 1, streamsAccepted: 1 });
  });

  it('given an 8 MiB frame, when written on a stream and echoed back, then both directions carry it intact', async () => {
    const a = await node();
    const b = await node();
    const frame = new Uint8Array(8 * 1024 * 1024).map((_, i) => (i * 7) & 0xff);
    const client = await a.transport.dial(b.address);
    const writing = client.write(frame);
    await waitFor(() => b.streams.length === 1);
    const server = b.streams[0]!;
    const received = await readExactly(server, frame.length);
    await writing;
    expect(Buffer.from(received).equals(Buffer.from(frame))).toBe(true);
    const echo = server.write(received);
    const back = await readExactly(client, frame.length);
    await echo;
    expect(Buffer.from(back).equals(Buffer.from(frame))).toBe(true);
    await server.close();
    await client.close();
  });

  it('given maxStreamFrame, when a peer sends more, then the reader gets ERR_TOO_LARGE and the stream is reset', async () => {
    const a = await node();
    const b = await node({ maxStreamFrame: 1024 * 1024 });
    const client = await a.transport.dial(b.address);
    void client.write(new Uint8Array(3 * 1024 * 1024)).catch(() => undefined);
    await waitFor(() => b.streams.length === 1);
    const server = b.streams[0]!;
    const outcome = await (async () => {
      for (;;) if ((await server.read()) === null) return 'eof';
    })().catch((e: { code: string }) => e.code);
    expect(outcome).toBe('ERR_TOO_LARGE');
    expect(b.transport.stats().streamsTooLarge).toBe(1);
    await expect(readExactly(client, 1)).rejects.toBeDefined();
    client.destroy();
  });

  it('given a stream deadline, when the peer stays silent, then read rejects ERR_TIMEOUT and writes too until cleared', async () => {
    const a = await node();
    const b = await node();
    const client = await a.transport.dial(b.address);
    const started = performance.now();
    client.setDeadline(performance.now() + 150);
    await expect(client.read()).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    await expect(client.write(bytes(1))).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
    client.setDeadline(undefined);
    await client.write(bytes(1));
    await waitFor(() => b.streams.length === 1);
    expect(Array.from(await readExactly(b.streams[0]!, 1))).toEqual([1]);
    client.destroy();
  });

  it('given a closed port or an expired deadline, when dialing, then ERR_REFUSED or ERR_TIMEOUT', async () => {
    const a = await node();
    const gone = await startNode({});
    const closedAddress = gone.address;
    await gone.transport.shutdown();
    await expect(a.transport.dial(closedAddress)).rejects.toMatchObject({ code: 'ERR_REFUSED' });
    await expect(a.transport.dial(closedAddress, { deadline: performance.now() - 1 })).rejects.toMatchObject({
      code: 'ERR_TIMEOUT',
    });
    expect(a.transport.stats().dialFailures).toBe(2);
  });

  it('given a dial, when its signal aborts before the connection completes, then it rejects ERR_ABORTED with the reason as cause, and later dials work', async () => {
    const a = await node();
    const b = await node();
    const controller = new AbortController();
    const dialing = a.transport.dial(b.address, { signal: controller.signal });
    controller.abort(new Error('no longer needed'));
    const err = await dialing.catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_ABORTED' });
    expect((err as Error).cause).toEqual(new Error('no longer needed'));
    const already = new AbortController();
    already.abort();
    await expect(a.transport.dial(b.address, { signal: already.signal })).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    // The transport still dials normally afterwards, and shutting it down leaves no socket behind.
    const client = await a.transport.dial(b.address, { signal: new AbortController().signal });
    client.destroy();
    await a.transport.shutdown();
    expect(a.transport.stats().dialFailures).toBe(2);
  });

  it('given a clock whose timers fire at once, when dialing or resolving a name, then the timeout paths reject cleanly', async () => {
    // Every timer fires in the next microtask, before any socket or DNS work can complete: this drives the
    // dial-timeout and lookup-timeout paths deterministically on loopback.
    const impatient: Clock = {
      now: () => performance.now(),
      setTimeout: (fn) => {
        queueMicrotask(fn);
        return undefined;
      },
      clearTimeout: () => undefined,
    };
    const target = await node();
    const a = await node({ clock: impatient });
    await expect(a.transport.dial(target.address)).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
    await expect(a.transport.resolve('localhost:1')).rejects.toMatchObject({ code: 'ERR_RESOLVE' });
    expect(a.transport.stats().dialFailures).toBe(1);
  });

  it('given port 0, when started, then UDP and TCP share the picked port; a taken fixed port fails with ERR_BIND', async () => {
    const a = await node();
    const port = a.transport.port;
    const tcpOk = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    expect(tcpOk).toBe(true);
    const clash = new UdpTcpTransport({ bindAddress: '127.0.0.1', bindPort: port });
    await expect(clash.start({ onPacket: () => undefined, onStream: () => undefined })).rejects.toMatchObject({
      code: 'ERR_BIND',
    });
    await clash.shutdown();
  });

  it('given names and literals, when resolving, then localhost maps to loopback and literals pass through', async () => {
    const a = await node();
    expect(await a.transport.resolve('localhost:7946')).toContain('127.0.0.1:7946');
    expect(await a.transport.resolve('10.1.2.3:80')).toEqual(['10.1.2.3:80']);
    await expect(a.transport.resolve('no-port')).rejects.toMatchObject({ code: 'ERR_BAD_ADDRESS' });
    await expect(a.transport.sendPacket('localhost:1', bytes(1))).rejects.toMatchObject({ code: 'ERR_BAD_ADDRESS' });
    await expect(a.transport.sendPacket('[::1]:1', bytes(1))).rejects.toMatchObject({ code: 'ERR_UNREACHABLE' });
  });

  it('given advertise options, when started, then an explicit address wins, a specific bind is advertised as is, and any-address uses the private IP', async () => {
    const explicit = await node({ advertiseAddress: '10.9.8.7', advertisePort: 7000 });
    expect(explicit.transport.advertiseAddress()).toEqual({ ip: '10.9.8.7', port: 7000 });
    const specific = await node();
    expect(specific.transport.advertiseAddress()).toEqual({ ip: '127.0.0.1', port: specific.transport.port });
    const any = new UdpTcpTransport({ bindAddress: '0.0.0.0', logger: silentLogger });
    const privateIp = detectPrivateIp();
    const start = any.start({ onPacket: () => undefined, onStream: () => undefined });
    if (privateIp === undefined) await expect(start).rejects.toMatchObject({ code: 'ERR_BAD_ADDRESS' });
    else {
      await start;
      expect(any.advertiseAddress().ip).toBe(privateIp);
    }
    await any.shutdown();
  });

  it('given open sockets and streams, when shut down, then no UDP or TCP handle is left and calls fail with ERR_CLOSED', async () => {
    const before = socketHandles();
    expect(before).toEqual({ UDPWRAP: 0, TCPSERVERWRAP: 0, TCPSOCKETWRAP: 0 }); // earlier tests left nothing either
    const a = await startNode();
    const b = await startNode();
    const client = await a.transport.dial(b.address);
    await waitFor(() => b.streams.length === 1);
    const pendingRead = client.read().catch((e: { code: string }) => e.code);
    await a.transport.sendPacket(b.address, bytes(1));
    await Promise.all([a.transport.shutdown(), b.transport.shutdown()]);
    await a.transport.shutdown();
    expect(await pendingRead).toMatch(/ERR_RESET|ERR_CLOSED/);
    expect(socketHandles()).toEqual(before);
    await expect(a.transport.sendPacket(b.address, bytes(1))).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await expect(a.transport.dial(b.address)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
  });
});

describe('UdpTcpTransport lifecycle', () => {
  it('given a transport still binding, when shutdown is called, then start rejects ERR_CLOSED and nothing stays bound', async () => {
    const t = new UdpTcpTransport({ bindAddress: '127.0.0.1' });
    const starting = t.start({ onPacket: () => undefined, onStream: () => undefined });
    const stopping = t.shutdown();
    await expect(starting).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await stopping;
    await t.shutdown();
    expect(socketHandles()).toEqual({ UDPWRAP: 0, TCPSERVERWRAP: 0, TCPSOCKETWRAP: 0 });
    await expect(t.start({ onPacket: () => undefined, onStream: () => undefined })).rejects.toMatchObject({
      code: 'ERR_BIND',
    });
  });

  it('given bad options, when constructing, then ERR_BAD_ADDRESS names the problem', () => {
    expect(() => new UdpTcpTransport({ bindAddress: 'localhost' })).toThrow(/bindAddress must be an IP/);
    expect(() => new UdpTcpTransport({ bindPort: 70000 })).toThrow(/bindPort/);
    expect(() => new UdpTcpTransport({ advertiseAddress: 'example.com' })).toThrow(/advertiseAddress/);
  });
});

const ipv6 = await hasIpv6Loopback();
if (!ipv6) console.warn('[transport tests] ::1 is not available on this machine: IPv6 loopback tests are SKIPPED');

describe.skipIf(!ipv6)('UdpTcpTransport on IPv6 loopback (::1)', () => {
  it('given two transports on ::1, when packets and a stream go both ways, then addresses are bracketed IPv6', async () => {
    const a = await node({ bindAddress: '::1' });
    const b = await node({ bindAddress: '::1' });
    expect(a.address).toMatch(/^\[::1\]:\d+$/);
    await a.transport.sendPacket(b.address, bytes(1));
    await b.transport.sendPacket(a.address, bytes(2));
    await waitFor(() => a.packets.length === 1 && b.packets.length === 1);
    expect(b.packets[0]!.from).toBe(a.address);
    const client = await b.transport.dial(a.address);
    await client.write(bytes(7, 7));
    await waitFor(() => a.streams.length === 1);
    expect(Array.from(await readExactly(a.streams[0]!, 2))).toEqual([7, 7]);
    expect(a.streams[0]!.remoteAddress).toMatch(/^\[::1\]:\d+$/);
    await a.streams[0]!.close();
    await client.close();
    await expect(a.transport.sendPacket('127.0.0.1:9', bytes(1))).rejects.toBeDefined();
  });

  it('given a dual-stack bind on ::, when an IPv4 peer talks to it, then it sees the peer as a dotted quad', async () => {
    const dual = await node({ bindAddress: '::', advertiseAddress: '::1' });
    const v4 = await node();
    await v4.transport.sendPacket(`127.0.0.1:${dual.transport.port}`, bytes(3));
    await waitFor(() => dual.packets.length === 1);
    expect(dual.packets[0]!.from).toBe(v4.address);
    await dual.transport.sendPacket(v4.address, bytes(4));
    await waitFor(() => v4.packets.length === 1);
    expect(v4.packets[0]!.from).toBe(`127.0.0.1:${dual.transport.port}`);
  });
});
