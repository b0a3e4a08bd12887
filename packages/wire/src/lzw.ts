/**
 * LZW exactly as Go's `compress/lzw` with `Order = LSB`, `litWidth = 8` (PROTOCOL.md §5.7): codes 0-255 literals,
 * 256 CLEAR, 257 EOF, 258-4095 dictionary, 9-12 bit codes packed LSB-first, no "early change". The encoder's
 * output is byte-identical to Go's for any input; the decoder accepts exactly what Go's accepts.
 *
 * Both directions use typed-array tables that live for the whole process (JS runs one call at a time):
 * the encoder a 16 Ki-slot open-addressing hash of (prefix code, byte) → code (as Go, but with a multiplicative
 * hash: Go's xor-fold clusters badly on text and halves throughput); the decoder records
 * each dictionary entry as (offset, length) of an earlier occurrence in the output, since an LZW entry is always
 * "previous output + first byte of the current one", which sit next to each other in the output buffer.
 */
import { WireError } from './errors.js';
import { allocOutput } from './pool.js';

const CLEAR = 256;
const EOF = 257;
const MAX_CODE = 4095;
const TABLE_BITS = 14;
const TABLE_MASK = (1 << TABLE_BITS) - 1;

/** Default decompression bound: memberlist HEAD's `2 × maxPushStateBytes` (40 MiB). */
export const DEFAULT_MAX_DECOMPRESSED = 40 * 1024 * 1024;

/** Scratch buffers above this size are dropped after use instead of being kept for the next call. */
const SCRATCH_KEEP = 1 << 20;

const encodeTable = new Uint32Array(1 << TABLE_BITS);
let scratch = new Uint8Array(4096);

/** The shared scratch buffer, at least `n` bytes long. */
function scratchOf(n: number): Uint8Array {
  if (scratch.length < n) scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  return scratch;
}

/** Copies the first `n` bytes of a scratch buffer out, and lets an oversized scratch buffer go. */
function copyOut(buf: Uint8Array, n: number): Uint8Array {
  const out = allocOutput(n);
  out.set(buf.subarray(0, n));
  if (buf === scratch && scratch.length > SCRATCH_KEEP) scratch = new Uint8Array(4096);
  return out;
}
const entryOffset = new Int32Array(MAX_CODE + 1);
const entryLength = new Int32Array(MAX_CODE + 1);

/** Compresses `data` into a complete LZW stream (CLEAR first, EOF last). */
export function lzwCompress(data: Uint8Array): Uint8Array {
  const n = data.length;
  // Every input byte yields at most one 12-bit code, plus CLEAR/EOF and a CLEAR per ~3800 codes.
  const out = scratchOf(Math.ceil(((n + 4 + Math.ceil(n / 3000)) * 12) / 8) + 2);
  let o = 0;
  let bits = 0;
  let nBits = 0;
  let width = 9;
  let hi = EOF;
  let overflow = 512;

  bits |= CLEAR << nBits;
  nBits += width;
  while (nBits >= 8) {
    out[o++] = bits & 0xff;
    bits >>>= 8;
    nBits -= 8;
  }

  if (n > 0) {
    const table = encodeTable;
    table.fill(0);
    let code = data[0]!;
    outer: for (let i = 1; i < n; i++) {
      const literal = data[i]!;
      const key = (code << 8) | literal;
      let hash = Math.imul(key, 0x9e3779b1) >>> (32 - TABLE_BITS);
      for (let t = table[hash]!; t !== 0; t = table[hash]!) {
        if (t >>> 12 === key) {
          code = t & MAX_CODE;
          continue outer;
        }
        hash = (hash + 1) & TABLE_MASK;
      }
      bits |= code << nBits;
      nBits += width;
      while (nBits >= 8) {
        out[o++] = bits & 0xff;
        bits >>>= 8;
        nBits -= 8;
      }
      code = literal;
      hi++;
      if (hi === overflow) {
        width++;
        overflow <<= 1;
      }
      if (hi === MAX_CODE) {
        // Out of codes: Go emits CLEAR at the current width, resets, and adds no entry for this step.
        bits |= CLEAR << nBits;
        nBits += width;
        while (nBits >= 8) {
          out[o++] = bits & 0xff;
          bits >>>= 8;
          nBits -= 8;
        }
        width = 9;
        hi = EOF;
        overflow = 512;
        table.fill(0);
        continue;
      }
      table[hash] = ((key << 12) | hi) >>> 0;
    }
    bits |= code << nBits;
    nBits += width;
    while (nBits >= 8) {
      out[o++] = bits & 0xff;
      bits >>>= 8;
      nBits -= 8;
    }
    hi++;
    if (hi === overflow) {
      width++;
      overflow <<= 1;
    }
    if (hi === MAX_CODE) {
      bits |= CLEAR << nBits;
      nBits += width;
      while (nBits >= 8) {
        out[o++] = bits & 0xff;
        bits >>>= 8;
        nBits -= 8;
      }
      width = 9;
    }
  }

  bits |= EOF << nBits;
  nBits += width;
  while (nBits >= 8) {
    out[o++] = bits & 0xff;
    bits >>>= 8;
    nBits -= 8;
  }
  if (nBits > 0) out[o++] = bits & 0xff;
  return copyOut(out, o);
}

