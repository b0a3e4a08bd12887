/**
 * The slice of msgpack memberlist uses, written for its fixed struct shapes (PROTOCOL.md §3): {@link Writer} encodes
 * byte-identically to go-msgpack, {@link Reader} decodes whatever Go accepts.
 */
export { Writer, mapKey } from './msgpack-writer.js';
export type { IntEncoding } from './msgpack-writer.js';
export { Reader } from './msgpack-reader.js';
