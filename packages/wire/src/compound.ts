/**
 * Compound messages `0x07 | n | len_1..len_n (BE u16) | msg_1..msg_n` (PROTOCOL.md §5.6).
 */
import { WireError } from './errors.js';
import { MessageType } from './messages.js';
import { allocOutput } from './pool.js';

/** Most parts one compound can declare (a count byte). */
export const MAX_COMPOUND_PARTS = 255;
/** Most parts a compound may have for v0.2.2 receivers (they mis-slice 128+). */
export const SAFE_COMPOUND_PARTS = 127;
/** Largest part (a BE uint16 length). */
export const MAX_COMPOUND_PART_BYTES = 0xffff;

/**
 * Packs messages into compounds of at most `maxParts` parts each. A lone message (or a lone message left over
 * at the end) is returned bare. Empty messages and parts over 65,535 bytes are refused, because v0.2.2 crashes on
 * the first and the length field cannot hold the second.
 */
export function encodeCompound(messages: readonly Uint8Array[], maxParts = SAFE_COMPOUND_PARTS): Uint8Array[] {
  if (!Number.isInteger(maxParts) || maxParts < 1 || maxParts > MAX_COMPOUND_PARTS) {
    throw new WireError('ERR_INVALID_ARGUMENT', `maxParts must be 1..${MAX_COMPOUND_PARTS}, got ${maxParts}`);
  }
  for (const m of messages) {
    if (m.length === 0) throw new WireError('ERR_EMPTY', 'empty message in compound');
    if (m.length > MAX_COMPOUND_PART_BYTES) {
      throw new WireError('ERR_TOO_LARGE', `compound part of ${m.length} bytes exceeds ${MAX_COMPOUND_PART_BYTES}`);
    }
  }
  const out: Uint8Array[] = [];
  for (let start = 0; start < messages.length; start += maxParts) {
    const chunk = messages.slice(start, start + maxParts);
    out.push(chunk.length === 1 ? chunk[0]! : makeCompound(chunk));
  }
  return out;
}

function makeCompound(parts: readonly Uint8Array[]): Uint8Array {
  let size = 2 + 2 * parts.length;
  for (const p of parts) size += p.length;
  const out = allocOutput(size);
  out[0] = MessageType.Compound;
  out[1] = parts.length;
  let h = 2;
  let pos = 2 + 2 * parts.length;
  for (const p of parts) {
    out[h++] = p.length >>> 8;
    out[h++] = p.length & 0xff;
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Result of {@link decodeCompound}. */
export interface DecodedCompound {
  /** The parts cut before the first one that overran the buffer (views into the input; may be empty). */
  parts: Uint8Array[];
  /** How many declared parts were cut off because the buffer ended early. */
  truncated: number;
}

/**
 * Splits a compound message (type byte included) like Go's `decodeCompoundMessage`: too few bytes for the length
 * table is `ERR_TRUNCATED` (Go drops the packet); a part running past the end stops the cut and the rest are
 * counted in `truncated`; trailing bytes are ignored.
 */
export function decodeCompound(buf: Uint8Array): DecodedCompound {
  if (buf.length === 0) throw new WireError('ERR_EMPTY', 'empty compound message');
  if (buf[0] !== MessageType.Compound) throw new WireError('ERR_UNKNOWN_TYPE', `not a compound message: type ${buf[0]}`);
  if (buf.length < 2) throw new WireError('ERR_TRUNCATED', 'truncated input: compound count');
  const n = buf[1]!;
  let pos = 2 + 2 * n;
  if (pos > buf.length) throw new WireError('ERR_TRUNCATED', 'truncated input: compound length table');
  const parts: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const len = (buf[2 + 2 * i]! << 8) | buf[3 + 2 * i]!;
    if (pos + len > buf.length) return { parts, truncated: n - i };
    parts.push(buf.subarray(pos, pos + len));
    pos += len;
  }
  return { parts, truncated: 0 };
}
