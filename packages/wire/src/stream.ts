/**
 * Stream (TCP) message bodies: push/pull state sync and reliable user messages (PROTOCOL.md §4.8-§4.10, §6.4, §6.6).
 * Go `int` fields (Nodes, UserStateLen, UserMsgLen, State) encode as v0.2.2 does by default (unsigned forms);
 * `intEncoding: 'head'` gives go-msgpack v2's signed forms. Both decode everywhere.
 */
import { WireError, invalidArgument } from './errors.js';
import { checkBytes, checkUint, checkVsn, sharedWriter } from './encode.js';
import { type DecodeOptions, bodyReader } from './decode.js';
import { MAX_UINT16, MAX_UINT32, PUSH_NODE_STATE_KEYS, PUSH_PULL_HEADER_KEYS, USER_MSG_HEADER_KEYS } from './keys.js';
import type { WireLimits } from './limits.js';
import { resolveLimits } from './limits.js';
import type { PushNodeState, PushPull, PushPullHeader, UserMsgHeader } from './messages.js';
import { MessageType } from './messages.js';
import type { IntEncoding, Reader, Writer } from './msgpack.js';

/** Options for stream encoders. */
export interface StreamEncodeOptions {
  /** Go `int` encoding: `'v0.2.2'` (default, unsigned forms) or `'head'` (signed forms above 127). */
  intEncoding?: IntEncoding;
}

const EMPTY: Uint8Array = new Uint8Array(0);

function checkGoInt(v: number, field: string): number {
  if (!Number.isSafeInteger(v)) throw invalidArgument(`${field} must be a safe integer, got ${v}`);
  return v;
}

/** Writes one `pushNodeState`. */
export function writeNodeState(w: Writer, s: PushNodeState, ints: IntEncoding): void {
  const incarnation = checkUint(s.incarnation, MAX_UINT32, 'incarnation');
  const port = checkUint(s.port, MAX_UINT16, 'port');
  const addr = checkBytes(s.addr, 'addr');
  const meta = s.meta === null || s.meta === undefined ? null : checkBytes(s.meta, 'meta');
  const vsn = checkVsn(s.vsn);
  w.fixmap(7);
  w.raw(PUSH_NODE_STATE_KEYS[0]!);
  w.bytes(addr);
  w.raw(PUSH_NODE_STATE_KEYS[1]!);
  w.uint(incarnation);
  w.raw(PUSH_NODE_STATE_KEYS[2]!);
  w.bytes(meta);
  w.raw(PUSH_NODE_STATE_KEYS[3]!);
  w.str(s.name);
  w.raw(PUSH_NODE_STATE_KEYS[4]!);
  w.uint(port);
  w.raw(PUSH_NODE_STATE_KEYS[5]!);
  w.goInt(checkGoInt(s.state, 'state'), ints);
  w.raw(PUSH_NODE_STATE_KEYS[6]!);
  w.bytes(vsn);
}

/**
 * One `pushNodeState` on its own, byte for byte as {@link writeNodeState} writes it inside a push/pull: what a
 * receiver compares an entry against to skip decoding one it already holds (see `PushPullDecodeOptions.heldEntry`).
 */
export function encodePushNodeState(s: PushNodeState, options: StreamEncodeOptions = {}): Uint8Array {
  const w = sharedWriter;
  w.reset();
  writeNodeState(w, s, options.intEncoding ?? 'v0.2.2');
  return w.buf.slice(0, w.pos);
}

/**
 * The `Name` of the node state that starts at `r.pos`, read without decoding the rest and leaving `r` where it
 * was; undefined when it has none or is malformed (decoding it then reports why).
 */
