import { describe, expect, it } from 'vitest';
import { encodeCompress } from './compress.js';
import { encodeAck, encodeErr, encodePing, encodeSuspect } from './encode.js';
import { WireError } from './errors.js';
import { StreamScan, streamMessageLength } from './frame.js';
import { encodePushPull, encodeUserStream } from './stream.js';
import { makeVsn } from './vsn.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof WireError ? e.code : 'not a WireError';
  }
  return undefined;
};
const pushPull = encodePushPull({
  join: true,
  states: [1, 2, 3].map((i) => ({ name: `n${i}`, addr: new Uint8Array([10, 0, 0, i]), port: 7946, meta: null, incarnation: i, state: 0, vsn: makeVsn() })),
  userState: new Uint8Array(300).fill(5),
});
const frames: [string, Uint8Array][] = [
  ['push/pull', pushPull],
  ['ping', encodePing({ seqNo: 9, node: 'b', sourceAddr: new Uint8Array([1, 2, 3, 4]), sourcePort: 1, sourceNode: 'a' })],
  ['ack', encodeAck({ seqNo: 9, payload: new Uint8Array(40) })],
  ['err', encodeErr({ error: 'remote state is encrypted' })],
  ['user', encodeUserStream(new Uint8Array(1000).fill(3))],
  ['compress', encodeCompress(pushPull)],
  ['encrypt', Uint8Array.of(0x0a, 0, 0, 0, 33, ...new Uint8Array(33))],
];

describe('streamMessageLength', () => {
  for (const [name, frame] of frames) {
    it(`given a ${name} frame arriving byte by byte, when measured, then undefined until complete and its exact length after`, () => {
      for (let n = 0; n < frame.length; n++) expect(streamMessageLength(frame.subarray(0, n)), `${n} bytes`).toBeUndefined();
      expect(streamMessageLength(frame)).toBe(frame.length);
      expect(streamMessageLength(Uint8Array.of(...frame, 0xde, 0xad))).toBe(frame.length);
    });
  }

  it('given HEAD-encoded header counts, when measured, then they are read like v0.2.2 ones', () => {
    const head = encodeUserStream(new Uint8Array(300), { intEncoding: 'head' });
    expect(streamMessageLength(head)).toBe(head.length);
  });

  it('given header counts over HEAD’s limits, when measured, then ERR_TOO_LARGE before the body arrives', () => {
    // pushPullHeader{Join:false, Nodes:1048577, UserStateLen:0}
    const nodes = Uint8Array.of(6, 0x83, 0xa4, ...Buffer.from('Join'), 0xc2, 0xa5, ...Buffer.from('Nodes'), 0xce, 0, 0x10, 0, 1, 0xac, ...Buffer.from('UserStateLen'), 0);
    expect(codeOf(() => streamMessageLength(nodes))).toBe('ERR_TOO_LARGE');
    const user = Uint8Array.of(8, 0x81, 0xaa, ...Buffer.from('UserMsgLen'), 0xce, 0x01, 0x40, 0, 1);
    expect(codeOf(() => streamMessageLength(user))).toBe('ERR_TOO_LARGE');
    const enc = Uint8Array.of(0x0a, 0x01, 0x40, 0x00, 0x01);
    expect(codeOf(() => streamMessageLength(enc))).toBe('ERR_TOO_LARGE');
    expect(codeOf(() => streamMessageLength(encodeUserStream(new Uint8Array(100)), { maxUserMsgBytes: 99 }))).toBe('ERR_TOO_LARGE');
  });

  it('given a negative count, when measured, then ERR_MALFORMED', () => {
    const user = Uint8Array.of(8, 0x81, 0xaa, ...Buffer.from('UserMsgLen'), 0xff);
    expect(codeOf(() => streamMessageLength(user))).toBe('ERR_MALFORMED');
  });

  it('given a declared value longer than the frame limit, when measured, then ERR_TOO_LARGE without waiting for it', () => {
    const compress = Uint8Array.of(9, 0x82, 0xa4, ...Buffer.from('Algo'), 0, 0xa3, ...Buffer.from('Buf'), 0xdb, 0x7f, 0, 0, 0);
    expect(codeOf(() => streamMessageLength(compress))).toBe('ERR_TOO_LARGE');
  });

  it('given a packet-only or unknown type, when measured, then ERR_UNKNOWN_TYPE', () => {
    expect(codeOf(() => streamMessageLength(encodeSuspect({ incarnation: 1, node: 'a', from: 'b' })))).toBe('ERR_UNKNOWN_TYPE');
    expect(codeOf(() => streamMessageLength(Uint8Array.of(0xf4, 1, 0x61)))).toBe('ERR_UNKNOWN_TYPE');
  });
});

