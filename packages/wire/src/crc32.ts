/**
 * CRC-32/IEEE (the zlib/PNG polynomial, reflected 0xEDB88320) and memberlist's `hasCrcMsg` wrapper (PROTOCOL.md §5.5).
 * Slicing-by-4 tables: four table lookups per 4 input bytes.
 */
import { WireError } from './errors.js';
import { MessageType } from './messages.js';
import { allocOutput } from './pool.js';

const TABLES = buildTables();

function buildTables(): Uint32Array {
  const t = new Uint32Array(4 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 4; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c >>> 0;
    }
  }
  return t;
}

/** CRC-32/IEEE of `data`, as an unsigned 32-bit number. */
export function crc32(data: Uint8Array): number {
  const t = TABLES;
  let c = 0xffffffff;
  let i = 0;
  const n = data.length;
  const n4 = n - (n % 4);
  for (; i < n4; i += 4) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    c = t[768 + (c & 0xff)]! ^ t[512 + ((c >>> 8) & 0xff)]! ^ t[256 + ((c >>> 16) & 0xff)]! ^ t[c >>> 24]!;
  }
  for (; i < n; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Wraps a packet payload as `0x0c | CRC32 (BE) | payload`. */
export function wrapCrc(payload: Uint8Array): Uint8Array {
  const out = allocOutput(payload.length + 5);
  const c = crc32(payload);
  out[0] = MessageType.HasCrc;
  out[1] = c >>> 24;
  out[2] = (c >>> 16) & 0xff;
  out[3] = (c >>> 8) & 0xff;
  out[4] = c & 0xff;
  out.set(payload, 5);
  return out;
}

/**
 * Verifies and removes a `hasCrcMsg` wrapper. Returns the payload (a view), throws `ERR_CRC_MISMATCH` on a bad
 * checksum and `ERR_TRUNCATED` when fewer than 5 bytes are present.
 */
export function unwrapCrc(packet: Uint8Array): Uint8Array {
  if (packet[0] !== MessageType.HasCrc) throw new WireError('ERR_UNKNOWN_TYPE', 'not a hasCrcMsg wrapper');
  if (packet.length < 5) throw new WireError('ERR_TRUNCATED', 'truncated input: CRC wrapper');
  const expected = ((packet[1]! << 24) | (packet[2]! << 16) | (packet[3]! << 8) | packet[4]!) >>> 0;
  const payload = packet.subarray(5);
  const actual = crc32(payload);
  if (actual !== expected) {
    throw new WireError(
      'ERR_CRC_MISMATCH',
      `CRC mismatch: header says 0x${expected.toString(16)}, payload has 0x${actual.toString(16)}`,
    );
  }
  return payload;
}
