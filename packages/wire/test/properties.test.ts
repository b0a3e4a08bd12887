/**
 * Property tests: every message type round-trips through encode/decode, and no input makes a decoder throw
 * anything but a WireError. `pnpm fuzz` runs the same contract for 1,000,000 inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeCompound,
  decodeCompress,
  decodeMessage,
  decodePushPull,
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
  lzwCompress,
  lzwDecompress,
  streamMessageLength,
  unwrapPacket,
} from '../src/index.js';
import * as arb from './support/arbitraries.js';
import { checkAllDecoders, fuzzInput, mutatedMessage } from './support/fuzz-targets.js';
import { normalise } from './support/go-json.js';
import type { GoKind } from './support/go-json.js';

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 20_000);

const cases: [GoKind, fc.Arbitrary<unknown>, (v: never) => Uint8Array][] = [
  ['ping', arb.ping, encodePing],
  ['indirect', arb.indirect, encodeIndirectPing],
  ['ack', arb.ack, encodeAck],
  ['nack', arb.nack, encodeNack],
  ['err', arb.err, encodeErr],
  ['suspect', arb.suspect, encodeSuspect],
  ['alive', arb.alive, encodeAlive],
  ['dead', arb.suspect, encodeDead],
];

describe('round trips', () => {
  for (const [kind, values, encode] of cases) {
    it(`given any ${kind}, when encoded then decoded, then the same fields come back and re-encoding gives the same bytes`, () => {
      fc.assert(
        fc.property(values, (v) => {
          const bytes = encode(v as never);
          const decoded = decodeMessage(bytes);
          expect(decoded.type).toBe(kind);
          expect(decoded.body).toEqual(normalise(kind, v));
          expect(encode(decoded.body as never)).toEqual(bytes);
        }),
        { numRuns: 500 },
      );
    });
  }

  it('given any push/pull, when encoded in either int encoding then decoded, then it is unchanged and its frame length is its size', () => {
    fc.assert(
      fc.property(arb.pushPull, fc.constantFrom('v0.2.2' as const, 'head' as const), (pp, intEncoding) => {
        const bytes = encodePushPull(pp, { intEncoding });
        expect(decodePushPull(bytes)).toEqual(pp);
        expect(streamMessageLength(bytes)).toBe(bytes.length);
        expect(streamMessageLength(bytes.subarray(0, bytes.length - 1))).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  // Wrapper types (compound, compress, CRC) are excluded: a lone message is sent bare and would be unwrapped.
  it('given any list of messages, when compounded (any part limit) then unwrapped, then the same messages come back in order', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 50 }).filter((m) => m[0] !== 7 && m[0] !== 9 && m[0] !== 12), { maxLength: 300 }), fc.integer({ min: 1, max: 255 }), (messages, maxParts) => {
        const packets = encodeCompound(messages, maxParts);
        expect(packets.length).toBe(Math.ceil(messages.length / maxParts));
        const back = packets.flatMap((p) => unwrapPacket(p).messages);
        expect(back).toEqual(messages);
        for (const p of packets) if (p[0] === 7) expect(decodeCompound(p).parts.length).toBeLessThanOrEqual(maxParts);
      }),
      { numRuns: 200 },
    );
  });

  it('given any bytes, when LZW-compressed then decompressed (bare and as compressMsg), then they are unchanged', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.constantFrom(0, 1, 97), { maxLength: 20_000 }).map((a) => Uint8Array.from(a))), (data) => {
        expect(lzwDecompress(lzwCompress(data))).toEqual(data);
        expect(decodeCompress(encodeCompress(data))).toEqual(data);
      }),
      { numRuns: 300 },
    );
  });
});

describe('robustness', () => {
  it(`given ${FUZZ_RUNS} random, mutated and valid inputs, when fed to every decoder, then nothing but WireError is thrown`, () => {
    fc.assert(fc.property(fuzzInput, (input) => checkAllDecoders(input)), { numRuns: FUZZ_RUNS });
  });

  it('given mutated valid messages, when decoded, then each either decodes or fails with a WireError code', () => {
    fc.assert(
      fc.property(mutatedMessage, (input) => {
        try {
          unwrapPacket(input);
        } catch (err) {
          expect(err).toMatchObject({ name: 'WireError', code: expect.stringMatching(/^ERR_/) as string });
        }
      }),
      { numRuns: 2000 },
    );
  });
});
