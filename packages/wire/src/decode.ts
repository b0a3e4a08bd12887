/**
 * Decoders for memberlist's packet messages (PROTOCOL.md §3.2, §4). They accept everything Go accepts: keys in any
 * order, unknown keys, missing keys (zero values), nil, any integer width, str8/bin and int arrays for byte
 * fields. Byte fields are copied out of the input; Go `string` fields become text. Only WireError escapes.
 */
import { WireError } from './errors.js';
import {
  ACK_KEYS,
  ALIVE_KEYS,
  ERR_KEYS,
  INDIRECT_KEYS,
  MAX_UINT16,
  MAX_UINT32,
  NACK_KEYS,
  PING_KEYS,
  SUSPECT_KEYS,
} from './keys.js';
import type { AckResp, Alive, ErrResp, IndirectPingReq, NackResp, Ping, Suspect } from './messages.js';
import { MessageType } from './messages.js';
import { Reader } from './msgpack.js';

const EMPTY: Uint8Array = new Uint8Array(0);

/** Starts a reader after the type byte, checking that the message has the expected type. */
export function bodyReader(msg: Uint8Array, type: number, name: string): Reader {
  if (msg.length === 0) throw new WireError('ERR_EMPTY', `empty ${name} message`);
  if (msg[0] !== type) {
    throw new WireError('ERR_UNKNOWN_TYPE', `expected ${name} (type ${type}), got type ${msg[0]}`);
  }
  return new Reader(msg, 1);
}

function nonEmpty(b: Uint8Array | null): Uint8Array | undefined {
  return b === null || b.length === 0 ? undefined : b;
}

/** Reads a `ping` body. */
export function readPing(r: Reader): Ping {
  let seqNo = 0;
  let node = '';
  let sourceAddr: Uint8Array | undefined;
  let sourcePort: number | undefined;
  let sourceNode: string | undefined;
  for (let n = r.mapLen(); n > 0; n--) {
    switch (r.key(PING_KEYS)) {
      case 0:
        node = r.str();
        break;
      case 1:
        seqNo = r.uint(MAX_UINT32);
        break;
      case 2:
        sourceAddr = nonEmpty(r.bytes());
        break;
      case 3:
        sourceNode = r.str() || undefined;
        break;
      case 4:
        sourcePort = r.uint(MAX_UINT16) || undefined;
        break;
      default:
        r.skip();
    }
  }
  return { seqNo, node, sourceAddr, sourcePort, sourceNode };
}

/** Reads an `indirectPingReq` body. */
export function readIndirectPing(r: Reader): IndirectPingReq {
  let seqNo = 0;
  let target = EMPTY;
  let port = 0;
  let node = '';
  let nack = false;
  let sourceAddr: Uint8Array | undefined;
  let sourcePort: number | undefined;
  let sourceNode: string | undefined;
  for (let n = r.mapLen(); n > 0; n--) {
    switch (r.key(INDIRECT_KEYS)) {
      case 0:
        nack = r.bool();
        break;
      case 1:
        node = r.str();
        break;
      case 2:
        port = r.uint(MAX_UINT16);
        break;
      case 3:
        seqNo = r.uint(MAX_UINT32);
        break;
      case 4:
        sourceAddr = nonEmpty(r.bytes());
        break;
      case 5:
        sourceNode = r.str() || undefined;
        break;
      case 6:
        sourcePort = r.uint(MAX_UINT16) || undefined;
        break;
      case 7:
        target = r.bytes() ?? EMPTY;
        break;
      default:
        r.skip();
    }
  }
  return { seqNo, target, port, node, nack, sourceAddr, sourcePort, sourceNode };
}

/** Reads an `ackResp` body. */
export function readAck(r: Reader): AckResp {
  let seqNo = 0;
  let payload: Uint8Array | null = null;
  for (let n = r.mapLen(); n > 0; n--) {
    switch (r.key(ACK_KEYS)) {
      case 0:
        payload = r.bytes();
        break;
      case 1:
        seqNo = r.uint(MAX_UINT32);
        break;
      default:
        r.skip();
    }
  }
  return { seqNo, payload };
}

