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
/** The compressor's hash table: 16,384 slots, for the at most 3,838 strings defined between two CLEARs. */
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

/** Where a compression stands between two slices (see {@link LzwCompressor}). */
export interface EncodeState {
  readonly data: Uint8Array;
  readonly table: Uint32Array;
  out: Uint8Array;
  o: number;
  bits: number;
  nBits: number;
  width: number;
  hi: number;
  overflow: number;
  /** The code of the string matched so far. */
  code: number;
  /** Next input byte to read. */
  i: number;
  done: boolean;
}

/** The output bound of compressing `n` bytes: one 12-bit code per byte, plus CLEAR/EOF and a CLEAR per ~3800 codes. */
export function compressBound(n: number): number {
  return Math.ceil(((n + 4 + Math.ceil(n / 3000)) * 12) / 8) + 2;
}

/** Starts compressing `data` into `out` (at least {@link compressBound} long) with the hash table `table`. */
export function startEncode(data: Uint8Array, out: Uint8Array, table: Uint32Array): EncodeState {
  const s: EncodeState = { data, table, out, o: 0, bits: 0, nBits: 0, width: 9, hi: EOF, overflow: 512, code: 0, i: 1, done: false };
  emit(s, CLEAR);
  if (data.length > 0) {
    table.fill(0);
    s.code = data[0]!;
  }
  return s;
}

function emit(s: EncodeState, code: number): void {
  s.bits |= code << s.nBits;
  s.nBits += s.width;
  while (s.nBits >= 8) {
    s.out[s.o++] = s.bits & 0xff;
    s.bits >>>= 8;
    s.nBits -= 8;
  }
}

/**
 * Compresses input bytes up to index `until` (exclusive), then stops; when the input is used up, writes the last
 * code and EOF and sets `done`. The hot loop works on locals and stores them back once per slice.
 */
export function encodeSlice(s: EncodeState, until: number): void {
  const data = s.data;
  const n = data.length;
  const table = s.table;
  const out = s.out;
  let { o, bits, nBits, width, hi, overflow, code } = s;
  const stop = Math.min(n, until);
  let i = s.i;
  if (n > 0) {
    outer: for (; i < stop; i++) {
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
  }
  s.o = o;
  s.bits = bits;
  s.nBits = nBits;
  s.width = width;
  s.hi = hi;
  s.overflow = overflow;
  s.code = code;
  s.i = i;
  if (i < n) return;
  if (n > 0) {
    emit(s, code);
    s.hi++;
    if (s.hi === s.overflow) {
      s.width++;
      s.overflow <<= 1;
    }
    if (s.hi === MAX_CODE) {
      emit(s, CLEAR);
      s.width = 9;
    }
  }
  emit(s, EOF);
  if (s.nBits > 0) s.out[s.o++] = s.bits & 0xff;
  s.done = true;
}

/** Compresses `data` into a complete LZW stream (CLEAR first, EOF last). */
export function lzwCompress(data: Uint8Array): Uint8Array {
  const s = startEncode(data, scratchOf(compressBound(data.length)), encodeTable);
  encodeSlice(s, data.length);
  return copyOut(s.out, s.o);
}

/** Where a decompression stands between two slices (see {@link LzwDecompressor}). */
export interface DecodeState {
  readonly data: Uint8Array;
  readonly maxSize: number;
  readonly offs: Int32Array;
  readonly lens: Int32Array;
  out: Uint8Array;
  o: number;
  i: number;
  bits: number;
  nBits: number;
  width: number;
  mask: number;
  hi: number;
  overflow: number;
  last: number;
  lastPos: number;
  lastLen: number;
  done: boolean;
}

/** Starts decompressing `data` into `out` (grown as needed up to `maxSize`) with dictionary tables `offs`/`lens`. */
export function startDecode(data: Uint8Array, maxSize: number, out: Uint8Array, offs: Int32Array, lens: Int32Array): DecodeState {
  return { data, maxSize, offs, lens, out, o: 0, i: 0, bits: 0, nBits: 0, width: 9, mask: 511, hi: EOF, overflow: 512, last: -1, lastPos: 0, lastLen: 0, done: false };
}

/**
 * Decodes codes until the output holds at least `until` bytes or the EOF code is read (then `done`). Throws
 * `ERR_LZW` for an invalid code or input ending before EOF, `ERR_TOO_LARGE` once output would pass `maxSize`.
 */
export function decodeSlice(s: DecodeState, until: number): void {
  const data = s.data;
  const n = data.length;
  const maxSize = s.maxSize;
  const offs = s.offs;
  const lens = s.lens;
  let out = s.out;
  // The scratch buffer may be longer than maxSize: `cap` is where output must stop or grow.
  let cap = Math.min(out.length, maxSize);
  let { o, i, bits, nBits, width, mask, hi, overflow, last, lastPos, lastLen } = s;

  while (o < until) {
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
      s.done = true;
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
      } else if (len > 64 && src + len - 1 === o) {
        // KwKwK (every code of a run of one byte, a bomb's shape): the previous string, which ends where this one
        // starts, then its own first byte. A native copy even before the JIT has compiled this loop: a byte loop
        // of a 1 MiB run cost ~20 ms in the interpreter, the first time a node met one.
        out.copyWithin(o, src, o);
        out[o + len - 1] = out[src]!;
      } else {
        // Forward byte copy: also right for a short KwKwK, whose last byte is the first one written here.
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
  s.out = out;
  s.o = o;
  s.i = i;
  s.bits = bits;
  s.nBits = nBits;
  s.width = width;
  s.mask = mask;
  s.hi = hi;
  s.overflow = overflow;
  s.last = last;
  s.lastPos = lastPos;
  s.lastLen = lastLen;
}

/**
 * Decompresses a Go LSB/8 LZW stream. Throws `ERR_LZW` for an invalid code or input ending before the EOF code,
 * and `ERR_TOO_LARGE` as soon as the output would exceed `maxSize` bytes. Bytes after the EOF code are ignored.
 */
export function lzwDecompress(data: Uint8Array, maxSize: number = DEFAULT_MAX_DECOMPRESSED): Uint8Array {
  // Typical memberlist payloads expand 3-6×; start near that to avoid regrowing.
  const out = scratchOf(Math.max(64, Math.min(maxSize, data.length * 6)));
  const s = startDecode(data, maxSize, out, entryOffset, entryLength);
  while (!s.done) decodeSlice(s, Number.POSITIVE_INFINITY);
  return copyOut(s.out, s.o);
}

/** Grows `out` to hold `need` bytes (doubling, never past `maxSize`); throws `ERR_TOO_LARGE` past `maxSize`. */
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
