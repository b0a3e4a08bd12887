/**
 * fast-check generators for memberlist messages, biased toward msgpack's encoding boundaries.
 */
import fc from 'fast-check';
import type { AckResp, Alive, ErrResp, IndirectPingReq, NackResp, Ping, PushNodeState, PushPull, Suspect } from '../../src/index.js';
import type { GoKind } from './go-json.js';

const boundary = <T>(values: T[], other: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...values) }, { weight: 3, arbitrary: other });

/** A Go uint32. */
export const uint32 = boundary([0, 1, 127, 128, 255, 256, 65535, 65536, 0xffffffff], fc.nat({ max: 0xffffffff }));
/** A Go uint16. */
export const uint16 = boundary([0, 1, 127, 128, 255, 256, 65535], fc.nat({ max: 0xffff }));
/** A Go int as memberlist uses it (node state). */
export const goInt = boundary([0, 1, 2, 3, 127, 128, 255, 32767, 32768, -1, -32, -33, -128, -129], fc.integer({ min: -100_000, max: 100_000 }));
/** A Go string: ASCII or any Unicode, sometimes past 31 bytes (str16 header). */
export const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ minLength: 28, maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
);
/** A node name, never empty. */
export const name = fc.string({ minLength: 1, maxLength: 20 });
/** Arbitrary bytes, sometimes past 31 (str16 header). */
export const bytes = fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ minLength: 30, maxLength: 70 }));
/** An IP: 4 or 16 bytes. */
export const ip = fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 16, maxLength: 16 }));
/** A 6-byte Vsn. */
export const vsn = fc.uint8Array({ minLength: 6, maxLength: 6 });
const optional = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });

export const ping: fc.Arbitrary<Ping> = fc.record({
  seqNo: uint32,
  node: text,
  sourceAddr: optional(ip),
  sourcePort: optional(uint16.filter((p) => p > 0)),
  sourceNode: optional(name),
});
export const indirect: fc.Arbitrary<IndirectPingReq> = fc.record({
  seqNo: uint32,
  target: ip,
  port: uint16,
  node: text,
  nack: fc.boolean(),
  sourceAddr: optional(ip),
  sourcePort: optional(uint16.filter((p) => p > 0)),
  sourceNode: optional(name),
});
export const ack: fc.Arbitrary<AckResp> = fc.record({ seqNo: uint32, payload: fc.option(bytes, { nil: null }) });
export const nack: fc.Arbitrary<NackResp> = fc.record({ seqNo: uint32 });
export const err: fc.Arbitrary<ErrResp> = fc.record({ error: text });
export const suspect: fc.Arbitrary<Suspect> = fc.record({ incarnation: uint32, node: text, from: text });
export const alive: fc.Arbitrary<Alive> = fc.record({
  incarnation: uint32,
  node: text,
  addr: ip,
  port: uint16,
  meta: fc.option(bytes, { nil: null }),
  vsn,
});
export const nodeState: fc.Arbitrary<PushNodeState> = fc.record({
  name: text,
  addr: ip,
  port: uint16,
  meta: fc.option(bytes, { nil: null }),
  incarnation: uint32,
  state: goInt,
  vsn,
});
export const pushPull: fc.Arbitrary<PushPull> = fc.record({
  join: fc.boolean(),
  states: fc.array(nodeState, { maxLength: 6 }),
  userState: fc.oneof(fc.uint8Array({ maxLength: 10 }), fc.uint8Array({ minLength: 120, maxLength: 400 })),
});

/** Generators per message kind. */
export const byKind: Record<GoKind, fc.Arbitrary<unknown>> = {
  ping,
  indirect,
  ack,
  nack,
  err,
  suspect,
  alive,
  dead: suspect,
};
