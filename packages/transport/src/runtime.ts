/**
 * The runtime seams through which a protocol instance reads time and randomness. `@gossip/core` never reads the
 * wall clock or global randomness itself: a real process passes {@link systemClock} and {@link systemRandom}, a
 * simulation passes a virtual clock and a seeded generator, and the same code runs under both.
 *
 * Refinements (additive, nothing renamed): {@link SeededRandom} adds `fork` for per-node streams derived from one
 * seed. `TimerHandle` stays opaque so a virtual clock can hand out plain objects.
 */

/** An opaque handle for a scheduled timer. */
export type TimerHandle = unknown;

/** Monotonic time and timers, in milliseconds. */
export interface Clock {
  /** Milliseconds on a monotonic time line (not necessarily the Unix epoch). */
  now(): number;
  /** Runs `fn` once after `delayMs` milliseconds. */
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer returned by {@link Clock.setTimeout}; a no-op for a timer that already ran. */
  clearTimeout(handle: TimerHandle): void;
}

/** A source of uniformly distributed randomness. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** Fills `buf` with random bytes and returns it (used for nonces when no secure source is injected). */
  bytes(buf: Uint8Array): Uint8Array;
}

/**
 * A deterministic {@link Random}: the same seed yields the same sequence on every run and platform.
 * `fork(label)` derives an independent stream from the seed and the label alone (not from how many numbers were
 * drawn so far), so a simulation can give node `n` the stream `fork('node-n')` and adding draws elsewhere does
 * not perturb it.
 */
export interface SeededRandom extends Random {
  /** The seed this stream was created from (a fork's seed names its parent and label). */
  readonly seed: string;
  /** An independent deterministic stream named by `label`; the same label always yields the same stream. */
  fork(label: string): SeededRandom;
}
