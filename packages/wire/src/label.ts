/**
 * Label header `0xf4 | len | label` (HEAD ≥ v0.3.0, PROTOCOL.md §5.2): the outermost layer of packets and the first
 * bytes a dialer writes on a stream. Labels are 1-255 bytes; on the wire they are bytes, usually ASCII text.
 */
import { WireError } from './errors.js';
import { MessageType } from './messages.js';
import { allocOutput } from './pool.js';
import { utf8Decode, utf8Encode } from './utf8.js';

/** Largest label, in bytes. */
export const MAX_LABEL_LENGTH = 255;

function labelBytes(label: string | Uint8Array): Uint8Array {
  const bytes = typeof label === 'string' ? utf8Encode(label) : label;
  if (bytes.length === 0 || bytes.length > MAX_LABEL_LENGTH) {
    throw new WireError('ERR_LABEL', `label must be 1..${MAX_LABEL_LENGTH} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/** Prefixes `packet` with a label header. */
export function addLabel(packet: Uint8Array, label: string | Uint8Array): Uint8Array {
  const bytes = labelBytes(label);
  const out = allocOutput(2 + bytes.length + packet.length);
  out[0] = MessageType.HasLabel;
  out[1] = bytes.length;
  out.set(bytes, 2);
  out.set(packet, 2 + bytes.length);
  return out;
}

/** The label header alone, as a dialer writes it at the start of a stream. */
export function labelHeader(label: string | Uint8Array): Uint8Array {
  return addLabel(new Uint8Array(0), label);
}

/** Result of {@link stripLabel}. */
export interface StrippedLabel {
  /** The label as text, or `undefined` when the packet had no label header. */
  label: string | undefined;
  /** The label's raw bytes (the GCM additional data), empty when there was no header. */
  labelBytes: Uint8Array;
  /** The bytes after the header (a view into the input). */
  rest: Uint8Array;
}

const NO_LABEL = new Uint8Array(0);

/**
 * Splits off a label header if the input starts with `0xf4`. A zero length is `ERR_LABEL`; a header longer than
 * the input is `ERR_TRUNCATED` (on a stream: read more bytes).
 */
export function stripLabel(packet: Uint8Array): StrippedLabel {
  if (packet.length === 0 || packet[0] !== MessageType.HasLabel) {
    return { label: undefined, labelBytes: NO_LABEL, rest: packet };
  }
  if (packet.length < 2) throw new WireError('ERR_TRUNCATED', 'truncated input: label header');
  const n = packet[1]!;
  if (n === 0) throw new WireError('ERR_LABEL', 'label header with length 0');
  if (packet.length < 2 + n) throw new WireError('ERR_TRUNCATED', 'truncated input: label');
  return {
    label: utf8Decode(packet, 2, n),
    labelBytes: packet.subarray(2, 2 + n),
    rest: packet.subarray(2 + n),
  };
}