export function peekPushNodeStateName(r: Reader): string | undefined {
  const start = r.pos;
  try {
    for (let n = r.mapLen(); n > 0; n--) {
      if (r.key(PUSH_NODE_STATE_KEYS) === NAME_KEY) return r.str();
      r.skip();
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    r.pos = start;
  }
}

/** Index of `Name` in {@link PUSH_NODE_STATE_KEYS}. */
const NAME_KEY = 3;

/** Encodes a whole push/pull message: `0x06 | header | states | user state`. */
export function encodePushPull(pp: PushPull, options: StreamEncodeOptions = {}): Uint8Array {
  const ints = options.intEncoding ?? 'v0.2.2';
  const w = sharedWriter;
  w.reset();
  const userState = writePushPullHeader(w, pp, ints);
  for (const s of pp.states) writeNodeState(w, s, ints);
  w.raw(userState);
  return w.finish();
}

/** Writes the type byte and `pushPullHeader` of `pp`; returns the user state to write after the node states. */
export function writePushPullHeader(w: Writer, pp: PushPull, ints: IntEncoding): Uint8Array {
  const userState = pp.userState === undefined ? EMPTY : checkBytes(pp.userState, 'userState');
  w.byte(MessageType.PushPull);
  w.fixmap(3);
  w.raw(PUSH_PULL_HEADER_KEYS[0]!);
  w.bool(pp.join);
  w.raw(PUSH_PULL_HEADER_KEYS[1]!);
  w.goInt(pp.states.length, ints);
  w.raw(PUSH_PULL_HEADER_KEYS[2]!);
  w.goInt(userState.length, ints);
  return userState;
}

/** Reads a `pushPullHeader` (no limit checks). */
export function readPushPullHeader(r: Reader): PushPullHeader {
  let join = false;
  let nodes = 0;
  let userStateLen = 0;
  for (let n = r.mapLen(); n > 0; n--) {
    switch (r.key(PUSH_PULL_HEADER_KEYS)) {
      case 0:
        join = r.bool();
        break;
      case 1:
        nodes = r.int();
        break;
      case 2:
        userStateLen = r.int();
        break;
      default:
        r.skip();
    }
  }
  return { join, nodes, userStateLen };
}

/** Throws unless the header's counts are within HEAD's limits (negative counts are malformed). */
export function checkPushPullHeader(h: PushPullHeader, limits?: WireLimits): void {
  const l = resolveLimits(limits);
  if (h.nodes < 0 || h.userStateLen < 0) throw new WireError('ERR_MALFORMED', 'negative push/pull header count');
  if (h.nodes > l.maxPushPullNodes) {
    throw new WireError('ERR_TOO_LARGE', `push/pull has ${h.nodes} nodes, limit ${l.maxPushPullNodes}`);
  }
  if (h.userStateLen > l.maxUserStateBytes) {
    throw new WireError('ERR_TOO_LARGE', `push/pull user state of ${h.userStateLen} bytes, limit ${l.maxUserStateBytes}`);
  }
}

/** Reads one push/pull node state; byte fields are copies unless `views` (see {@link DecodeOptions}). */
export function readPushNodeState(r: Reader, views = false): PushNodeState {
  let name = '';
  let addr = EMPTY;
  let port = 0;
  let meta: Uint8Array | null = null;
  let incarnation = 0;
  let state = 0;
  let vsn = EMPTY;
  for (let n = r.mapLen(); n > 0; n--) {
    switch (r.key(PUSH_NODE_STATE_KEYS)) {
      case 0:
        addr = r.bytesAs(!views) ?? EMPTY;
        break;
      case 1:
        incarnation = r.uint(MAX_UINT32);
        break;
      case 2:
        meta = r.bytesAs(!views);
        break;
      case 3:
        name = r.str();
        break;
      case 4:
        port = r.uint(MAX_UINT16);
        break;
      case 5:
        state = r.int();
        break;
      case 6:
        vsn = r.bytesAs(!views) ?? EMPTY;
        break;
      default:
        r.skip();
    }
  }
  return { name, addr, port, meta, incarnation, state, vsn };
}

/**
 * Decodes a whole push/pull message (type byte included). Header counts are checked against `limits` before
 * anything is allocated; missing node states or user state bytes are `ERR_TRUNCATED`.
 */
export function decodePushPull(msg: Uint8Array, limits?: WireLimits): PushPull {
  const r = bodyReader(msg, MessageType.PushPull, 'pushPull');
  const header = readPushPullHeader(r);
  checkPushPullHeader(header, limits);
  // Each state is at least one byte: a count beyond the input cannot be satisfied.
  if (header.nodes > r.remaining) throw new WireError('ERR_TRUNCATED', 'truncated input: push/pull node states');
  const states: PushNodeState[] = new Array<PushNodeState>(header.nodes);
  for (let i = 0; i < header.nodes; i++) states[i] = readPushNodeState(r);
  if (header.userStateLen > r.remaining) throw new WireError('ERR_TRUNCATED', 'truncated input: push/pull user state');
  const userState = msg.slice(r.pos, r.pos + header.userStateLen);
  return { join: header.join, states, userState };
}

/** Encodes a stream user message: `0x08 | userMsgHeader{UserMsgLen} | payload`. */
export function encodeUserStream(payload: Uint8Array, options: StreamEncodeOptions = {}): Uint8Array {
  checkBytes(payload, 'payload');
  const w = sharedWriter;
  w.reset();
  w.byte(MessageType.User);
  w.fixmap(1);
  w.raw(USER_MSG_HEADER_KEYS[0]!);
  w.goInt(payload.length, options.intEncoding ?? 'v0.2.2');
  w.raw(payload);
  return w.finish();
}

/** Reads a `userMsgHeader`. */
export function readUserMsgHeader(r: Reader): UserMsgHeader {
  let userMsgLen = 0;
  for (let n = r.mapLen(); n > 0; n--) {
    if (r.key(USER_MSG_HEADER_KEYS) === 0) userMsgLen = r.int();
    else r.skip();
  }
  return { userMsgLen };
}

/** Throws unless a user message length is within limits. */
export function checkUserMsgLen(len: number, limits?: WireLimits): void {
  const max = resolveLimits(limits).maxUserMsgBytes;
  if (len < 0) throw new WireError('ERR_MALFORMED', `negative user message length ${len}`);
  if (len > max) throw new WireError('ERR_TOO_LARGE', `user message of ${len} bytes, limit ${max}`);
}

/** Decodes a whole stream user message (type byte included) and returns its payload: a copy, or a view with `views`. */
export function decodeUserStream(msg: Uint8Array, limits?: WireLimits, options: DecodeOptions = {}): Uint8Array {
  const r = bodyReader(msg, MessageType.User, 'user');
  const { userMsgLen } = readUserMsgHeader(r);
  checkUserMsgLen(userMsgLen, limits);
  if (userMsgLen > r.remaining) throw new WireError('ERR_TRUNCATED', 'truncated input: user message payload');
  return options.views === true ? msg.subarray(r.pos, r.pos + userMsgLen) : msg.slice(r.pos, r.pos + userMsgLen);
}
