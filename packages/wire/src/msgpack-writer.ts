/**
 * msgpack encoding as go-msgpack does it with a zero-value `MsgpackHandle{}` (PROTOCOL.md §3.1): structs are maps with
 * sorted keys, strings and byte slices both use the old raw-str family (`a0+n`, `da`, `db`, never `d9` or bin),
 * unsigned ints take their smallest unsigned form, Go `int`s follow the chosen codec version.
 */
import { allocOutput } from './pool.js';
import { utf8Encode, writeAscii } from './utf8.js';

/** Go `int` encoding flavour: v0.2.2's go-msgpack 0.5 writes unsigned forms, HEAD's v2 writes signed forms. */
export type IntEncoding = 'v0.2.2' | 'head';

/** Encodes a map key as the fixstr Go writes for it (all memberlist field names are < 32 bytes of ASCII). */
export function mapKey(name: string): Uint8Array {
  const bytes = utf8Encode(name);
  const out = new Uint8Array(bytes.length + 1);
  out[0] = 0xa0 | bytes.length;
  out.set(bytes, 1);
  return out;
}

/** A growable byte buffer with msgpack primitives. One shared instance serves all encoders (JS is single-threaded). */
export class Writer {
  buf: Uint8Array;
  pos = 0;

  constructor(initialSize = 1024) {
    this.buf = new Uint8Array(initialSize);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Starts a new message. Shrinks a buffer that a huge message grew, so one push/pull does not pin memory. */
  reset(): void {
    this.pos = 0;
    if (this.buf.length > 1 << 20) this.buf = new Uint8Array(1024);
  }

  /** Copies out the bytes written since {@link reset}. */
  finish(): Uint8Array {
    const out = allocOutput(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    return out;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    this.ensure(n);
    if (n < 16) {
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = bytes[i]!;
      this.pos = p;
    } else {
      this.buf.set(bytes, this.pos);
      this.pos += n;
    }
  }

  /** Writes a fixmap header; every memberlist struct has at most 8 fields. */
  fixmap(n: number): void {
    this.byte(0x80 | n);
  }

  /** Writes a non-negative integer in the smallest unsigned form (Go's encodeUint). */
  uint(v: number): void {
    this.ensure(9);
    const buf = this.buf;
    let p = this.pos;
    if (v <= 0x7f) {
      buf[p++] = v;
    } else if (v <= 0xff) {
      buf[p++] = 0xcc;
      buf[p++] = v;
    } else if (v <= 0xffff) {
      buf[p++] = 0xcd;
      buf[p++] = v >>> 8;
      buf[p++] = v & 0xff;
    } else if (v <= 0xffffffff) {
      buf[p++] = 0xce;
      p = put32(buf, p, v);
    } else {
      buf[p++] = 0xcf;
      p = put32(buf, p, Math.floor(v / 0x100000000));
      p = put32(buf, p, v >>> 0);
    }
    this.pos = p;
  }

  /** Writes a Go `int`: unsigned forms for v0.2.2 (go-msgpack 0.5), signed forms above 127 for HEAD (v2). */
  goInt(v: number, encoding: IntEncoding): void {
    if (v >= 0 && (encoding === 'v0.2.2' || v <= 0x7f)) {
      this.uint(v);
      return;
    }
    this.ensure(9);
    const buf = this.buf;
    let p = this.pos;
    if (v >= -32 && v < 0) {
      buf[p++] = v & 0xff;
    } else if (v >= -128 && v < 0) {
      buf[p++] = 0xd0;
      buf[p++] = v & 0xff;
    } else if (v >= -32768 && v <= 32767) {
      buf[p++] = 0xd1;
      buf[p++] = (v >> 8) & 0xff;
      buf[p++] = v & 0xff;
    } else if (v >= -2147483648 && v <= 2147483647) {
      buf[p++] = 0xd2;
      p = put32(buf, p, v >>> 0);
    } else {
      buf[p++] = 0xd3;
      const hi = Math.floor(v / 0x100000000);
      p = put32(buf, p, hi >>> 0);
      p = put32(buf, p, (v - hi * 0x100000000) >>> 0);
    }
    this.pos = p;
  }

  bool(b: boolean): void {
    this.byte(b ? 0xc3 : 0xc2);
  }

  nil(): void {
    this.byte(0xc0);
  }

  /** Writes the raw-str header Go uses for both strings and byte slices. */
  rawHeader(n: number): void {
    this.ensure(5);
    const buf = this.buf;
    let p = this.pos;
    if (n < 32) {
      buf[p++] = 0xa0 | n;
    } else if (n <= 0xffff) {
      buf[p++] = 0xda;
      buf[p++] = n >>> 8;
      buf[p++] = n & 0xff;
    } else {
      buf[p++] = 0xdb;
      p = put32(buf, p, n);
    }
    this.pos = p;
  }

  /** Writes a Go `string`. */
  str(s: string): void {
    if (s.length < 32) {
      this.ensure(s.length + 1);
      const n = writeAscii(this.buf, this.pos + 1, s);
      if (n >= 0) {
        this.buf[this.pos] = 0xa0 | n;
        this.pos += n + 1;
        return;
      }
    }
    const bytes = utf8Encode(s);
    this.rawHeader(bytes.length);
    this.raw(bytes);
  }

  /** Writes a Go `[]byte`: nil as msgpack nil, anything else (even empty) as raw str. */
  bytes(b: Uint8Array | null | undefined): void {
    if (b === null || b === undefined) {
      this.nil();
      return;
    }
    this.rawHeader(b.length);
    this.raw(b);
  }
}

function put32(buf: Uint8Array, p: number, v: number): number {
  buf[p] = v >>> 24;
  buf[p + 1] = (v >>> 16) & 0xff;
  buf[p + 2] = (v >>> 8) & 0xff;
  buf[p + 3] = v & 0xff;
  return p + 4;
}

