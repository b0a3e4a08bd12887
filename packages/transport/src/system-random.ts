import type { Random } from './runtime.js';
import { Sfc32, Uint32Random } from './seeded-random.js';

/** Web Crypto refuses more than 65 536 bytes per getRandomValues call. */
const MAX_CRYPTO_CHUNK = 65536;

function cryptoBytes(buf: Uint8Array): Uint8Array {
  for (let off = 0; off < buf.length; off += MAX_CRYPTO_CHUNK) {
    globalThis.crypto.getRandomValues(buf.subarray(off, Math.min(buf.length, off + MAX_CRYPTO_CHUNK)));
  }
  return buf;
}

/**
 * Process randomness: `bytes` comes from the platform CSPRNG (`crypto.getRandomValues`, suitable for nonces);
 * `next`/`int` — called on every probe and gossip round — come from an sfc32 generator seeded from the CSPRNG,
 * which is much cheaper and statistically sound but not for secrets.
 */
class SystemRandom extends Uint32Random {
  constructor() {
    const seed = cryptoBytes(new Uint8Array(16));
    const view = new DataView(seed.buffer);
    super(new Sfc32(view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(12)));
  }

  override bytes(buf: Uint8Array): Uint8Array {
    return cryptoBytes(buf);
  }
}

/** Randomness for a real process (CSPRNG bytes, fast unpredictable-seeded floats and integers). */
export const systemRandom: Random = new SystemRandom();
