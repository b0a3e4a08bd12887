/**
 * Where GCM nonces come from. memberlist draws 12 fresh bytes from crypto/rand for every message; we do the same
 * from node:crypto, but refill a pool in bulk because one `randomFillSync` call (~1.4 µs) costs about as much as
 * the AES-GCM seal of a small packet. Tests inject a deterministic source instead.
 */
import { randomFillSync } from 'node:crypto';
import { NONCE_SIZE } from '@gossip/wire';
import { KeyringError } from './errors.js';

/** A source of random bytes: returns at least `n` fresh bytes (only the first `n` are used). */
export type RandomBytes = (n: number) => Uint8Array;

const POOL_SIZE = NONCE_SIZE * 512;

/** Secure random bytes handed out once each from a pool refilled by `randomFillSync`. */
class SecurePool {
  readonly #pool = Buffer.allocUnsafeSlow(POOL_SIZE);
  #used = POOL_SIZE;

  /** Copies `n` fresh bytes into `out` at `offset`. */
  fill(out: Uint8Array, offset: number, n: number): void {
    if (n > POOL_SIZE) {
      randomFillSync(out, offset, n);
      return;
    }
    if (this.#used + n > POOL_SIZE) {
      randomFillSync(this.#pool);
      this.#used = 0;
    }
    out.set(this.#pool.subarray(this.#used, this.#used + n), offset);
    this.#used += n;
  }
}

const pool = new SecurePool();

/**
 * The default source as a {@link RandomBytes}: cryptographically secure (node:crypto), pooled. Each call returns
 * a new array.
 */
export const secureRandomBytes: RandomBytes = (n) => {
  const out = new Uint8Array(n);
  pool.fill(out, 0, n);
  return out;
};

/**
 * Writes a nonce into `out` at `offset`: the fixed `nonce` when given (tests and vectors), else bytes from
 * `random`, else from the secure pool (no allocation).
 * @throws KeyringError `ERR_NONCE_SIZE` when `nonce` or the random source yields the wrong number of bytes
 */
export function writeNonce(
  out: Uint8Array,
  offset: number,
  nonce: Uint8Array | undefined,
  random: RandomBytes | undefined,
): void {
  if (nonce === undefined && random === undefined) {
    pool.fill(out, offset, NONCE_SIZE);
    return;
  }
  const bytes = nonce ?? random!(NONCE_SIZE);
  if (!(bytes instanceof Uint8Array) || (nonce ? bytes.length !== NONCE_SIZE : bytes.length < NONCE_SIZE)) {
    throw new KeyringError('ERR_NONCE_SIZE', `a GCM nonce is ${NONCE_SIZE} bytes`);
  }
  out.set(bytes.length === NONCE_SIZE ? bytes : bytes.subarray(0, NONCE_SIZE), offset);
}