/** Reads a `nackResp` body. */
export function readNack(r: Reader): NackResp {
  let seqNo = 0;
  for (let n = r.mapLen(); n > 0; n--) {
    if (r.key(NACK_KEYS) === 0) seqNo = r.uint(MAX_UINT32);
    else r.skip();
  }
  return { seqNo };
}

/** Reads an `errResp` body. */
export function readErr(r: Reader): ErrResp {
  let error = '';
  for (let n = r.mapLen(); n > 0; n--) {
    if (r.key(ERR_KEYS) === 0) error = r.str();
    else r.skip();
  }
  return { error };
}

/** Reads a `suspect` or `dead` body (same layout). */
export function readSuspect(r: Reader): Suspect {
  let incarnation = 0;
  let node = '';
  let from = '';
  for (let n = r.mapLen(); n > 0; n--) {
    switch (r.key(SUSPECT_KEYS)) {
      case 0:
        from = r.str();
        break;
      case 1:
        incarnation = r.uint(MAX_UINT32);
        break;
      case 2:
        node = r.str();
        break;
      default:
        r.skip();
    }
  }
  return { incarnation, node, from };
}

/** How decoders hand out byte fields. */
export interface DecodeOptions {
  /**
   * Return byte fields (addresses, metadata, versions, user payloads) as views into the input instead of copies.
   * Only for a caller that copies what it keeps, or owns the input buffer: a view held on to pins the whole input.
   * The engine decodes with views and copies what it keeps when it interns a member: the copies were a fifth of
   * everything a 1,024-node join storm allocated.
   */
  readonly views?: boolean;
}

/**
 * Reads an `alive` body. A missing or short `vsn` is returned as is; callers decide (HEAD ignores short ones).
 * Byte fields are copies unless `views` (see {@link DecodeOptions}).
 */
export function readAlive(r: Reader, views = false): Alive {
  let incarnation = 0;
  let node = '';
  let addr = EMPTY;
  let port = 0;
  let meta: Uint8Array | null = null;
  let vsn = EMPTY;
  for (let n = r.mapLen(); n > 0; n--) {
    switch (r.key(ALIVE_KEYS)) {
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
        node = r.str();
        break;
      case 4:
        port = r.uint(MAX_UINT16);
        break;
      case 5:
        vsn = r.bytesAs(!views) ?? EMPTY;
        break;
      default:
        r.skip();
    }
  }
  return { incarnation, node, addr, port, meta, vsn };
}

/** Decodes a whole `ping` message (type byte included). */
export function decodePing(msg: Uint8Array): Ping {
  return readPing(bodyReader(msg, MessageType.Ping, 'ping'));
}

/** Decodes a whole `indirectPingReq` message. */
export function decodeIndirectPing(msg: Uint8Array): IndirectPingReq {
  return readIndirectPing(bodyReader(msg, MessageType.IndirectPing, 'indirectPingReq'));
}

/** Decodes a whole `ackResp` message. */
export function decodeAck(msg: Uint8Array): AckResp {
  return readAck(bodyReader(msg, MessageType.Ack, 'ackResp'));
}

/** Decodes a whole `nackResp` message. */
export function decodeNack(msg: Uint8Array): NackResp {
  return readNack(bodyReader(msg, MessageType.Nack, 'nackResp'));
}

/** Decodes a whole `errResp` message. */
export function decodeErr(msg: Uint8Array): ErrResp {
  return readErr(bodyReader(msg, MessageType.Err, 'errResp'));
}

/** Decodes a whole `suspect` message. */
export function decodeSuspect(msg: Uint8Array): Suspect {
  return readSuspect(bodyReader(msg, MessageType.Suspect, 'suspect'));
}

/** Decodes a whole `dead` message. */
export function decodeDead(msg: Uint8Array): Suspect {
  return readSuspect(bodyReader(msg, MessageType.Dead, 'dead'));
}

/** Decodes a whole `alive` message. */
export function decodeAlive(msg: Uint8Array): Alive {
  return readAlive(bodyReader(msg, MessageType.Alive, 'alive'));
}
