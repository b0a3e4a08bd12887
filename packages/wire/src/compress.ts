/**
 * `compressMsg` (type 9): `0x09 | msgpack {Algo: 0, Buf: <LZW bytes>}` (PROTOCOL.md §4.11, §5.7).
 */
import { WireError } from './errors.js';
import { COMPRESS_KEYS, MAX_UINT8 } from './keys.js';
import { DEFAULT_MAX_DECOMPRESSED, lzwCompress, lzwDecompress } from './lzw.js';
import { LzwDecompressor } from './lzw-steps.js';
import type { Compress } from './messages.js';
import { MessageType } from './messages.js';
import { Reader } from './msgpack.js';
import { allocOutput } from './pool.js';

/** The only compression algorithm memberlist defines. */
export const LZW_ALGO = 0;

/** Wraps `payload` (a whole message, type byte included) as a compress message. */
export function encodeCompress(payload: Uint8Array): Uint8Array {
  return wrapCompressed(lzwCompress(payload));
}

/** Wraps a complete LZW stream (from `lzwCompress` or an `LzwCompressor`) as a compress message. */
export function wrapCompressed(buf: Uint8Array): Uint8Array {
  const n = buf.length;
  const header = n < 32 ? 1 : n <= 0xffff ? 3 : 5;
  const out = allocOutput(1 + 1 + COMPRESS_KEYS[0]!.length + 1 + COMPRESS_KEYS[1]!.length + header + n);
  let p = 0;
  out[p++] = MessageType.Compress;
  out[p++] = 0x82;
  out.set(COMPRESS_KEYS[0]!, p);
  p += COMPRESS_KEYS[0]!.length;
  out[p++] = LZW_ALGO;
  out.set(COMPRESS_KEYS[1]!, p);
  p += COMPRESS_KEYS[1]!.length;
  if (header === 1) {
    out[p++] = 0xa0 | n;
  } else if (header === 3) {
    out[p++] = 0xda;
    out[p++] = n >>> 8;
    out[p++] = n & 0xff;
  } else {
    out[p++] = 0xdb;
    out[p++] = n >>> 24;
    out[p++] = (n >>> 16) & 0xff;
    out[p++] = (n >>> 8) & 0xff;
    out[p++] = n & 0xff;
  }
  out.set(buf, p);
  return out;
}

/** Reads the `compress` struct after the type byte; `pos` ends just after it (stream framing needs that). */
export function readCompress(r: Reader): Compress {
  let algo = 0;
  let buf: Uint8Array | null = null;
  for (let n = r.mapLen(); n > 0; n--) {
    switch (r.key(COMPRESS_KEYS)) {
      case 0:
        algo = r.uint(MAX_UINT8);
        break;
      case 1:
        buf = r.bytesView();
        break;
      default:
        r.skip();
    }
  }
  return { algo, buf: buf ?? new Uint8Array(0) };
}

/** Parses a compress message (type byte included) without decompressing; `buf` is a view into `msg`. */
export function parseCompress(msg: Uint8Array): Compress {
  if (msg.length === 0) throw new WireError('ERR_EMPTY', 'empty compress message');
  if (msg[0] !== MessageType.Compress) {
    throw new WireError('ERR_UNKNOWN_TYPE', `not a compress message: type ${msg[0]}`);
  }
  return readCompress(new Reader(msg, 1));
}

/** Decompresses a compress struct, enforcing the algorithm and the size bound. */
export function decompress(c: Compress, maxSize: number = DEFAULT_MAX_DECOMPRESSED): Uint8Array {
  if (c.algo !== LZW_ALGO) throw new WireError('ERR_UNKNOWN_ALGO', `cannot decompress unknown algorithm ${c.algo}`);
  return lzwDecompress(c.buf, maxSize);
}

/**
 * A decompressor for a compress struct, to run in slices (see `LzwDecompressor`); throws `ERR_UNKNOWN_ALGO` for
 * an algorithm other than LZW. The struct's `buf` must stay unchanged until the decompressor is done.
 */
export function stepDecompress(c: Compress, maxSize: number = DEFAULT_MAX_DECOMPRESSED): LzwDecompressor {
  if (c.algo !== LZW_ALGO) throw new WireError('ERR_UNKNOWN_ALGO', `cannot decompress unknown algorithm ${c.algo}`);
  return new LzwDecompressor(c.buf, maxSize);
}

/**
 * Decodes a compress message (type byte included) and returns the decompressed payload: the inner message,
 * type byte included. Throws `ERR_UNKNOWN_ALGO`, `ERR_LZW`, `ERR_TOO_LARGE` (over `maxSize`), or msgpack errors.
 */
export function decodeCompress(msg: Uint8Array, maxSize: number = DEFAULT_MAX_DECOMPRESSED): Uint8Array {
  return decompress(parseCompress(msg), maxSize);
}
