/**
 * The packet receive path after label stripping and decryption (PROTOCOL.md §5.1 receiver steps 3-4): an optional
 * outermost CRC wrapper, then compound and compress wrappers in any nesting, flattened to single messages.
 */
import { decodeCompound } from './compound.js';
import { decodeCompress } from './compress.js';
import { unwrapCrc } from './crc32.js';
import { WireError } from './errors.js';
import type { WireLimits } from './limits.js';
import { resolveLimits } from './limits.js';
import { MessageType } from './messages.js';

/** Result of {@link unwrapPacket}. */
export interface UnwrappedPacket {
  /** Individual messages in packet order, each starting with its type byte (views or decompressed copies). */
  messages: Uint8Array[];
  /** Problems confined to one part of a compound (truncated parts, an empty or undecompressable part, ...). */
  errors: WireError[];
  /** Whether the packet carried a (valid) CRC wrapper. */
  crc: boolean;
}

interface UnwrapState {
  messages: Uint8Array[];
  errors: WireError[];
  /** Decompressed bytes still allowed; 0 once a decompression failed, so a packet pays for at most one bomb. */
  budget: number;
  maxDepth: number;
  maxMessages: number;
  /** Set once maxMessages was passed (reported once): the rest of the packet is skipped unread. */
  overflowed: boolean;
}

/**
 * Flattens a plaintext packet into its messages. Failures of the packet as a whole (empty, bad CRC, a broken
 * outermost compound or compress) throw a WireError, as Go drops such packets; failures inside one compound
 * part are collected in `errors` and the other parts are still returned, as Go handles parts independently.
 * Nesting depth, total decompressed bytes and message count are bounded by `limits`. The decompression budget is
 * `min(maxDatagramDecompressedBytes, maxDecompressedBytes)` for the whole packet, and a failed decompression
 * (too large, invalid LZW) uses up what is left of it: further compressed parts of the same packet then fail at
 * once with `ERR_TOO_LARGE`, so no arrangement of wrappers makes one packet inflate more than one budget's worth.
 */
export function unwrapPacket(packet: Uint8Array, limits?: WireLimits): UnwrappedPacket {
  const l = resolveLimits(limits);
  if (packet.length === 0) throw new WireError('ERR_EMPTY', 'empty packet');
  let body = packet;
  let crc = false;
  if (packet[0] === MessageType.HasCrc) {
    body = unwrapCrc(packet);
    crc = true;
  }
  const state: UnwrapState = {
    messages: [],
    errors: [],
    budget: Math.min(l.maxDatagramDecompressedBytes, l.maxDecompressedBytes),
    maxDepth: l.maxNestingDepth,
    maxMessages: l.maxMessages,
    overflowed: false,
  };
  expand(body, 0, state);
  return { messages: state.messages, errors: state.errors, crc };
}

function expand(msg: Uint8Array, depth: number, st: UnwrapState): void {
  if (st.overflowed) return;
  if (msg.length === 0) throw new WireError('ERR_EMPTY', 'empty message');
  const type = msg[0]!;
  if (type === MessageType.Compound || type === MessageType.Compress) {
    if (depth >= st.maxDepth) {
      throw new WireError('ERR_MALFORMED', `compound/compress nesting deeper than ${st.maxDepth}`);
    }
  }
  if (type === MessageType.Compound) {
    const { parts, truncated } = decodeCompound(msg);
    for (const part of parts) {
      try {
        expand(part, depth + 1, st);
      } catch (err) {
        if (!(err instanceof WireError)) throw err;
        st.errors.push(err);
        // Past maxMessages nothing more can be kept; past the budget, uncompressed parts still can.
        if (st.overflowed) return;
      }
    }
    if (truncated > 0) {
      st.errors.push(new WireError('ERR_TRUNCATED', `compound message truncated: ${truncated} part(s) lost`));
    }
    return;
  }
  if (type === MessageType.Compress) {
    let inner: Uint8Array;
    try {
      inner = decodeCompress(msg, st.budget);
    } catch (err) {
      // The work was done up to the failure (possibly the whole budget): charge all of it.
      st.budget = 0;
      throw err;
    }
    st.budget -= inner.length;
    expand(inner, depth + 1, st);
    return;
  }
  if (st.messages.length >= st.maxMessages) {
    st.overflowed = true;
    throw new WireError('ERR_TOO_LARGE', `packet holds more than ${st.maxMessages} messages`);
  }
  st.messages.push(msg);
}
