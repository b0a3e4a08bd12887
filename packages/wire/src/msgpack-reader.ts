/**
 * msgpack decoding as lenient as Go's (PROTOCOL.md §3.2): any int width or signedness that fits, nil for anything,
 * str8/bin/arrays of small ints for byte fields, bin for strings, unknown keys skipped. Every length is checked
 * against the bytes remaining before anything is allocated.
 */
import { malformed, truncated } from './errors.js';
import { utf8Decode } from './utf8.js';

/** Deepest nesting the skipper follows inside an unknown value before calling the input malformed. */
const MAX_SKIP_DEPTH = 32;

/** A cursor over msgpack bytes in `buf[pos, end)`. Every read checks bounds and throws a WireError. */
export class Reader {
  buf: Uint8Array;
  pos: number;
  end: number;
  /** Set by {@link skip} when it runs out of input: the end position the skipped value declares it needs. */
  needed = 0;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  byte(): number {
    if (this.pos >= this.end) throw truncated('msgpack value');
    return this.buf[this.pos++]!;
  }

  private u16(): number {
    if (this.pos + 2 > this.end) throw truncated('msgpack value');
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  private u32(): number {
    if (this.pos + 4 > this.end) throw truncated('msgpack value');
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  private u64(): number {
    const hi = this.u32();
    const lo = this.u32();
    if (hi > 0x1fffff) throw malformed('integer beyond 2^53');
    return hi * 0x100000000 + lo;
  }

  private i64(): number {
    const hi = this.u32() | 0;
    const lo = this.u32();
    const v = hi * 0x100000000 + lo;
    if (!Number.isSafeInteger(v)) throw malformed('integer beyond 2^53');
    return v;
  }

  /** Reads any msgpack integer (or nil = 0) as a number. */
  int(): number {
    const b = this.byte();
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 0x100;
    switch (b) {
      case 0xc0:
        return 0;
      case 0xcc:
        return this.byte();
      case 0xcd:
        return this.u16();
      case 0xce:
        return this.u32();
      case 0xcf:
        return this.u64();
      case 0xd0:
        return (this.byte() << 24) >> 24;
      case 0xd1:
        return (this.u16() << 16) >> 16;
      case 0xd2:
        return this.u32() | 0;
      case 0xd3:
        return this.i64();
      default:
        throw malformed(`expected an integer, got 0x${b.toString(16)}`);
    }
  }

  /** Reads an integer for a Go unsigned field of at most `max`; negative or larger values fail like in Go. */
  uint(max: number): number {
    const b = this.buf[this.pos];
    if (b !== undefined && b <= 0x7f && this.pos < this.end) {
      this.pos++;
      return b;
    }
    const v = this.int();
    if (v < 0 || v > max) throw malformed(`integer ${v} out of range 0..${max}`);
    return v;
  }

  /** Reads a Go bool: true/false, fixint 0/1, or nil (false). */
  bool(): boolean {
    const b = this.byte();
    if (b === 0xc3 || b === 0x01) return true;
    if (b === 0xc2 || b === 0x00 || b === 0xc0) return false;
    throw malformed(`expected a bool, got 0x${b.toString(16)}`);
  }

  /** Reads a str/bin header and returns its length, or -1 for nil; anything else is malformed. */
  private blobLen(b: number): number {
    if (b >= 0xa0 && b <= 0xbf) return b & 0x1f;
    switch (b) {
      case 0xc0:
        return -1;
      case 0xd9:
      case 0xc4:
        return this.byte();
      case 0xda:
      case 0xc5:
        return this.u16();
      case 0xdb:
      case 0xc6:
        return this.u32();
      default:
        return -2;
    }
  }

  /** Reads a Go `string` field (str family, bin as HEAD accepts, nil = ""). */
  str(): string {
    const b = this.byte();
    const n = this.blobLen(b);
    if (n === -1) return '';
    if (n === -2) throw malformed(`expected a string, got 0x${b.toString(16)}`);
    if (n > this.end - this.pos) throw truncated('string');
    const s = utf8Decode(this.buf, this.pos, n);
    this.pos += n;
    return s;
  }

  /** Reads a Go `[]byte` field as a copy; nil gives `null`. Accepts str, bin and arrays of small ints. */
  bytes(): Uint8Array | null {
    return this.bytesAs(true);
  }

  /** Like {@link bytes} but str/bin contents come back as a view into the input (no copy). */
  bytesView(): Uint8Array | null {
    return this.bytesAs(false);
  }

  /** {@link Reader.bytes} when `copy`, else {@link Reader.bytesView}. */
  bytesAs(copy: boolean): Uint8Array | null {
    const b = this.byte();
    const n = this.blobLen(b);
    if (n === -1) return null;
    if (n >= 0) {
      if (n > this.end - this.pos) throw truncated('byte string');
      const start = this.pos;
      const out = copy ? this.buf.slice(start, start + n) : this.buf.subarray(start, start + n);
      this.pos = start + n;
      return out;
    }
    let count: number;
    if (b >= 0x90 && b <= 0x9f) count = b & 0x0f;
    else if (b === 0xdc) count = this.u16();
    else if (b === 0xdd) count = this.u32();
    else throw malformed(`expected bytes, got 0x${b.toString(16)}`);
    if (count > this.end - this.pos) throw truncated('byte array');
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = this.uint(0xff);
    return out;
  }

  /** Reads a map header (nil counts as an empty map, as Go leaves the struct zero). */
  mapLen(): number {
    const b = this.byte();
    if (b >= 0x80 && b <= 0x8f) return b & 0x0f;
    let n: number;
    if (b === 0xde) n = this.u16();
    else if (b === 0xdf) n = this.u32();
    else if (b === 0xc0) return 0;
    else throw malformed(`expected a map, got 0x${b.toString(16)}`);
    // Each entry needs at least two bytes: refuse impossible counts before looping over them.
    if (n * 2 > this.end - this.pos) throw truncated('map');
    return n;
  }

  /**
   * Reads a map key and returns its index in `keys` (fixstr-encoded names as built by {@link mapKey}), or -1 for
   * an unknown key. Keys may arrive as any str or bin form.
   */
  key(keys: readonly Uint8Array[]): number {
    const b = this.byte();
    const n = this.blobLen(b);
    if (n < 0) throw malformed(`expected a map key, got 0x${b.toString(16)}`);
    if (n > this.end - this.pos) throw truncated('map key');
    const buf = this.buf;
    const start = this.pos;
    this.pos = start + n;
    outer: for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      if (key.length !== n + 1) continue;
      for (let i = 0; i < n; i++) if (key[i + 1] !== buf[start + i]) continue outer;
      return k;
    }
    return -1;
  }

  /** Skips one msgpack value of any type. */
  skip(depth = 0): void {
    if (depth > MAX_SKIP_DEPTH) throw malformed('msgpack nesting too deep');
    const b = this.byte();
    let len = 0;
    let items = 0;
    if (b <= 0x7f || b >= 0xe0) return;
    if (b <= 0x8f) items = (b & 0x0f) * 2;
    else if (b <= 0x9f) items = b & 0x0f;
    else if (b <= 0xbf) len = b & 0x1f;
    else {
      switch (b) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          return;
        case 0xc4:
        case 0xd9:
          len = this.byte();
          break;
        case 0xc5:
        case 0xda:
          len = this.u16();
          break;
        case 0xc6:
        case 0xdb:
          len = this.u32();
          break;
        case 0xc7:
          len = this.byte() + 1;
          break;
        case 0xc8:
          len = this.u16() + 1;
          break;
        case 0xc9:
          len = this.u32() + 1;
          break;
        case 0xca:
          len = 4;
          break;
        case 0xcb:
          len = 8;
          break;
        case 0xcc:
        case 0xd0:
          len = 1;
          break;
        case 0xcd:
        case 0xd1:
          len = 2;
          break;
        case 0xce:
        case 0xd2:
          len = 4;
          break;
        case 0xcf:
        case 0xd3:
          len = 8;
          break;
        case 0xd4:
          len = 2;
          break;
        case 0xd5:
          len = 3;
          break;
        case 0xd6:
          len = 5;
          break;
        case 0xd7:
          len = 9;
          break;
        case 0xd8:
          len = 17;
          break;
        case 0xdc:
          items = this.u16();
          break;
        case 0xdd:
          items = this.u32();
          break;
        case 0xde:
          items = this.u16() * 2;
          break;
        case 0xdf:
          items = this.u32() * 2;
          break;
        default:
          throw malformed(`invalid msgpack byte 0x${b.toString(16)}`);
      }
    }
    if (len > 0) {
      if (len > this.end - this.pos) {
        this.needed = this.pos + len;
        throw truncated('msgpack value');
      }
      this.pos += len;
      return;
    }
    if (items > this.end - this.pos) throw truncated('msgpack container');
    for (let i = 0; i < items; i++) this.skip(depth + 1);
  }
}
