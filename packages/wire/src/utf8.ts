/**
 * UTF-8 conversion for Go `string` fields. Node names and map keys are nearly always short ASCII, so both
 * directions take a hand-written ASCII path and fall back to the platform TextEncoder/TextDecoder otherwise.
 */

const encoder = new TextEncoder();
// Go strings may hold any bytes; like Go's own printing we substitute U+FFFD for invalid sequences.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Encodes `s` as UTF-8. */
export function utf8Encode(s: string): Uint8Array {
  const n = s.length;
  if (n < 64) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return encoder.encode(s);
      out[i] = c;
    }
    return out;
  }
  return encoder.encode(s);
}

/**
 * Writes `s` as UTF-8 into `buf` at `pos` if it is pure ASCII and fits; returns the byte count, or -1 when the
 * caller must take the general path (non-ASCII, or not enough room).
 */
export function writeAscii(buf: Uint8Array, pos: number, s: string): number {
  const n = s.length;
  if (pos + n > buf.length) return -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    buf[pos + i] = c;
  }
  return n;
}

/** Decodes `len` bytes of UTF-8 at `start` in `buf`. */
export function utf8Decode(buf: Uint8Array, start: number, len: number): string {
  if (len <= 32) {
    let s = '';
    for (let i = 0; i < len; i++) {
      const c = buf[start + i]!;
      if (c >= 0x80) return decoder.decode(buf.subarray(start, start + len));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(buf.subarray(start, start + len));
}
