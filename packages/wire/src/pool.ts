/**
 * Output allocation for encoders. V8 allocates typed arrays over 64 bytes with an off-heap backing store, which
 * costs several hundred nanoseconds — more than encoding a ping. Like Node's `Buffer.allocUnsafe`, small
 * outputs are therefore carved from a shared 8 KiB ArrayBuffer: each result is a view with its own
 * `byteOffset`, never handed out twice. A retained message keeps at most one 8 KiB slab alive.
 */

const POOL_SIZE = 8192;
const POOL_MAX = 2048;
const ON_HEAP_MAX = 64;

let pool = new ArrayBuffer(POOL_SIZE);
let offset = 0;

/** A zero-filled byte array of length `n`, possibly a view into a shared slab (mind `byteOffset`). */
export function allocOutput(n: number): Uint8Array {
  if (n <= ON_HEAP_MAX || n > POOL_MAX) return new Uint8Array(n);
  if (offset + n > POOL_SIZE) {
    pool = new ArrayBuffer(POOL_SIZE);
    offset = 0;
  }
  const out = new Uint8Array(pool, offset, n);
  offset = (offset + n + 7) & ~7;
  return out;
}
