/**
 * Decoding one message of any type into a discriminated union, for dispatch on the receive path.
 */
import type { DecodedCompound } from './compound.js';
import { decodeCompound } from './compound.js';
import { readCompress } from './compress.js';
import { type DecodeOptions, readAck, readAlive, readErr, readIndirectPing, readNack, readPing, readSuspect } from './decode.js';
import { WireError } from './errors.js';
import type { WireLimits } from './limits.js';
import type {
  AckResp,
  Alive,
  Compress,
  Dead,
  ErrResp,
  IndirectPingReq,
  NackResp,
  Ping,
  PushPull,
  Suspect,
} from './messages.js';
import { MessageType } from './messages.js';
import { Reader } from './msgpack.js';
import { decodePushPull } from './stream.js';

/** One decoded message; `type` names the message kind, `body` holds its fields. */
export type DecodedMessage =
  | { type: 'ping'; body: Ping }
  | { type: 'indirect'; body: IndirectPingReq }
  | { type: 'ack'; body: AckResp }
  | { type: 'nack'; body: NackResp }
  | { type: 'suspect'; body: Suspect }
  | { type: 'alive'; body: Alive }
  | { type: 'dead'; body: Dead }
  | { type: 'err'; body: ErrResp }
  /** Packet user message: the raw payload after the type byte (a view into the input). */
  | { type: 'user'; body: Uint8Array }
  /** Compound: the parts (views) and how many were truncated; not expanded further (see `unwrapPacket`). */
  | { type: 'compound'; body: DecodedCompound }
  /** Compress: the algorithm and the still-compressed buffer (a view); see `decodeCompress`. */
  | { type: 'compress'; body: Compress }
  /** Push/pull (streams only), decoded with the default limits or the ones given. */
  | { type: 'pushPull'; body: PushPull };

/** The `type` tags of {@link DecodedMessage}. */
export type DecodedMessageType = DecodedMessage['type'];

/**
 * Decodes a single message (type byte included). Packet user messages (0x08) come back as raw bytes; stream
 * user messages, which carry a msgpack header, are read with `decodeUserStream` instead. `hasCrcMsg`,
 * `encryptMsg`, the label marker and unknown values are `ERR_UNKNOWN_TYPE`: they are not messages at this layer.
 */
export function decodeMessage(msg: Uint8Array, limits?: WireLimits, options: DecodeOptions = {}): DecodedMessage {
  if (msg.length === 0) throw new WireError('ERR_EMPTY', 'empty message');
  const type = msg[0]!;
  switch (type) {
    case MessageType.Ping:
      return { type: 'ping', body: readPing(new Reader(msg, 1)) };
    case MessageType.IndirectPing:
      return { type: 'indirect', body: readIndirectPing(new Reader(msg, 1)) };
    case MessageType.Ack:
      return { type: 'ack', body: readAck(new Reader(msg, 1)) };
    case MessageType.Nack:
      return { type: 'nack', body: readNack(new Reader(msg, 1)) };
    case MessageType.Suspect:
      return { type: 'suspect', body: readSuspect(new Reader(msg, 1)) };
    case MessageType.Alive:
      return { type: 'alive', body: readAlive(new Reader(msg, 1), options.views === true) };
    case MessageType.Dead:
      return { type: 'dead', body: readSuspect(new Reader(msg, 1)) };
    case MessageType.Err:
      return { type: 'err', body: readErr(new Reader(msg, 1)) };
    case MessageType.User:
      return { type: 'user', body: msg.subarray(1) };
    case MessageType.Compound:
      return { type: 'compound', body: decodeCompound(msg) };
    case MessageType.Compress:
      return { type: 'compress', body: readCompress(new Reader(msg, 1)) };
    case MessageType.PushPull:
      return { type: 'pushPull', body: decodePushPull(msg, limits) };
    default:
      throw new WireError('ERR_UNKNOWN_TYPE', `message type ${type} is not supported here`);
  }
}