describe('streamMessageLength with a StreamScan', () => {
  it('given a push/pull arriving in chunks and one scan per frame, when measured after each chunk, then the answers match the stateless ones and node states are walked once', () => {
    const states = Array.from({ length: 500 }, (_, i) => ({ name: `node-${i}`, addr: new Uint8Array([10, 0, i >> 8, i & 255]), port: 7946, meta: null, incarnation: i, state: 0, vsn: makeVsn() }));
    const frame = encodePushPull({ join: false, states, userState: new Uint8Array(50) });
    const scan = new StreamScan();
    let progress = 0;
    for (let n = 1; n <= frame.length; n += 97) {
      const part = frame.subarray(0, n);
      expect(streamMessageLength(part, undefined, scan)).toBe(streamMessageLength(part));
      expect(scan.nodesDone).toBeGreaterThanOrEqual(progress);
      progress = scan.nodesDone;
    }
    expect(streamMessageLength(frame, undefined, scan)).toBe(frame.length);
    expect(scan.nodesDone).toBe(500);
  });

  it.each([
    ['user message', encodeUserStream(new Uint8Array(1000).fill(3)), 20],
    ['encrypted frame', Uint8Array.of(0x0a, 0, 0, 0, 33, ...new Uint8Array(33)), 5],
    ['push/pull with a large user state', encodePushPull({ join: false, states: [], userState: new Uint8Array(1000) }), 40],
  ] as const)('given a %s whose body is still arriving, when scanned, then scan.length gives its total before it is complete', (_name, frame, prefix) => {
    const scan = new StreamScan();
    expect(streamMessageLength(frame.subarray(0, prefix), undefined, scan)).toBeUndefined();
    expect(scan.length).toBe(frame.length);
  });

  it('given a compress frame still arriving, when scanned, then scan.length stays unknown until it is complete', () => {
    const frame = encodeCompress(new Uint8Array(5000).fill(1));
    const scan = new StreamScan();
    expect(streamMessageLength(frame.subarray(0, frame.length - 1), undefined, scan)).toBeUndefined();
    expect(scan.length).toBeUndefined();
    expect(streamMessageLength(frame, undefined, scan)).toBe(frame.length);
    expect(scan.length).toBe(frame.length);
  });

  it('given a scan, when the header is over the limits, then it still throws ERR_TOO_LARGE', () => {
    const frame = encodePushPull({ join: false, states: [], userState: new Uint8Array(100) });
    expect(codeOf(() => streamMessageLength(frame, { maxUserStateBytes: 10 }, new StreamScan()))).toBe('ERR_TOO_LARGE');
  });

  it.each([
    // [frame, bytes that make up its header]
    ['push/pull', pushPull, -1],
    ['user', encodeUserStream(new Uint8Array(1000).fill(3)), -1],
    ['compress', encodeCompress(new Uint8Array(5000).fill(1)), -1],
    ['encrypt', Uint8Array.of(0x0a, 0, 0, 0, 33, ...new Uint8Array(33)), 5],
    ['ping', encodePing({ seqNo: 9, node: 'b' }), -1],
  ] as const)('given a %s arriving byte by byte, when scanned, then headerDone is set once the header is in and stays set', (_name, frame, fixed) => {
    const scan = new StreamScan();
    let doneAt = -1;
    for (let n = 1; n <= frame.length; n++) {
      streamMessageLength(frame.subarray(0, n), undefined, scan);
      if (scan.headerDone && doneAt < 0) doneAt = n;
      if (doneAt >= 0) expect(scan.headerDone).toBe(true);
    }
    expect(doneAt).toBeGreaterThan(0);
    if (fixed > 0) expect(doneAt).toBe(fixed);
    // Headers are short; the small types are their whole message; bodies come after the header.
    if (_name === 'ping') expect(doneAt).toBe(frame.length);
    else expect(doneAt).toBeLessThan(Math.min(frame.length, 40));
  });
});
