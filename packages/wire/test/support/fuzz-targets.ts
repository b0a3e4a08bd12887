/**
 * The fuzz contract shared by the property test and `pnpm fuzz`: feeding any bytes to any decoder either
 * returns or throws a WireError — never another exception, never a hang, never an allocation beyond limits.
 */
import fc from 'fast-check';
import {
  WireError,
  decodeCompound,
  decodeCompress,
  decodeMessage,
  decodePushPull,
  decodeUserStream,
  encodeAck,
  encodeAlive,
  encodeCompound,
  encodeCompress,
  encodeErr,
  encodeIndirectPing,
  encodeNack,
  encodePing,
  encodePushPull,
  encodeSuspect,
  encodeUserStream,
  lzwDecompress,
  stripLabel,
  streamMessageLength,
  unwrapPacket,
  wrapCrc,
} from '../../src/index.js';
import type { WireLimits } from '../../src/index.js';
import * as arb from './arbitraries.js';

/** Tight limits so fuzzing also exercises the limit paths and cannot allocate much. */
const limits: WireLimits = {
  maxDecompressedBytes: 1 << 20,
  maxPushPullNodes: 1000,
  maxUserStateBytes: 1 << 16,
  maxUserMsgBytes: 1 << 16,
  maxEncryptedBytes: 1 << 16,
  maxStreamFrameBytes: 1 << 20,
};

const decoders: [string, (b: Uint8Array) => unknown][] = [
  ['decodeMessage', (b) => decodeMessage(b, limits)],
  ['unwrapPacket', (b) => unwrapPacket(b, limits)],
  ['decodeCompound', decodeCompound],
  ['decodeCompress', (b) => decodeCompress(b, 1 << 20)],
  ['lzwDecompress', (b) => lzwDecompress(b, 1 << 20)],
  ['decodePushPull', (b) => decodePushPull(b, limits)],
  ['decodeUserStream', (b) => decodeUserStream(b, limits)],
  ['streamMessageLength', (b) => streamMessageLength(b, limits)],
  ['stripLabel', stripLabel],
];

/** Runs every decoder on `input`; throws if any throws something other than a WireError. */
export function checkAllDecoders(input: Uint8Array): void {
  for (const [name, decode] of decoders) {
    try {
      decode(input);
    } catch (err) {
      if (!(err instanceof WireError)) {
        throw new Error(`${name} threw a non-WireError on ${Buffer.from(input).toString('hex')}: ${String(err)}`, { cause: err });
      }
    }
  }
}

/** Valid messages of every kind, including wrappers, for mutation. */
export const validMessage: fc.Arbitrary<Uint8Array> = fc.oneof(
  arb.ping.map(encodePing),
  arb.indirect.map(encodeIndirectPing),
  arb.ack.map(encodeAck),
  arb.nack.map(encodeNack),
  arb.err.map(encodeErr),
  arb.suspect.map(encodeSuspect),
  arb.alive.map(encodeAlive),
  arb.pushPull.map((pp) => encodePushPull(pp)),
  fc.uint8Array({ maxLength: 40 }).map((b) => encodeUserStream(b)),
  fc.array(arb.alive.map(encodeAlive), { minLength: 2, maxLength: 5 }).map((ms) => encodeCompound(ms)[0]!),
  arb.ping.map((p) => encodeCompress(encodePing(p))),
  arb.alive.map((a) => wrapCrc(encodeAlive(a))),
  fc.array(arb.suspect.map(encodeSuspect), { minLength: 2, maxLength: 4 }).map((ms) => encodeCompress(encodeCompound(ms)[0]!)),
);

/** A valid message with a few bytes overwritten, inserted, deleted, or cut. */
export const mutatedMessage: fc.Arbitrary<Uint8Array> = fc
  .tuple(validMessage, fc.array(fc.tuple(fc.nat(), fc.nat(255), fc.constantFrom('set', 'insert', 'delete', 'cut')), { minLength: 1, maxLength: 4 }))
  .map(([msg, edits]) => {
    let b = Array.from(msg);
    for (const [at, value, kind] of edits) {
      const i = b.length === 0 ? 0 : at % b.length;
      if (kind === 'set') b[i] = value;
      else if (kind === 'insert') b.splice(i, 0, value);
      else if (kind === 'delete') b.splice(i, 1);
      else b = b.slice(0, i);
    }
    return Uint8Array.from(b);
  });

/** Random bytes whose first byte is usually a meaningful type byte. */
export const randomInput: fc.Arbitrary<Uint8Array> = fc
  .tuple(fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 244, 255), fc.uint8Array({ maxLength: 200 }))
  .map(([t, rest]) => Uint8Array.of(t, ...rest));

/** Everything the fuzzer feeds: random, mutated and valid inputs. */
export const fuzzInput: fc.Arbitrary<Uint8Array> = fc.oneof(randomInput, mutatedMessage, validMessage, fc.uint8Array({ maxLength: 64 }));
