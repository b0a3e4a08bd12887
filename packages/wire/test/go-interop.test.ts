// @module-tag go
/**
 * Cross-check against Go: tooling/wire-check encodes and decodes with memberlist's structs, go-msgpack's
 * zero-value MsgpackHandle and compress/lzw. Every message type, compounds and LZW inputs up to 300 kB must give
 * the same bytes and the same values in both directions. Tagged `go`: skipped without Go, a failure with GOSSIP_REQUIRE_GO=1 (CI installs Go).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeCompound,
  decodeCompress,
  decodeMessage,
  decodePushPull,
  decodeUserStream,
  encodeAck,
  encodeAlive,
  encodeCompound,
  encodeCompress,
  encodeDead,
  encodeErr,
  encodeIndirectPing,
  encodeNack,
  encodePing,
  encodePushPull,
  encodeSuspect,
  encodeUserStream,
  isWireError,
  lzwCompress,
  lzwDecompress,
} from '../src/index.js';
import { byKind, pushPull } from './support/arbitraries.js';
import type { GoKind } from './support/go-json.js';
import { emptyAsNil, fromGo, normalise, pushPullFromGo, pushPullToGo, toGo } from './support/go-json.js';
import { WireCheck } from './support/wire-check.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

const encoders: Record<GoKind, (v: never) => Uint8Array> = {
  ping: encodePing,
  indirect: encodeIndirectPing,
  ack: encodeAck,
  nack: encodeNack,
  err: encodeErr,
  suspect: encodeSuspect,
  alive: encodeAlive,
  dead: encodeDead,
};

let go: WireCheck;
beforeAll(async () => {
  go = await WireCheck.start();
}, 120_000);
afterAll(async () => {
  await go?.stop();
});

describe('given Go memberlist structs encoded with go-msgpack', () => {
  for (const kind of Object.keys(encoders) as GoKind[]) {
    it(`when 150 random ${kind} messages are encoded by both, then the bytes are identical and each side decodes the other's to the same values`, async () => {
      const values = fc.sample(byKind[kind], { numRuns: 150, seed: 42 });
      const goEncoded = await go.all(values.map((v) => ({ op: 'encode', type: kind, value: toGo(kind, v) })));
      const tsEncoded = values.map((v) => encoders[kind](v as never));
      const goDecoded = await go.all(tsEncoded.map((b) => ({ op: 'decode', type: kind, hex: hex(b) })));
      values.forEach((v, i) => {
        expect(goEncoded[i]!.error).toBeUndefined();
        expect(hex(tsEncoded[i]!)).toBe(goEncoded[i]!.hex);
        expect(goDecoded[i]!.error).toBeUndefined();
        expect(fromGo(kind, goDecoded[i]!.value!)).toEqual(emptyAsNil(normalise(kind, v)));
        const ts = decodeMessage(unhex(goEncoded[i]!.hex!));
        expect(ts.type).toBe(kind);
        expect(ts.body).toEqual(normalise(kind, v));
      });
    });
  }

  it('when alternative encodings Go accepts are decoded (str8, bin, int arrays, signed ints, unknown keys, nil, reordered keys), then both sides read the same values', async () => {
    const inputs: [GoKind, string][] = [
      // ping: Node as str8, SeqNo as int16, SourceAddr as bin8, unknown key "X" with a nested array, SourcePort as uint64.
      ['ping', '0085a44e6f6465d9026e62a55365714e6fd1012caa536f7572636541646472c4047f000001a158920102aa536f75726365506f7274cf0000000000001f0a'],
      // alive: Vsn as an array of fixints, Meta nil, keys out of order, Port as int32.
      ['alive', '0486a356736e96010502000000a44e6f6465a16ea4506f7274d200001f0aa441646472a40a000001ab496e6361726e6174696f6e01a44d657461c0'],
      // ack: Payload as bin16, SeqNo as uint8.
      ['ack', '0282a75061796c6f6164c500026869a55365714e6fcc2a'],
      // indirect: Nack as fixint 1, Target as str8, missing Port.
      ['indirect', '0184a44e61636b01a44e6f6465a163a55365714e6f07a6546172676574d9040a000002'],
      // suspect: nil Node, map16 header.
      ['suspect', '03de0003a446726f6da161ab496e6361726e6174696f6e05a44e6f6465c0'],
    ];
    const goDecoded = await go.all(inputs.map(([type, h]) => ({ op: 'decode', type, hex: h })));
    inputs.forEach(([kind, h], i) => {
      expect(goDecoded[i]!.error).toBeUndefined();
      expect(decodeMessage(unhex(h)).body).toEqual(fromGo(kind, goDecoded[i]!.value!));
    });
  });

  it('when inputs Go rejects (negative or overflowing unsigned ints, truncated bodies) are decoded, then TS rejects them too with a WireError', async () => {
    const inputs: [GoKind, string][] = [
      ['nack', '0b81a55365714e6fff'],
      ['nack', '0b81a55365714e6fcf0000000100000000'],
      ['alive', '0486a441646472a47f000001ab496e6361726e6174696f6e01a44d657461c0a44e6f6465a66e6f64652d61a4506f7274ce00010000a356736ea6010502000000'],
      ['ping', '0085a44e6f6465a66e6f64'],
    ];
    const goDecoded = await go.all(inputs.map(([type, h]) => ({ op: 'decode', type, hex: h })));
    inputs.forEach(([, h], i) => {
      expect(goDecoded[i]!.error).toBeDefined();
      expect(() => decodeMessage(unhex(h))).toThrow(expect.objectContaining({ name: 'WireError' }) as Error);
    });
  });
});

describe('given push/pull and stream user messages', () => {
  it('when 60 random push/pulls are encoded by both, then bytes and values agree in both directions', async () => {
    const values = fc.sample(pushPull, { numRuns: 60, seed: 7 });
    const goEncoded = await go.all(values.map((v) => ({ op: 'encode', type: 'pushPull', value: pushPullToGo(v) })));
    const goDecoded = await go.all(values.map((v) => ({ op: 'decode', type: 'pushPull', hex: hex(encodePushPull(v)) })));
    values.forEach((v, i) => {
      expect(hex(encodePushPull(v))).toBe(goEncoded[i]!.hex);
      expect(decodePushPull(unhex(goEncoded[i]!.hex!))).toEqual(v);
      expect(goDecoded[i]!.error).toBeUndefined();
      expect(pushPullFromGo(goDecoded[i]!.value!)).toEqual(emptyAsNil(v));
    });
  });

  it('when a push/pull has 200 nodes and 70,000 bytes of user state, then v0.2.2 encoding matches Go and the HEAD encoding decodes in Go', async () => {
    const [sample] = fc.sample(pushPull, { numRuns: 1, seed: 3 });
    const big = { ...sample!, states: Array.from({ length: 200 }, (_, i) => ({ ...sample!.states[0]!, ...{ name: `n${i}`, addr: new Uint8Array([10, 0, 0, i]), port: 7946, meta: null, incarnation: i, state: i % 4, vsn: new Uint8Array([1, 5, 2, 0, 0, 0]) } })), userState: new Uint8Array(70_000).fill(7) };
    const [goEnc, goDecHead] = await go.all([
      { op: 'encode', type: 'pushPull', value: pushPullToGo(big) },
      { op: 'decode', type: 'pushPull', hex: hex(encodePushPull(big, { intEncoding: 'head' })) },
    ]);
    expect(hex(encodePushPull(big))).toBe(goEnc!.hex);
    expect(pushPullFromGo(goDecHead!.value!)).toEqual(big);
  });

  it('when stream user messages of 0, 5, 300 and 70,000 bytes are exchanged, then bytes and payloads agree', async () => {
    for (const n of [0, 5, 300, 70_000]) {
      const payload = new Uint8Array(n).map((_, i) => i * 31);
      const [enc, dec] = await go.all([
        { op: 'encode', type: 'userStream', value: { Payload: Buffer.from(payload).toString('base64') } },
        { op: 'decode', type: 'userStream', hex: hex(encodeUserStream(payload, { intEncoding: 'head' })) },
      ]);
      expect(hex(encodeUserStream(payload))).toBe(enc!.hex);
      expect(decodeUserStream(unhex(enc!.hex!))).toEqual(payload);
      expect(new Uint8Array(Buffer.from((dec!.value!.Payload as string | null) ?? '', 'base64'))).toEqual(payload);
    }
  });
});

describe('given compound messages', () => {
  const messages = fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 2, maxLength: 255 });

  it('when 40 random compounds are built by both, then the bytes match and Go splits the TS compound into the same parts', async () => {
    const samples = fc.sample(messages, { numRuns: 40, seed: 11 });
    const goBuilt = await go.all(samples.map((parts) => ({ op: 'compound_encode', parts: parts.map(hex) })));
    const tsBuilt = samples.map((parts) => encodeCompound(parts, 255)[0]!);
    const goSplit = await go.all(tsBuilt.map((b) => ({ op: 'compound_decode', hex: hex(b) })));
    samples.forEach((parts, i) => {
      expect(hex(tsBuilt[i]!)).toBe(goBuilt[i]!.hex);
      expect(goSplit[i]!.parts).toEqual(parts.map(hex));
      expect(decodeCompound(unhex(goBuilt[i]!.hex!)).parts.map(hex)).toEqual(parts.map(hex));
    });
  });

  it('when compounds are cut at every length, then TS and Go agree on parts, truncation count and rejection', async () => {
    const whole = encodeCompound([new Uint8Array([1, 2, 3]), new Uint8Array(40).fill(4), new Uint8Array([5])], 255)[0]!;
    const cuts = Array.from({ length: whole.length }, (_, n) => whole.subarray(0, n + 1));
    const goSplit = await go.all(cuts.map((b) => ({ op: 'compound_decode', hex: hex(b) })));
    cuts.forEach((b, i) => {
      const g = goSplit[i]!;
      if (g.error !== undefined) {
        expect(() => decodeCompound(b)).toThrow(expect.objectContaining({ code: 'ERR_TRUNCATED' }) as Error);
      } else {
        const ts = decodeCompound(b);
        expect({ parts: ts.parts.map(hex), truncated: ts.truncated }).toEqual({ parts: g.parts ?? [], truncated: g.truncated });
      }
    });
  });
});

describe('given LZW streams', () => {
  const structured = (n: number): Uint8Array => {
    const words = ['alive', 'node-', 'suspect', '127.0.0.1', 'role=web', '\u0000\u0001', 'incarnation'];
    let s = '';
    let x = 12345;
    while (s.length < n) {
      x = (x * 1103515245 + 12345) >>> 0;
      s += words[x % words.length]! + String(x % 97);
    }
    return new TextEncoder().encode(s).subarray(0, n);
  };
  const random = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    let x = 99;
    for (let i = 0; i < n; i++) {
      x = (x * 1664525 + 1013904223) >>> 0;
      out[i] = x >>> 24;
    }
    return out;
  };
  const inputs: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['one byte', new Uint8Array([42])],
    ['two equal bytes', new Uint8Array([7, 7])],
    ['1000 zero bytes (KwKwK runs)', new Uint8Array(1000)],
    ['4 kB structured', structured(4096)],
    ['70 kB structured', structured(70_000)],
    ['100 kB random (many dictionary resets)', random(100_000)],
    ['300 kB structured', structured(300_000)],
    ['300 kB random', random(300_000)],
  ];

  for (const [label, data] of inputs) {
    it(`when ${label} is compressed by both, then the streams are identical and each side decompresses the other's`, async () => {
      const ours = lzwCompress(data);
      const [theirs, back, wrapped] = await go.all([
        { op: 'lzw_compress', hex: hex(data) },
        { op: 'lzw_decompress', hex: hex(ours) },
        { op: 'compress_decode', hex: hex(encodeCompress(data)) },
      ]);
      expect(hex(ours)).toBe(theirs!.hex);
      expect(back!.hex ?? '').toBe(hex(data));
      expect(wrapped!.hex ?? '').toBe(hex(data));
      expect(hex(lzwDecompress(unhex(theirs!.hex!)))).toBe(hex(data));
    });
  }

  it('when 300 mutated streams are decompressed, then TS fails exactly when Go fails and otherwise gives the same bytes', async () => {
    const base = lzwCompress(structured(3000));
    const mutants = fc.sample(
      fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 }), fc.nat(base.length)),
      { numRuns: 300, seed: 5 },
    ).map(([at, xor, cut]) => {
      const m = base.slice(0, Math.max(1, cut));
      if (at < m.length) m[at]! ^= xor;
      return m;
    });
    const goOut = await go.all(mutants.map((m) => ({ op: 'lzw_decompress', hex: hex(m) })));
    mutants.forEach((m, i) => {
      const g = goOut[i]!;
      let ts: string | undefined;
      try {
        ts = hex(lzwDecompress(m));
      } catch (e) {
        expect(isWireError(e, 'ERR_LZW')).toBe(true);
      }
      expect(ts === undefined).toBe(g.error !== undefined);
      if (ts !== undefined) expect(ts).toBe(g.hex ?? '');
    });
  });

  it('when Go wraps a message in compressMsg, then decodeCompress returns it', async () => {
    const msg = encodeAlive({ incarnation: 9, node: 'x', addr: new Uint8Array([1, 2, 3, 4]), port: 1, meta: null, vsn: new Uint8Array([1, 5, 2, 0, 0, 0]) });
    const [wrapped] = await go.all([{ op: 'compress_encode', hex: hex(msg) }]);
    expect(hex(encodeCompress(msg))).toBe(wrapped!.hex);
    expect(hex(decodeCompress(unhex(wrapped!.hex!)))).toBe(hex(msg));
  });
});
