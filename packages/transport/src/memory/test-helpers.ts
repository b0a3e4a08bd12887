import { createSeededRandom } from '../seeded-random.js';
import type { InboundPacket, Stream } from '../transport.js';
import { VirtualClock } from '../virtual-clock.js';
import type { Clock } from '../runtime.js';
import type { LinkFaults } from './link-faults.js';
import { MemoryNetwork, type MemoryNetworkOptions } from './memory-network.js';
import type { MemoryEndpoint } from './memory-endpoint.js';

/** A started endpoint that records what it receives (test helper). */
export interface Probe {
  readonly endpoint: MemoryEndpoint;
  readonly packets: InboundPacket[];
  readonly streams: Stream[];
}

/** A virtual-clock network with a seeded random source (test helper). */
export function makeNetwork(
  seed: number | string = 1,
  defaults: LinkFaults = {},
  extra: Partial<MemoryNetworkOptions> = {},
): { clock: VirtualClock; network: MemoryNetwork } {
  const clock = new VirtualClock();
  const network = new MemoryNetwork({ clock, random: createSeededRandom(seed), defaults, ...extra });
  return { clock, network };
}

/** Creates and starts an endpoint that records its inbound traffic (test helper). */
export async function probe(network: MemoryNetwork, address: string): Promise<Probe> {
  const endpoint = network.endpoint(address);
  const packets: InboundPacket[] = [];
  const streams: Stream[] = [];
  await endpoint.start({ onPacket: (p) => packets.push(p), onStream: (s) => streams.push(s) });
  return { endpoint, packets, streams };
}

/** Reads a stream to EOF and concatenates the chunks (test helper). */
export async function readAll(stream: Stream): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let chunk = await stream.read(); chunk !== null; chunk = await stream.read()) parts.push(chunk);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Encodes a counter in 4 bytes (test helper). */
export function seqPacket(i: number): Uint8Array {
  return new Uint8Array([i >>> 24, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff]);
}

/** Decodes {@link seqPacket} (test helper). */
export function seqOf(p: InboundPacket): number {
  return ((p.data[0]! << 24) | (p.data[1]! << 16) | (p.data[2]! << 8) | p.data[3]!) >>> 0;
}

/** Drives a virtual clock until `promise` settles (at most `maxMs`), then returns it (test helper). */
export async function settle<T>(clock: VirtualClock, promise: Promise<T>, maxMs = 60_000): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await clock.runUntil(() => done, maxMs);
  return promise;
}

/** Resolves with the error code a promise rejects with, or 'resolved' (test helper). */
export function outcome(promise: Promise<unknown>, clock?: Clock): Promise<string | [string, number]> {
  return promise.then(
    () => 'resolved',
    (e: { code?: string }) => (clock ? [e.code ?? 'unknown', clock.now()] : (e.code ?? 'unknown')),
  );
}

/**
 * A network with two started endpoints (`from`, `to`) and one stream dialled between them: the dialer's end,
 * the accepted end and the endpoints' probes (test helper).
 */
export async function connectedPair(
  seed: number | string,
  defaults: LinkFaults,
  from: string,
  to: string,
): Promise<{ clock: VirtualClock; network: MemoryNetwork; a: Probe; b: Probe; client: Stream; server: Stream }> {
  const { clock, network } = makeNetwork(seed, defaults);
  const a = await probe(network, from);
  const b = await probe(network, to);
  const client = await settle(clock, a.endpoint.dial(to));
  return { clock, network, a, b, client, server: b.streams[0]! };
}
