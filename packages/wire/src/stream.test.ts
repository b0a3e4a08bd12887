import { describe, expect, it } from 'vitest';
import { WireError } from './errors.js';
import type { PushPull } from './messages.js';
import { decodePushPull, decodeUserStream, encodePushPull, encodeUserStream } from './stream.js';
import { makeVsn } from './vsn.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof WireError ? e.code : 'not a WireError';
  }
  return undefined;
};
const pp = (states: number, user: number): PushPull => ({
  join: false,
  states: Array.from({ length: states }, (_, i) => ({ name: `n${i}`, addr: new Uint8Array([10, 0, 0, 1]), port: 7946, meta: i % 2 ? null : new Uint8Array([i]), incarnation: i, state: i % 4, vsn: makeVsn() })),
  userState: new Uint8Array(user).fill(1),
});

describe('push/pull', () => {
  it('given 200 states and 70,000 bytes of user state, when encoded in both int encodings, then both decode to the same push/pull', () => {
    const v = pp(200, 70_000);
    const old = encodePushPull(v);
    const head = encodePushPull(v, { intEncoding: 'head' });
    expect(old.length).toBe(head.length - 1);
    expect(decodePushPull(old)).toEqual(v);
    expect(decodePushPull(head)).toEqual(v);
  });

  it('given a Vsn that is not 6 bytes, when encoded, then ERR_INVALID_ARGUMENT (v0.2.2 would crash on it)', () => {
    const v = pp(1, 0);
    v.states[0]!.vsn = new Uint8Array([1, 5]);
    expect(codeOf(() => encodePushPull(v))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('given out-of-range ports or incarnations, when encoded, then ERR_INVALID_ARGUMENT', () => {
    const v = pp(1, 0);
    v.states[0]!.port = 70000;
    expect(codeOf(() => encodePushPull(v))).toBe('ERR_INVALID_ARGUMENT');
    v.states[0]!.port = 1;
    v.states[0]!.incarnation = -1;
    expect(codeOf(() => encodePushPull(v))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('given missing states or user state bytes, when decoded, then ERR_TRUNCATED', () => {
    const bytes = encodePushPull(pp(3, 10));
    expect(codeOf(() => decodePushPull(bytes.subarray(0, bytes.length - 1)))).toBe('ERR_TRUNCATED');
    expect(codeOf(() => decodePushPull(bytes.subarray(0, 40)))).toBe('ERR_TRUNCATED');
  });

  it('given counts above the limits, when decoded, then ERR_TOO_LARGE before allocating', () => {
    const bytes = encodePushPull(pp(3, 10));
    expect(codeOf(() => decodePushPull(bytes, { maxPushPullNodes: 2 }))).toBe('ERR_TOO_LARGE');
    expect(codeOf(() => decodePushPull(bytes, { maxUserStateBytes: 9 }))).toBe('ERR_TOO_LARGE');
  });

  it('given a node count far beyond the bytes present, when decoded, then ERR_TRUNCATED without allocating the array', () => {
    const header = Uint8Array.of(6, 0x82, 0xa5, ...Buffer.from('Nodes'), 0xce, 0, 0x0f, 0, 0, 0xa4, ...Buffer.from('Join'), 0xc3);
    expect(codeOf(() => decodePushPull(header))).toBe('ERR_TRUNCATED');
  });
});

describe('stream user message', () => {
  it('given views, when a user message is decoded, then the payload shares the frame buffer; without, it is a copy', () => {
    const frame = encodeUserStream(new Uint8Array(300).fill(7));
    expect(decodeUserStream(frame, undefined, { views: true }).buffer).toBe(frame.buffer);
    expect(decodeUserStream(frame).buffer).not.toBe(frame.buffer);
  });

  it('given a payload, when encoded and decoded, then it comes back; 300 bytes use cd (v0.2.2) or d1 (HEAD)', () => {
    const p = new Uint8Array(300).fill(7);
    expect(decodeUserStream(encodeUserStream(p))).toEqual(p);
    expect(encodeUserStream(p)[13]).toBe(0xcd);
    expect(encodeUserStream(p, { intEncoding: 'head' })[13]).toBe(0xd1);
  });

  it('given a payload shorter than declared or over the limit, when decoded, then ERR_TRUNCATED or ERR_TOO_LARGE', () => {
    const bytes = encodeUserStream(new Uint8Array(10));
    expect(codeOf(() => decodeUserStream(bytes.subarray(0, bytes.length - 1)))).toBe('ERR_TRUNCATED');
    expect(codeOf(() => decodeUserStream(bytes, { maxUserMsgBytes: 5 }))).toBe('ERR_TOO_LARGE');
  });
});