/**
 * Decompresses a Go LSB/8 LZW stream. Throws `ERR_LZW` for an invalid code or input ending before the EOF code,
 * and `ERR_TOO_LARGE` as soon as the output would exceed `maxSize` bytes. Bytes after the EOF code are ignored.
 */
export function lzwDecompress(data: Uint8Array, maxSize: number = DEFAULT_MAX_DECOMPRESSED): Uint8Array {
  const n = data.length;
  // Typical memberlist payloads expand 3-6×; start near that to avoid regrowing.
  let out: Uint8Array = scratchOf(Math.max(64, Math.min(maxSize, n * 6)));
  // The scratch buffer may be longer than maxSize: `cap` is where output must stop or grow.
  let cap = Math.min(out.length, maxSize);
  let o = 0;
  const offs = entryOffset;
  const lens = entryLength;
  let bits = 0;
  let nBits = 0;
  let i = 0;
  let width = 9;
  let mask = 511;
  let hi = EOF;
  let overflow = 512;
  let last = -1;
  let lastPos = 0;
  let lastLen = 0;

  for (;;) {
    while (nBits < width) {
      if (i >= n) throw new WireError('ERR_LZW', 'LZW stream ended before its EOF code');
      bits |= data[i++]! << nBits;
      nBits += 8;
    }
    const code = bits & mask;
    bits >>>= width;
    nBits -= width;

    let pos: number;
    let len: number;
    if (code < CLEAR) {
      if (o >= cap) {
        out = grow(out, o + 1, maxSize);
        cap = Math.min(out.length, maxSize);
      }
      out[o] = code;
      pos = o++;
      len = 1;
    } else if (code === CLEAR) {
      width = 9;
      mask = 511;
      hi = EOF;
      overflow = 512;
      last = -1;
      continue;
    } else if (code === EOF) {
      break;
    } else if (code <= hi) {
      let src: number;
      if (code === hi && last >= 0) {
        // KwKwK: the code being defined right now is previous string + its own first byte.
        src = lastPos;
        len = lastLen + 1;
      } else {
        src = offs[code]!;
        len = lens[code]!;
      }
      if (o + len > cap) {
        out = grow(out, o + len, maxSize);
        cap = Math.min(out.length, maxSize);
      }
      if (len > 64 && src + len <= o) {
        out.copyWithin(o, src, src + len);
      } else {
        // Forward byte copy: also right for KwKwK, whose last byte is the first one written here.
        let d = o;
        const e = src + len;
        for (let k = src; k < e; k++) out[d++] = out[k]!;
      }
      pos = o;
      o += len;
    } else {
      throw new WireError('ERR_LZW', `invalid LZW code ${code} (next free ${hi})`);
    }
    if (last >= 0) {
      offs[hi] = lastPos;
      lens[hi] = lastLen + 1;
    }
    last = code;
    lastPos = pos;
    lastLen = len;
    hi++;
    if (hi >= overflow) {
      if (width === 12) {
        // Dictionary full: Go freezes it until the next CLEAR.
        last = -1;
        hi--;
      } else {
        width++;
        mask = (mask << 1) | 1;
        overflow <<= 1;
      }
    }
  }
  return copyOut(out, o);
}

function grow(out: Uint8Array, need: number, maxSize: number): Uint8Array {
  if (need > maxSize) {
    if (scratch.length > SCRATCH_KEEP) scratch = new Uint8Array(4096);
    throw new WireError('ERR_TOO_LARGE', `decompressed size exceeds ${maxSize} bytes`);
  }
  if (need <= out.length) return out;
  let size = out.length * 2;
  while (size < need) size *= 2;
  const next = new Uint8Array(Math.min(size, maxSize));
  next.set(out);
  if (out === scratch) scratch = next;
  return next;
}
