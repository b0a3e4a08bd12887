/**
 * Stream framing (spec §6.1): how many bytes make up one plaintext stream frame. memberlist streams carry no
 * length prefix except for `encryptMsg`, so the length is found by walking the msgpack structure.
 */
import { WireError } from './errors.js';
import type { WireLimits } from './limits.js';
import { resolveLimits } from './limits.js';
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
      return r.pos + userMsgLen;
    }
    case MessageType.Ping:
    case MessageType.Ack:
    case MessageType.Err:
    case MessageType.Compress:
      r.skip();
      return r.pos;
    default:
      throw new WireError('ERR_UNKNOWN_TYPE', `message type ${type} is not carried on streams`);
  }
}
