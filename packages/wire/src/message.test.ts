import { describe, expect, it } from 'vitest';
import { encodeCompound } from './compound.js';
import { encodeCompress } from './compress.js';
import { encodeAlive, encodeIndirectPing, encodeNack, encodePing, encodeUserPacket } from './encode.js';
import { WireError } from './errors.js';
import { decodeMessage } from './message.js';
import { encodePushPull } from './stream.js';
import { makeVsn } from './vsn.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof WireError ? e.code : 'not a WireError';
  }
  return undefined;
};

describe('encoders', () => {
  it('given a ping with empty Source fields, when encoded, then they are omitted like Go’s omitempty', () => {
    const full = encodePing({ seqNo: 1, node: 'b', sourceAddr: new Uint8Array(0), sourcePort: 0, sourceNode: '' });
    expect(Buffer.from(full).toString('hex')).toBe('0082a44e6f6465a162a55365714e6f01');
  });

  it('given values outside their Go types, when encoded, then ERR_INVALID_ARGUMENT instead of silently wrapping', () => {
    expect(codeOf(() => encodeNack({ seqNo: 2 ** 32 }))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => encodeNack({ seqNo: 1.5 }))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => encodePing({ seqNo: 1, node: 'a', sourcePort: 65536 }))).toBe('ERR_INVALID_ARGUMENT');
    const target = new Uint8Array(4);
    expect(codeOf(() => encodeIndirectPing({ seqNo: 1, node: 'a', target, port: -1, nack: false }))).toBe('ERR_INVALID_ARGUMENT');
    const alive = { incarnation: 1, node: 'a', addr: target, port: 1, meta: null, vsn: new Uint8Array(5) };
    expect(codeOf(() => encodeAlive(alive))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('given a non-ASCII node name, when encoded and decoded, then it survives as UTF-8', () => {
    const d = decodeMessage(encodePing({ seqNo: 1, node: 'nœud-東京' }));
    expect(d).toEqual({ type: 'ping', body: { seqNo: 1, node: 'nœud-東京' } });
  });
});

describe('decodeMessage', () => {
  it('given a packet user message, when decoded, then the body is the raw bytes after the type byte', () => {
    expect(decodeMessage(encodeUserPacket(new Uint8Array([1, 2])))).toEqual({ type: 'user', body: new Uint8Array([1, 2]) });
  });

  it('given a compound, compress or push/pull, when decoded, then their structure is returned without further unwrapping', () => {
    const nack = encodeNack({ seqNo: 1 });
    expect(decodeMessage(encodeCompound([nack, nack])[0]!)).toEqual({ type: 'compound', body: { parts: [nack, nack], truncated: 0 } });
    expect(decodeMessage(encodeCompress(nack))).toMatchObject({ type: 'compress', body: { algo: 0 } });
    const pp = { join: true, states: [{ name: 'a', addr: new Uint8Array(4), port: 1, meta: null, incarnation: 1, state: 0, vsn: makeVsn() }], userState: new Uint8Array(0) };
    expect(decodeMessage(encodePushPull(pp))).toEqual({ type: 'pushPull', body: pp });
  });

  it('given views, when an alive is decoded, then its address, metadata and versions share the message buffer; without, they are copies', () => {
    const msg = encodeAlive({ incarnation: 7, node: 'n', addr: Uint8Array.of(10, 0, 0, 1), port: 7946, meta: Uint8Array.of(9, 9), vsn: makeVsn() });
    const viewed = decodeMessage(msg, undefined, { views: true });
    const copied = decodeMessage(msg);
    expect(viewed).toEqual(copied);
    if (viewed.type !== 'alive' || copied.type !== 'alive') throw new Error('not an alive');
    for (const b of [viewed.body.addr, viewed.body.meta!, viewed.body.vsn]) expect(b.buffer).toBe(msg.buffer);
    for (const b of [copied.body.addr, copied.body.meta!, copied.body.vsn]) expect(b.buffer).not.toBe(msg.buffer);
  });

  it('given an empty message, a wrapper-only type or an unknown type, when decoded, then ERR_EMPTY or ERR_UNKNOWN_TYPE', () => {
    expect(codeOf(() => decodeMessage(new Uint8Array(0)))).toBe('ERR_EMPTY');
    for (const t of [10, 12, 14, 244, 255]) expect(codeOf(() => decodeMessage(new Uint8Array([t, 0x80])))).toBe('ERR_UNKNOWN_TYPE');
  });

  it('given a body that is not a map, when decoded, then ERR_MALFORMED; a nil body gives zero values like Go', () => {
    expect(codeOf(() => decodeMessage(new Uint8Array([0, 0x01])))).toBe('ERR_MALFORMED');
    expect(decodeMessage(new Uint8Array([11, 0xc0]))).toEqual({ type: 'nack', body: { seqNo: 0 } });
    expect(codeOf(() => decodeMessage(new Uint8Array([11])))).toBe('ERR_TRUNCATED');
  });
});
