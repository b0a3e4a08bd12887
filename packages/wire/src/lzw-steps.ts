/**
 * LZW in slices, for inputs too large to (de)compress in one event-loop turn: the caller runs a bounded slice of
 * work at a time and may yield in between. Each instance owns its dictionary and output buffer (the one-shot
 * functions share theirs), so another compression can run between two slices. The output is byte-identical to
 * {@link lzwCompress} / {@link lzwDecompress}, which run the same slice functions to completion.
 */
import { invalidArgument } from './errors.js';
import {
  DEFAULT_MAX_DECOMPRESSED,
  type DecodeState,
  type EncodeState,
  compressBound,
  decodeSlice,
  encodeSlice,
  startDecode,
  startEncode,
} from './lzw.js';

const DICTIONARY = 4096;
const HASH_SLOTS = 1 << 14;

/** Decompresses one LZW stream a slice at a time. */
export class LzwDecompressor {
  private readonly s: DecodeState;

  /** @param maxSize - output bound: a slice throws `ERR_TOO_LARGE` the moment output would pass it. */
  constructor(data: Uint8Array, maxSize: number = DEFAULT_MAX_DECOMPRESSED) {
    const out = new Uint8Array(Math.max(64, Math.min(maxSize, data.length * 6)));
    this.s = startDecode(data, maxSize, out, new Int32Array(DICTIONARY), new Int32Array(DICTIONARY));
  }

  /** Whether the EOF code has been read. */
  get done(): boolean {
    return this.s.done;
  }

  /** Bytes of output so far. */
  get produced(): number {
    return this.s.o;
  }

  /** Bytes of output buffer held (what a caller should account as memory in use). */
  get held(): number {
    return this.s.out.length;
  }

  /**
   * Decompresses until about `bytes` more bytes of output exist (one dictionary entry may overshoot by up to 4 KiB)
   * or the stream ends; returns {@link LzwDecompressor.done}. Throws `ERR_LZW` or `ERR_TOO_LARGE` as
   * `lzwDecompress` does.
   */
  step(bytes: number): boolean {
    if (!this.s.done) decodeSlice(this.s, this.s.o + Math.max(1, bytes));
    return this.s.done;
  }

  /** The output once done (a view of this decompressor's buffer, not copied). */
  result(): Uint8Array {
    if (!this.s.done) throw invalidArgument('LzwDecompressor.result() before the stream ended');
    return this.s.out.subarray(0, this.s.o);
  }
}

/** Compresses one input a slice at a time. */
export class LzwCompressor {
  private readonly s: EncodeState;

  constructor(data: Uint8Array) {
    this.s = startEncode(data, new Uint8Array(compressBound(data.length)), new Uint32Array(HASH_SLOTS));
  }

  /** Whether the EOF code has been written. */
  get done(): boolean {
    return this.s.done;
  }

  /** Compresses up to `bytes` more input bytes (finishing the stream when the input ends); returns `done`. */
  step(bytes: number): boolean {
    if (!this.s.done) encodeSlice(this.s, this.s.i + Math.max(1, bytes));
    return this.s.done;
  }

  /** The complete LZW stream once done (a view of this compressor's buffer). */
  result(): Uint8Array {
    if (!this.s.done) throw invalidArgument('LzwCompressor.result() before the input was used up');
    return this.s.out.subarray(0, this.s.o);
  }
}
