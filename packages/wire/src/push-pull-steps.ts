/**
 * Push/pull messages in steps, for node lists too long to decode or encode in one event-loop turn (a 10,000-node
 * cluster's state is ~700 KB): the header first, then up to `k` node states per step. Bytes and values are exactly
 * those of `decodePushPull` / `encodePushPull`, which share the same readers and writers.
 */
import { WireError } from './errors.js';
import { type DecodeOptions, bodyReader } from './decode.js';
import type { WireLimits } from './limits.js';
import type { PushNodeState, PushPull } from './messages.js';
import { MessageType } from './messages.js';
import { type IntEncoding, type Reader, Writer } from './msgpack.js';
import {
  type StreamEncodeOptions,
  checkPushPullHeader,
  peekPushNodeStateName,
  readPushNodeState,
  readPushPullHeader,
  writeNodeState,
  writePushPullHeader,
} from './stream.js';

/** Options of a {@link PushPullDecoder}. */
export interface PushPullDecodeOptions extends DecodeOptions {
  /**
   * The node state the caller holds for the member `name`, encoded as `encodePushNodeState` encodes it, or
   * undefined. An entry byte for byte equal to it is counted in {@link PushPullDecoder.unchanged} and left out of
   * `states` instead of being decoded: merging it would change nothing. Anti-entropy between members that agree
   * sends mostly such entries (a 1,000-member push/pull after a join storm, nearly all of them).
   */
  readonly heldEntry?: (name: string) => Uint8Array | undefined;
}

/** Decodes one push/pull message (type byte included) a few node states at a time. */
export class PushPullDecoder {
  /** The header's `Join`. */
  readonly join: boolean;
  /** The node states decoded so far (all of them once done), less the unchanged ones. */
  readonly states: PushNodeState[] = [];
  /** Entries equal to what the caller holds (see {@link PushPullDecodeOptions.heldEntry}), so far. */
  unchanged = 0;
  private readonly r: Reader;
  private readonly nodes: number;
  /** Node states read so far, decoded or unchanged. */
  private read = 0;
  private readonly userStateLen: number;
  private userState: Uint8Array | undefined;

  /**
   * Reads and checks the header at once: counts beyond `limits` are `ERR_TOO_LARGE` before anything is
   * allocated, a node count beyond the input is `ERR_TRUNCATED`. Byte fields and the user state are copies unless
   * `options.views` (see {@link DecodeOptions}).
   */
  constructor(
    private readonly msg: Uint8Array,
    limits?: WireLimits,
    private readonly options: PushPullDecodeOptions = {},
  ) {
    this.r = bodyReader(msg, MessageType.PushPull, 'pushPull');
    const header = readPushPullHeader(this.r);
    checkPushPullHeader(header, limits);
    // Each state is at least one byte: a count beyond the input cannot be satisfied.
    if (header.nodes > this.r.remaining) throw new WireError('ERR_TRUNCATED', 'truncated input: push/pull node states');
    this.join = header.join;
    this.nodes = header.nodes;
    this.userStateLen = header.userStateLen;
  }

  /** Whether every node state and the user state have been read. */
  get done(): boolean {
    return this.userState !== undefined;
  }

  /** Decodes up to `k` more node states, then (once they are all in) the user state; returns `done`. */
  step(k: number): boolean {
    if (this.userState !== undefined) return true;
    const end = Math.min(this.nodes, this.read + Math.max(1, k));
    const views = this.options.views === true;
    const held = this.options.heldEntry;
    const r = this.r;
    for (; this.read < end; this.read++) {
      if (held !== undefined) {
        const name = peekPushNodeStateName(r);
        const entry = name === undefined ? undefined : held(name);
        if (entry !== undefined && bytesAt(r.buf, r.pos, r.end, entry)) {
          r.pos += entry.length;
          this.unchanged++;
          continue;
        }
      }
      this.states.push(readPushNodeState(r, views));
    }
    if (this.read < this.nodes) return false;
    if (this.userStateLen > this.r.remaining) throw new WireError('ERR_TRUNCATED', 'truncated input: push/pull user state');
    const { pos } = this.r;
    this.userState = views ? this.msg.subarray(pos, pos + this.userStateLen) : this.msg.slice(pos, pos + this.userStateLen);
    return true;
  }

  /** The decoded message once done. */
  result(): PushPull {
    if (this.userState === undefined) throw new WireError('ERR_TRUNCATED', 'push/pull decoder is not done');
    return { join: this.join, states: this.states, userState: this.userState };
  }
}

/** Whether `buf[pos, end)` starts with `bytes`. */
function bytesAt(buf: Uint8Array, pos: number, end: number, bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (end - pos < n) return false;
  for (let i = 0; i < n; i++) if (buf[pos + i] !== bytes[i]) return false;
  return true;
}

/** Encodes one push/pull message a few node states at a time, into a buffer of its own. */
export class PushPullEncoder {
  private readonly w = new Writer(4096);
  private readonly ints: IntEncoding;
  private readonly userState: Uint8Array;
  private next = 0;
  private finished = false;

  /** Writes the header at once; `pp.states` must not change until the encoder is done. */
  constructor(
    private readonly pp: PushPull,
    options: StreamEncodeOptions = {},
  ) {
    this.ints = options.intEncoding ?? 'v0.2.2';
    this.userState = writePushPullHeader(this.w, pp, this.ints);
  }

  /** Whether the whole message has been written. */
  get done(): boolean {
    return this.finished;
  }

  /** Encodes up to `k` more node states, then (once they are all written) the user state; returns `done`. */
  step(k: number): boolean {
    if (this.finished) return true;
    const states = this.pp.states;
    const end = Math.min(states.length, this.next + Math.max(1, k));
    for (; this.next < end; this.next++) writeNodeState(this.w, states[this.next]!, this.ints);
    if (this.next < states.length) return false;
    this.w.raw(this.userState);
    this.finished = true;
    return true;
  }

  /** The encoded message once done (a view of this encoder's buffer). */
  result(): Uint8Array {
    if (!this.finished) throw new WireError('ERR_INVALID_ARGUMENT', 'push/pull encoder is not done');
    return this.w.buf.subarray(0, this.w.pos);
  }
}
