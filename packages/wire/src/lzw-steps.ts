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

/** The longest string one LZW code can stand for (a slice may overshoot its bound by this much). */
const MAX_ENTRY = 4096;

/**
 * An output buffer past this size grows in steps of its own instead of all at once inside a decode: doubling a
 * 16 MiB buffer in one call copied 16 MiB into fresh pages and held the event loop for 19 ms (issue #12's bound is
 * 20), and even a 4 MiB copy into fresh pages takes 2.5-5 ms, more than a whole turn's budget.
 */
const GROW_IN_STEPS_ABOVE = 1 << 20;

/**
 * A growth step copies this many bytes per byte of output asked for: copying a byte into a fresh page costs a
 * small fraction of decoding one, so a step stays about as long as the decode step it stands in for, and the
 * caller's time budget, checked between steps, still bounds the turn.
 */
const COPY_PER_OUTPUT_BYTE = 16;
/** The least and most a growth step copies (256 KiB: well under a millisecond; 4 MiB: a few). */
const MIN_GROW_COPY = 256 << 10;
const MAX_GROW_COPY = 4 << 20;

/** Decompresses one LZW stream a slice at a time. */
export class LzwDecompressor {
  private readonly s: DecodeState;
  /** The larger buffer being filled while the output grows in slices; `copied` bytes of it are done. */
  private next: Uint8Array | undefined;
  private copied = 0;

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
    return this.s.out.length + (this.next?.length ?? 0);
  }

  /**
   * Decompresses until about `bytes` more bytes of output exist (one dictionary entry may overshoot by up to 4 KiB)
   * or the stream ends; returns {@link LzwDecompressor.done}. Throws `ERR_LZW` or `ERR_TOO_LARGE` as
   * `lzwDecompress` does. A step that has to grow a large output buffer (past {@link GROW_IN_STEPS_ABOVE}) copies
   * a slice of it, sized by `bytes`, and decodes nothing; the steps after it go on decoding.
   */
  step(bytes: number): boolean {
    const s = this.s;
    if (s.done) return true;
    const until = s.o + Math.max(1, bytes);
    if (this.next === undefined && s.out.length > GROW_IN_STEPS_ABOVE) {
      const need = Math.min(s.maxSize, until + MAX_ENTRY);
      if (need > s.out.length) {
        let size = s.out.length * 2;
        while (size < need) size *= 2;
        this.next = new Uint8Array(Math.min(size, s.maxSize));
        this.copied = 0;
      }
    }
    if (this.next !== undefined) {
      const copy = Math.min(MAX_GROW_COPY, Math.max(MIN_GROW_COPY, bytes * COPY_PER_OUTPUT_BYTE));
      const end = Math.min(s.o, this.copied + copy);
      this.next.set(s.out.subarray(this.copied, end), this.copied);
      this.copied = end;
      if (end === s.o) {
        s.out = this.next;
        this.next = undefined;
      }
      return false;
    }
    decodeSlice(s, until);
    return s.done;
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
