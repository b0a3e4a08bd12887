import type { GoPeerStartOptions } from '../src/index.js';

/**
 * memberlist's Local preset with probe and gossip periods shortened so that failure detection takes about
 * a second on three nodes: probe every 200 ms (timeout 100 ms), gossip every 50 ms, push/pull every 1 s.
 */
export const FAST: Omit<GoPeerStartOptions, 'name'> = {
  preset: 'local',
  probeIntervalMs: 200,
  probeTimeoutMs: 100,
  gossipIntervalMs: 50,
  pushPullIntervalMs: 1_000,
  tcpTimeoutMs: 1_000,
  gossipToTheDeadTimeMs: 5_000,
};

/** UTF-8 bytes of a string. */
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** UTF-8 text of bytes. */
export const text = (data: Uint8Array): string => new TextDecoder().decode(data);

/** A deterministic AES key of the given length whose bytes all equal `fill`. */
export const key = (fill: number, length: 16 | 24 | 32 = 32): Uint8Array => new Uint8Array(length).fill(fill);
