/**
 * Wire format of the key/value replication, carried inside memberlist user messages (broadcasts) and push/pull
 * user state. One type byte, then UTF-8 JSON (human-readable in a packet capture, like memberlist's classic
 * example). Everything remote is validated against the store's limits before it is used; anything malformed
 * is refused with `ERR_KV_DECODE`.
 */
import { DemoError } from '../errors.js';
import type { KvLimits, KvRecord } from './store.js';

/** Type byte of a single-record message (a set or a delete). */
export const RECORD_MESSAGE = 0x01;
/** Type byte of a full-replica message (push/pull state). */
export const STATE_MESSAGE = 0x02;
/** Longest node name accepted inside a stamp (bytes). */
export const MAX_NODE_NAME_BYTES = 255;
/** Largest single-record message decoded; memberlist user broadcasts ride UDP packets. */
export const MAX_RECORD_MESSAGE_BYTES = 64 * 1024;
/** Largest state message decoded (the engine bounds push/pull user state too). */
export const MAX_STATE_MESSAGE_BYTES = 16 * 1024 * 1024;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

type RecordTuple = [string, string | null, number, number, string];

function toTuple(r: KvRecord): RecordTuple {
  return [r.key, r.value, r.stamp.wall, r.stamp.logical, r.stamp.node];
}

function frame(type: number, body: unknown): Uint8Array {
  const json = utf8.encode(JSON.stringify(body));
  const out = new Uint8Array(json.length + 1);
  out[0] = type;
  out.set(json, 1);
  return out;
}

/** Encodes one record as a broadcast payload. */
export function encodeRecord(record: KvRecord): Uint8Array {
  return frame(RECORD_MESSAGE, toTuple(record));
}

/** Encodes a whole replica (tombstones included) as push/pull state. */
export function encodeState(records: readonly KvRecord[]): Uint8Array {
  return frame(STATE_MESSAGE, { v: 1, records: records.map(toTuple) });
}

function fail(message: string, cause?: unknown): never {
  throw new DemoError('ERR_KV_DECODE', message, { cause });
}

function parse(bytes: Uint8Array, type: number, max: number): unknown {
  if (bytes.length > max) fail(`message of ${bytes.length} bytes exceeds ${max}`);
  if (bytes.length < 2) fail('message too short');
  if (bytes[0] !== type) fail(`unexpected message type ${bytes[0]}`);
  try {
    return JSON.parse(strictUtf8.decode(bytes.subarray(1))) as unknown;
  } catch (err) {
    return fail('message is not valid UTF-8 JSON', err);
  }
}

function byteLength(s: string): number {
  return utf8.encode(s).length;
}

function toRecord(raw: unknown, limits: KvLimits): KvRecord {
  if (!Array.isArray(raw) || raw.length !== 5) fail('record must be a 5-element array');
  const [key, value, wall, logical, node] = raw as unknown[];
  if (typeof key !== 'string' || key.length === 0 || byteLength(key) > limits.maxKeyBytes) fail('bad key');
  if (value !== null && (typeof value !== 'string' || byteLength(value) > limits.maxValueBytes)) fail('bad value');
  if (typeof wall !== 'number' || !Number.isSafeInteger(wall) || wall < 0) fail('bad stamp time');
  if (typeof logical !== 'number' || !Number.isSafeInteger(logical) || logical < 0) fail('bad stamp counter');
  if (typeof node !== 'string' || node.length === 0 || byteLength(node) > MAX_NODE_NAME_BYTES) fail('bad stamp node');
  return { key, value, stamp: { wall, logical, node } };
}

/** Decodes a broadcast payload; throws `ERR_KV_DECODE` on anything malformed or over `limits`. */
export function decodeRecord(bytes: Uint8Array, limits: KvLimits): KvRecord {
  return toRecord(parse(bytes, RECORD_MESSAGE, MAX_RECORD_MESSAGE_BYTES), limits);
}

/** Decodes push/pull state; throws `ERR_KV_DECODE` on anything malformed, or on more records than `maxReplicaEntries`. */
export function decodeState(bytes: Uint8Array, limits: KvLimits): KvRecord[] {
  const body = parse(bytes, STATE_MESSAGE, MAX_STATE_MESSAGE_BYTES);
  if (typeof body !== 'object' || body === null) fail('state must be an object');
  const { v, records } = body as { v?: unknown; records?: unknown };
  if (v !== 1) fail(`unsupported state version ${String(v)}`);
  if (!Array.isArray(records)) fail('state records must be an array');
  if (records.length > limits.maxReplicaEntries) fail(`state of ${records.length} records exceeds ${limits.maxReplicaEntries}`);
  return records.map((r) => toRecord(r, limits));
}
