import { describe, expect, it } from 'vitest';
import { encodeCompound } from './compound.js';
import { encodeCompress } from './compress.js';
import { wrapCrc } from './crc32.js';
import { encodeAck, encodeNack, encodeUserPacket } from './encode.js';
import { WireError } from './errors.js';
import { DEFAULT_MAX_DATAGRAM_DECOMPRESSED } from './limits.js';
import { lzwCompress } from './lzw.js';
import { unwrapPacket } from './packet.js';

const ack = encodeAck({ seqNo: 1, payload: null });
const nack = encodeNack({ seqNo: 2 });
const user = encodeUserPacket(new Uint8Array([1, 2, 3]));
/** A compress message around raw LZW bytes (fixmap {Algo: 0, Buf: str16}), valid or not. */
const compressOf = (lzw: Uint8Array): Uint8Array => {
  const head = [9, 0x82, 0xa4, ...new TextEncoder().encode('Algo'), 0, 0xa3, ...new TextEncoder().encode('Buf')];
  return Uint8Array.from([...head, 0xda, lzw.length >> 8, lzw.length & 0xff, ...lzw]);
};
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof WireError ? e.code : 'not a WireError';
  }
  return undefined;
};

describe('unwrapPacket', () => {
  it('given a bare message, when unwrapped, then it is the only message', () => {
    expect(unwrapPacket(ack)).toEqual({ messages: [ack], errors: [], crc: false });
  });

  it('given CRC around compress around a compound, when unwrapped, then the flat list comes back and crc is reported', () => {
    const packet = wrapCrc(encodeCompress(encodeCompound([ack, nack, user])[0]!));
    expect(unwrapPacket(packet)).toEqual({ messages: [ack, nack, user], errors: [], crc: true });
  });

  it('given a compound whose parts are compressed or compounds themselves, when unwrapped, then everything is flattened in order', () => {
    const inner = encodeCompound([nack, user])[0]!;
    const packet = encodeCompound([encodeCompress(ack), inner, encodeCompress(inner)])[0]!;
    expect(unwrapPacket(packet).messages).toEqual([ack, nack, user, nack, user]);
  });

  it('given a compound with a truncated tail, an empty part and a corrupt compressed part, when unwrapped, then the good parts survive and each problem is reported', () => {
    const badCompress = encodeCompress(ack).slice(0, 12);
    const [c] = encodeCompound([ack, badCompress, nack, user]);
    const bytes = Uint8Array.from(c!);
    const cut = bytes.subarray(0, bytes.length - 1);
    const out = unwrapPacket(cut);
    expect(out.messages).toEqual([ack, nack]);
    expect(out.errors.map((e) => e.code).sort()).toEqual(['ERR_TRUNCATED', 'ERR_TRUNCATED']);
    const withEmpty = new Uint8Array([7, 2, 0, 0, 0, nack.length, ...nack]);
    expect(unwrapPacket(withEmpty)).toMatchObject({ messages: [nack], errors: [{ code: 'ERR_EMPTY' }] });
  });

  it('given failures of the packet as a whole, when unwrapped, then a WireError is thrown (Go drops the packet)', () => {
    expect(codeOf(() => unwrapPacket(new Uint8Array(0)))).toBe('ERR_EMPTY');
    const crc = wrapCrc(ack);
    crc[8]! ^= 0xff;
    expect(codeOf(() => unwrapPacket(crc))).toBe('ERR_CRC_MISMATCH');
    expect(codeOf(() => unwrapPacket(new Uint8Array([7, 5, 0])))).toBe('ERR_TRUNCATED');
    expect(codeOf(() => unwrapPacket(encodeCompress(new Uint8Array(0))))).toBe('ERR_EMPTY');
    expect(codeOf(() => unwrapPacket(wrapCrc(new Uint8Array(0))))).toBe('ERR_EMPTY');
  });

  it('given a compressed message with an unknown algorithm, when unwrapped, then ERR_UNKNOWN_ALGO', () => {
    const c = encodeCompress(ack);
    c[7] = 1; // the Algo value follows 0x09, 0x82 and the fixstr "Algo"
    expect(codeOf(() => unwrapPacket(c))).toBe('ERR_UNKNOWN_ALGO');
  });

  it('given wrappers nested deeper than the limit, when unwrapped, then ERR_MALFORMED', () => {
    let p = ack;
    for (let i = 0; i < 6; i++) p = encodeCompress(p);
    expect(codeOf(() => unwrapPacket(p))).toBe('ERR_MALFORMED');
    expect(unwrapPacket(p, { maxNestingDepth: 6 }).messages).toEqual([ack]);
  });

  it('given a compression bomb, when unwrapped, then the decompressed total is bounded', () => {
    const bomb = encodeCompress(new Uint8Array(2_000_000));
    expect(bomb.length).toBeLessThan(10_000);
    expect(codeOf(() => unwrapPacket(bomb, { maxDecompressedBytes: 1_000_000 }))).toBe('ERR_TOO_LARGE');
    const twice = encodeCompound([encodeCompress(new Uint8Array(600_000).fill(8)), encodeCompress(new Uint8Array(600_000).fill(8))])[0]!;
    const out = unwrapPacket(twice, { maxDecompressedBytes: 1_000_000 });
    expect(out.messages.length).toBe(1);
    expect(out.errors.map((e) => e.code)).toEqual(['ERR_TOO_LARGE']);
  });

  it('given default limits, when a datagram inflates past 1 MiB, then it is refused while a smaller one passes', () => {
    const big = encodeCompress(encodeUserPacket(new Uint8Array(DEFAULT_MAX_DATAGRAM_DECOMPRESSED).fill(7)));
    expect(codeOf(() => unwrapPacket(big))).toBe('ERR_TOO_LARGE');
    const fits = encodeUserPacket(new Uint8Array(DEFAULT_MAX_DATAGRAM_DECOMPRESSED - 1).fill(7));
    const [got, ...rest] = unwrapPacket(encodeCompress(fits)).messages;
    expect(rest).toEqual([]);
    expect(got!.length === fits.length && got!.every((b, i) => b === fits[i])).toBe(true);
  });

  it('given a nested compression bomb, when unwrapped, then the datagram budget bounds the inner layer too', () => {
    const nested = encodeCompress(encodeCompress(new Uint8Array(4 * DEFAULT_MAX_DATAGRAM_DECOMPRESSED).fill(8)));
    expect(codeOf(() => unwrapPacket(nested))).toBe('ERR_TOO_LARGE');
  });

  it('given bombs in several compounds, when the first one fails, then every later compressed part fails at once', () => {
    const bomb = encodeCompress(new Uint8Array(2 * DEFAULT_MAX_DATAGRAM_DECOMPRESSED).fill(8));
    const inner = encodeCompound([bomb, encodeCompress(ack)])[0]!;
    const packet = encodeCompound([inner, inner, nack])[0]!;
    const out = unwrapPacket(packet);
    expect(out.messages).toEqual([nack]);
    expect(out.errors.map((e) => e.code)).toEqual(['ERR_TOO_LARGE', 'ERR_TOO_LARGE', 'ERR_TOO_LARGE', 'ERR_TOO_LARGE']);
  });

  it('given an invalid LZW part, when unwrapped, then its work is charged and later compressed parts are refused', () => {
    const lzw = lzwCompress(new Uint8Array(50_000).fill(8));
    const broken = compressOf(lzw.subarray(0, lzw.length - 2)); // the EOF code is cut off
    const packet = encodeCompound([broken, encodeCompress(ack), nack])[0]!;
    const out = unwrapPacket(packet);
    expect(out.messages).toEqual([nack]);
    expect(out.errors.map((e) => e.code)).toEqual(['ERR_LZW', 'ERR_TOO_LARGE']);
  });

  it('given maxDatagramDecompressedBytes, when set lower, then it applies; maxDecompressedBytes still caps it', () => {
    const payload = encodeCompress(encodeUserPacket(new Uint8Array(10_000)));
    expect(codeOf(() => unwrapPacket(payload, { maxDatagramDecompressedBytes: 5_000 }))).toBe('ERR_TOO_LARGE');
    expect(codeOf(() => unwrapPacket(payload, { maxDecompressedBytes: 5_000 }))).toBe('ERR_TOO_LARGE');
    expect(unwrapPacket(payload, { maxDatagramDecompressedBytes: 20_000 }).messages.length).toBe(1);
  });

  it('given nested compounds holding more than maxMessages, when unwrapped, then the excess is reported once and not read', () => {
    const inner = encodeCompound(Array.from({ length: 10 }, () => nack), 255)[0]!;
    const [c] = encodeCompound([inner, inner, inner], 255);
    const out = unwrapPacket(c!, { maxMessages: 15 });
    expect(out.messages.length).toBe(15);
    expect(out.errors.map((e) => e.code)).toEqual(['ERR_TOO_LARGE']);
  });

  it('given more messages than maxMessages, when unwrapped, then the excess is reported and dropped', () => {
    const [c] = encodeCompound(Array.from({ length: 10 }, () => nack), 255);
    const out = unwrapPacket(c!, { maxMessages: 4 });
    expect(out.messages.length).toBe(4);
    expect(out.errors.map((e) => e.code)).toEqual(['ERR_TOO_LARGE']);
  });
});
