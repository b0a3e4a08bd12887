/**
 * Cluster labels as GCM additional data. memberlist HEAD (v0.3.0+) authenticates a non-empty `Config.Label` in
 * every encrypted packet and stream; the label header itself (`0xf4 len label`) is framing and belongs to
 * `@gossip/wire`.
 */
import { MAX_LABEL_LENGTH } from '@gossip/wire';
import { KeyringError } from './errors.js';

const utf8 = new TextEncoder();

/** A label as text (encoded UTF-8, like Go's `[]byte(label)`) or as raw bytes. */
export type Label = string | Uint8Array;

/**
 * The label's bytes; empty for no label.
 * @throws KeyringError `ERR_LABEL_SIZE` beyond 255 bytes
 */
export function labelBytes(label: Label | undefined): Uint8Array {
  if (label === undefined) return EMPTY;
  const bytes = typeof label === 'string' ? utf8.encode(label) : label;
  if (bytes.length > MAX_LABEL_LENGTH) {
    throw new KeyringError('ERR_LABEL_SIZE', `a label is at most ${MAX_LABEL_LENGTH} bytes, got ${bytes.length}`);
  }
  return bytes;
}

const EMPTY = new Uint8Array(0);
