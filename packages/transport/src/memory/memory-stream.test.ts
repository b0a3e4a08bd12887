import { describe, expect, it } from 'vitest';
import type { Stream } from '../transport.js';
import { connectedPair, makeNetwork, outcome, probe, readAll, settle } from './test-helpers.js';

const A = '10.0.0.1:7946';
const B = '10.0.0.2:7946';

/** Answers every inbound stream's 4-byte request with the bytes reversed, then closes (one exchange). */
function reverseResponder(stream: Stream): void {
  void (async () => {
    const request: number[] = [];
    while (request.length < 4) {
      const chunk = await stream.read();
      if (chunk === null) return stream.destroy();
      request.push(...chunk);
    }
    await stream.write(Uint8Array.from(request).reverse());
    await stream.close();
  })();
}

describe('MemoryNetwork streams', () => {
  it('given a responder, when A dials B and sends a 4-byte request, then it gets the reversed answer and EOF after the round trips', async () => {
    const { clock, network } = makeNetwork(1, { latencyMs: 5 });
    const a = await probe(network, A);
    const b = network.endpoint(B);
    await b.start({ onPacket: () => undefined, onStream: reverseResponder });
    const stream = await settle(clock, a.endpoint.dial(B));
    expect(clock.now()).toBe(10); // SYN out, SYN-ACK back
    expect(stream.remoteAddress).toBe(B);
    await stream.write(new Uint8Array([1, 2]));
    await stream.write(new Uint8Array([3, 4]));
    const reply = await settle(clock, readAll(stream));
    expect(Array.from(reply)).toEqual([4, 3, 2, 1]);
    expect(clock.now()).toBe(20);
    await stream.close();
    expect(a.endpoint.openStreams()).toBe(0);
    expect(b.openStreams()).toBe(0);
  });

  it('given a request/response exchange in both directions, when both sides follow memberlist framing, then bytes arrive in order', async () => {
    const { clock, network } = makeNetwork(2, { latencyMs: 3, jitterMs: 4 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    const exchange = async (from: typeof a, to: typeof b, size: number) => {
      const client = await settle(clock, from.endpoint.dial(to.endpoint.address));
      const server = to.streams.shift()!;
      const request = Uint8Array.from({ length: size }, (_, i) => i & 0xff);
      for (let off = 0; off < size; off += 1000) await client.write(request.subarray(off, off + 1000));
      const serverRead = (async () => {
        const got: number[] = [];
        while (got.length < size) got.push(...(await server.read())!);
        await server.write(new Uint8Array([size & 0xff]));
        await server.close();
        return got;
      })();
      const clientRead = readAll(client);
      await clock.advance(50);
      expect(await serverRead).toEqual(Array.from(request));
      expect(Array.from(await clientRead)).toEqual([size & 0xff]);
      await client.close();
      expect(from.endpoint.openStreams()).toBe(0);
    };
    await exchange(a, b, 10_000);
    await exchange(b, a, 3_333);
    await clock.advance(50);
    expect(a.endpoint.openStreams()).toBe(0);
    expect(b.endpoint.openStreams()).toBe(0);
    expect(network.stats().streamsOpened).toBe(2);
  });

  it('given a 4 MiB frame, when written in one call, then the reader receives all of it intact', async () => {
    const { clock, network } = makeNetwork();
    const a = await probe(network, A);
    const b = await probe(network, B);
    const dialing = a.endpoint.dial(B);
    await clock.advance(1);
    const client = await dialing;
    const frame = new Uint8Array(4 * 1024 * 1024).map((_, i) => (i * 31) & 0xff);
    await client.write(frame);
    await client.close();
    const received = readAll(b.streams[0]!);
    await clock.advance(1);
    expect(Buffer.from(await received).equals(Buffer.from(frame))).toBe(true);
  });

  it('given a reader with a deadline, when nothing arrives, then read rejects ERR_TIMEOUT at exactly that time', async () => {
    const { clock, network } = makeNetwork();
    const a = await probe(network, A);
    await probe(network, B);
    const dialing = a.endpoint.dial(B);
    await clock.advance(1);
    const client = await dialing;
    const start = clock.now();
    client.setDeadline(start + 250);
    let failedAt = -1;
    const reading = client.read().catch((e: { code: string }) => {
      failedAt = clock.now();
      return e.code;
    });
    await clock.advance(249);
    expect(failedAt).toBe(-1);
    void start;
    await clock.advance(1);
    expect(await reading).toBe('ERR_TIMEOUT');
    expect(failedAt).toBe(start + 250);
    await expect(client.write(new Uint8Array(1))).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
    client.setDeadline(undefined);
    await client.write(new Uint8Array(1));
    client.destroy();
  });

  it('given a crashed target (refuse mode), when dialing, then ERR_REFUSED comes back after a round trip', async () => {
    const { clock, network } = makeNetwork(1, { latencyMs: 4 });
    const a = await probe(network, A);
    await probe(network, B);
    network.crash(B);
    expect(await settle(clock, outcome(a.endpoint.dial(B), clock))).toEqual(['ERR_REFUSED', 8]);
    expect(await settle(clock, outcome(a.endpoint.dial('10.0.0.99:1')))).toBe('ERR_REFUSED');
    expect(network.stats().streamsRefused).toBe(2);
  });

  it('given a black-holed target or a partition, when dialing with a deadline, then ERR_TIMEOUT at the deadline', async () => {
    const { clock, network } = makeNetwork(1, { latencyMs: 4 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    network.crash(B, 'blackhole');
    const hole = a.endpoint.dial(B, { deadline: 300 }).catch((e: { code: string }) => [e.code, clock.now()]);
    await clock.advance(400);
    expect(await hole).toEqual(['ERR_TIMEOUT', 300]);
    network.restore(B);
    network.partition([A], [B]);
    const cut = a.endpoint.dial(B).catch((e: { code: string }) => [e.code, clock.now()]);
    await clock.advance(20_000);
    expect(await cut).toEqual(['ERR_TIMEOUT', 10_400]); // default dial timeout 10 s
    expect(b.streams).toHaveLength(0);
  });

  it('given an open stream, when the peer crashes (refuse mode), then pending reads fail with ERR_RESET', async () => {
    const { clock, network } = makeNetwork(1, { latencyMs: 2 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    const dialing = a.endpoint.dial(B);
    await clock.advance(4);
    const client = await dialing;
    const reading = client.read().catch((e: { code: string }) => e.code);
    network.crash(B);
    await clock.advance(5);
    expect(await reading).toBe('ERR_RESET');
    expect(b.endpoint.openStreams()).toBe(0);
    client.destroy();
  });

  it('given an open stream, when a partition cuts it, then its data stalls (a reader deadline fires) and flows again at the next retransmission after the heal', async () => {
    const { clock, network, client, server } = await connectedPair(1, { latencyMs: 2 }, A, B);
    const cut = network.partition([A]);
    const sentAt = clock.now();
    await client.write(new Uint8Array([1]));
    await client.write(new Uint8Array([2])); // queued behind the lost segment, as in TCP
    server.setDeadline(clock.now() + 1000);
    expect(await outcome(settle(clock, server.read(), 2000))).toBe('ERR_TIMEOUT');
    server.setDeadline(undefined);
    // Retransmissions at +200, +600, +1400, +3000 ms (200 ms doubling); the cut heals at +2000.
    await clock.advance(sentAt + 2000 - clock.now());
    cut.heal();
    let gotAt = -1;
    const got = readAll(server).finally(() => (gotAt = clock.now()));
    await client.close();
    await clock.advance(sentAt + 3010 - clock.now());
    expect(Array.from(await got)).toEqual([1, 2]);
    expect(gotAt).toBe(sentAt + 3002);
    expect(network.stats().streamSegmentsLost).toBe(4);
    server.destroy();
  });

  it('given stream loss, when a segment is lost twice, then it arrives after 200 + 400 ms of retransmission timeouts and nothing is lost or reordered', async () => {
    const { clock, network, client, server } = await connectedPair(1, { latencyMs: 1 }, A, B);
    network.setLink(A, B, { latencyMs: 1, lossRate: 1 });
    const sentAt = clock.now();
    await client.write(new Uint8Array([7]));
    await client.write(new Uint8Array([8]));
    await clock.advance(500); // the first attempt and the retransmission at +200 are lost
    network.setLink(A, B, undefined);
    const got = settle(clock, readAll(server));
    await client.close();
    expect(Array.from(await got)).toEqual([7, 8]);
    expect(clock.now()).toBe(sentAt + 600 + 1);
    expect(network.stats().streamSegmentsLost).toBe(2);
    server.destroy();
  });

  it('given 20% stream loss, when 200 one-byte writes cross, then all arrive in order, later than the latency alone', async () => {
    const { clock, network, client, server } = await connectedPair('lossy-stream', { latencyMs: 1, lossRate: 0.2 }, A, B);
    const start = clock.now();
    for (let i = 0; i < 200; i++) await client.write(new Uint8Array([i]));
    await client.close();
    const got = await settle(clock, readAll(server), 600_000);
    expect(Array.from(got)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(network.stats().streamSegmentsLost).toBeGreaterThan(20);
    expect(clock.now() - start).toBeGreaterThan(20 * 200);
  });

  it('given a partition that heals before the dial deadline, when dialing across it, then the SYN is retried after 1 s and 2 s and the dial succeeds', async () => {
    const { clock, network } = makeNetwork(1, { latencyMs: 2 });
    const a = await probe(network, A);
    await probe(network, B);
    network.partition([A]);
    let connectedAt = -1;
    const dialing = a.endpoint.dial(B, { deadline: 10_000 }).then(() => (connectedAt = clock.now()));
    await clock.advance(2500);
    network.heal();
    await settle(clock, dialing);
    expect(connectedAt).toBe(3000 + 4);
  });

  it('given a paused process, when packets and stream data reach it, then it receives nothing until the pause ends, then all of it in order', async () => {
    const { clock, network, a, b, client, server } = await connectedPair(1, { latencyMs: 1 }, A, B);
    network.pause(B, 1500);
    const pausedAt = clock.now();
    await a.endpoint.sendPacket(B, new Uint8Array([1]));
    await client.write(new Uint8Array([2]));
    const dialing = a.endpoint.dial(B);
    const reading = server.read();
    let readAt = -1;
    void reading.then(() => (readAt = clock.now()));
    await clock.advance(1000);
    expect(b.packets).toHaveLength(0);
    expect(readAt).toBe(-1);
    expect(b.streams).toHaveLength(1);
    // The kernel completes the handshake: the dialer is connected while the process is still paused.
    expect(await settle(clock, dialing.then(() => 'connected'))).toBe('connected');
    await clock.advance(pausedAt + 1500 - clock.now());
    expect(b.packets.map((p) => p.receivedAt)).toEqual([pausedAt + 1500]);
    expect(Array.from((await reading)!)).toEqual([2]);
    expect(readAt).toBe(pausedAt + 1500);
    expect(b.streams).toHaveLength(2);
    expect(network.heldUntil(B)).toBe(0);
  });

  it('given a slow target, when dialing and writing, then everything reaching it is delayed but stays in order', async () => {
    const { clock, network } = makeNetwork('slow-stream', { latencyMs: 1 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    network.setSlow(B, { minDelayMs: 50, maxDelayMs: 150 });
    const client = await settle(clock, a.endpoint.dial(B));
    expect(b.streams).toHaveLength(1);
    expect(clock.now()).toBeGreaterThanOrEqual(52);
    for (let i = 0; i < 100; i++) await client.write(new Uint8Array([i]));
    await client.close();
    const got = readAll(b.streams[0]!);
    await clock.advance(200);
    expect(Array.from(await got)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('given a receive bound, when a peer sends more, then the receiver fails ERR_TOO_LARGE and the sender sees a reset', async () => {
    const { clock, network } = makeNetwork();
    const a = await probe(network, A);
    const small = network.endpoint(B, { maxStreamBytes: 1000 });
    const accepted: Stream[] = [];
    await small.start({ onPacket: () => undefined, onStream: (s) => accepted.push(s) });
    const dialing = a.endpoint.dial(B);
    await clock.advance(1);
    const client = await dialing;
    await client.write(new Uint8Array(600));
    await client.write(new Uint8Array(600));
    const clientRead = client.read().catch((e: { code: string }) => e.code);
    await clock.advance(1);
    const server = accepted[0]!;
    // The bound fails the stream as soon as it is crossed, discarding what was buffered.
    await expect(server.read()).rejects.toMatchObject({ code: 'ERR_TOO_LARGE' });
    expect(await clientRead).toBe('ERR_RESET');
    server.destroy();
    client.destroy();
  });

  it('given a dial in flight, when the dialer shuts down before the answer, then it rejects ERR_CLOSED and the accepted side is reset', async () => {
    const { clock, network } = makeNetwork(1, { latencyMs: 5 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    const dialing = outcome(a.endpoint.dial(B));
    await clock.advance(6); // SYN has arrived, SYN-ACK is on its way back
    expect(b.streams).toHaveLength(1);
    const serverRead = outcome(b.streams[0]!.read());
    await a.endpoint.shutdown();
    await clock.advance(20);
    expect(await dialing).toBe('ERR_CLOSED');
    expect(await serverRead).toBe('ERR_RESET');
  });

  it('given a dial in flight, when its signal aborts, then it rejects ERR_ABORTED at once, its deadline timer is gone, and the late accept is reset', async () => {
    const { clock, network } = makeNetwork(1, { latencyMs: 5 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    const timersBefore = clock.pendingTimers();
    const controller = new AbortController();
    const dialing = outcome(a.endpoint.dial(B, { signal: controller.signal }), clock);
    await clock.advance(6); // the SYN has been accepted; the SYN-ACK is on its way back
    expect(b.streams).toHaveLength(1);
    const serverRead = outcome(b.streams[0]!.read());
    controller.abort();
    expect(await dialing).toEqual(['ERR_ABORTED', 6]);
    // Only the SYN-ACK in flight remains on the clock: the 10 s dial deadline went with the abort.
    expect(clock.pendingTimers()).toBe(timersBefore + 1);
    await clock.advance(10); // the SYN-ACK finds nobody waiting: the accepted side is reset
    expect(await serverRead).toBe('ERR_RESET');
    expect(clock.pendingTimers()).toBe(timersBefore);
  });

  it('given a dial whose SYN is still travelling, when its signal aborts, then the SYN is dropped on arrival', async () => {
    const { clock, network } = makeNetwork(1, { latencyMs: 5 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    const controller = new AbortController();
    const dialing = outcome(a.endpoint.dial(B, { signal: controller.signal }));
    await clock.advance(2);
    controller.abort();
    expect(await dialing).toBe('ERR_ABORTED');
    await clock.advance(20);
    expect(b.streams).toHaveLength(0);
    expect(network.stats().streamsOpened).toBe(0);
  });

  it('given an already aborted signal, when dialing, then it rejects ERR_ABORTED without sending a SYN', async () => {
    const { clock, network } = makeNetwork(1, { latencyMs: 5 });
    const a = await probe(network, A);
    const b = await probe(network, B);
    const controller = new AbortController();
    controller.abort();
    expect(await outcome(a.endpoint.dial(B, { signal: controller.signal }))).toBe('ERR_ABORTED');
    await clock.advance(20);
    expect(b.streams).toHaveLength(0);
  });

  it('given open streams, when an endpoint shuts down, then they are torn down and the peer sees a reset', async () => {
    const { clock, network } = makeNetwork();
    const a = await probe(network, A);
    const b = await probe(network, B);
    const dialing = a.endpoint.dial(B);
    await clock.advance(1);
    const client = await dialing;
    const reading = client.read().catch((e: { code: string }) => e.code);
    await b.endpoint.shutdown();
    await clock.advance(1);
    expect(await reading).toBe('ERR_RESET');
    await a.endpoint.shutdown();
    await expect(client.read()).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await expect(a.endpoint.dial(B)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
  });
});
