/**
 * Stream framing (PROTOCOL.md §6.1): how many bytes make up one plaintext stream frame. memberlist streams carry no
 * length prefix except for `encryptMsg`, so the length is found by walking the msgpack structure.
 */
import { WireError } from './errors.js';
import type { WireLimits } from './limits.js';
import { resolveLimits } from './limits.js';
import { COMPRESS_KEYS } from './keys.js';
import { MessageType } from './messages.js';
import { Reader } from './msgpack.js';
import type { PushPullHeader } from './messages.js';
import { checkPushPullHeader, checkUserMsgLen, readPushPullHeader, readUserMsgHeader } from './stream.js';

/**
 * Progress of {@link streamMessageLength} over one frame that is still arriving. Pass the same instance with
 * each call for the same frame (the buffer must only grow by appending) and a push/pull's node states are
 * walked once in total instead of once per call; without it, a peer trickling a huge push/pull in small
 * chunks costs quadratic time. Use a fresh instance for each frame.
 */
export class StreamScan {
  /** The push/pull header, once read. */
  header: PushPullHeader | undefined = undefined;
  /** Node states already walked. */
  nodesDone = 0;
  /** Offset just after the last walked node state (or the header). */
  pos = 0;
  /**
   * Set once the frame's header is buffered: the encrypted length, the push/pull or user-message header, the
   * compress struct up to its `Buf` data; for the small types (ping, ack, err) the whole message. A server gives
   * headers a short deadline of its own and commits resources (a push/pull slot) only after it.
   */
  headerDone = false;
  /**
   * The frame's total length as soon as its headers give it, before all of it is buffered: for an encrypted frame
   * and a user message at once, for a push/pull once its node states are walked (its user state may still be
   * arriving); for the other types only once all of it is buffered. A reader can then collect the rest without
   * growing a buffer for it.
   */
  length: number | undefined = undefined;
}

/**
 * Given the bytes buffered so far of a plaintext stream frame (starting at its type byte: push/pull, ping, ack,
 * user, err, compress, or encrypt `0x0a + len`), returns the frame's total length once all of it is buffered,
 * `undefined` while more bytes are needed, and throws a WireError when the frame is malformed, of a type streams
 * do not carry, or over `limits` (push/pull Nodes, UserStateLen, UserMsgLen, encrypted N, total frame size).
 *
 * Without `scan` the call re-walks the buffer each time (it only hops over lengths, cheap for ordinary frames);
 * pass a {@link StreamScan} per frame to resume where the previous call stopped.
 */
export function streamMessageLength(buf: Uint8Array, limits?: WireLimits, scan?: StreamScan): number | undefined {
  if (buf.length === 0) return undefined;
  const l = resolveLimits(limits);
  const r = new Reader(buf, 1);
  let total: number;
  try {
    total = frameLength(buf, r, l, scan);
  } catch (err) {
    if (err instanceof WireError && err.code === 'ERR_TRUNCATED') {
      if (r.needed > l.maxStreamFrameBytes || buf.length >= l.maxStreamFrameBytes) throw tooLarge(l.maxStreamFrameBytes);
      return undefined;
    }
    throw err;
  }
  if (total > l.maxStreamFrameBytes) throw tooLarge(l.maxStreamFrameBytes);
  if (scan !== undefined) scan.length = total;
  return total <= buf.length ? total : undefined;
}

function tooLarge(max: number): WireError {
  return new WireError('ERR_TOO_LARGE', `stream frame exceeds ${max} bytes`);
}

function frameLength(buf: Uint8Array, r: Reader, l: Required<WireLimits>, scan: StreamScan | undefined): number {
  const type = buf[0]!;
  switch (type) {
    case MessageType.Encrypt: {
      if (buf.length < 5) throw new WireError('ERR_TRUNCATED', 'truncated input: encrypted frame length');
      if (scan !== undefined) scan.headerDone = true;
      const n = ((buf[1]! << 24) | (buf[2]! << 16) | (buf[3]! << 8) | buf[4]!) >>> 0;
      if (n > l.maxEncryptedBytes) {
        throw new WireError('ERR_TOO_LARGE', `encrypted frame of ${n} bytes, limit ${l.maxEncryptedBytes}`);
      }
      return 5 + n;
    }
    case MessageType.PushPull: {
      let header = scan?.header;
      let first = 0;
      if (header === undefined || scan === undefined) {
        header = readPushPullHeader(r);
        checkPushPullHeader(header, l);
        if (scan !== undefined) {
          scan.header = header;
          scan.pos = r.pos;
          scan.headerDone = true;
        }
      } else {
        r.pos = scan.pos;
        first = scan.nodesDone;
      }
      for (let i = first; i < header.nodes; i++) {
        r.skip();
        if (scan !== undefined) {
          scan.nodesDone = i + 1;
          scan.pos = r.pos;
        }
      }
      return r.pos + header.userStateLen;
    }
    case MessageType.User: {
      const { userMsgLen } = readUserMsgHeader(r);
      checkUserMsgLen(userMsgLen, l);
      if (scan !== undefined) scan.headerDone = true;
      return r.pos + userMsgLen;
    }
    case MessageType.Compress:
      if (scan !== undefined && !scan.headerDone) scan.headerDone = compressHeaderBuffered(buf);
      r.skip();
      return r.pos;
    case MessageType.Ping:
    case MessageType.Ack:
    case MessageType.Err:
      r.skip();
      if (scan !== undefined) scan.headerDone = true;
      return r.pos;
    default:
      throw new WireError('ERR_UNKNOWN_TYPE', `message type ${type} is not carried on streams`);
  }
}

/** Bytes of a msgpack str/bin header by its first byte; 0 when it is not one (an array of ints, say). */
function blobHeaderSize(b: number): number {
  if (b >= 0xa0 && b <= 0xbf) return 1;
  if (b === 0xd9 || b === 0xc4) return 2;
  if (b === 0xda || b === 0xc5) return 3;
  if (b === 0xdb || b === 0xc6) return 5;
  return 0;
}

/** Whether a compress struct is buffered up to the start of its `Buf` data (keys in any order). */
function compressHeaderBuffered(buf: Uint8Array): boolean {
  const r = new Reader(buf, 1);
  try {
    for (let n = r.mapLen(); n > 0; n--) {
      if (r.key(COMPRESS_KEYS) === 1) {
        if (r.pos >= buf.length) return false;
        const size = blobHeaderSize(buf[r.pos]!);
        if (size === 0) {
          r.skip();
          continue;
        }
        return r.pos + size <= buf.length;
      }
      r.skip();
    }
    return true;
  } catch (err) {
    if (err instanceof WireError && err.code === 'ERR_TRUNCATED') return false;
    throw err;
  }
}
