/**
 * Cluster operations an agent performs on its peers' behalf: forcing a failed member out (`gossip force-leave`)
 * and rotating the encryption keys (`gossip keys install|use|remove`). memberlist has neither across a cluster,
 * so the agent that receives the API call applies the operation to itself and sends it to every live member as
 * a reliable user message (TCP, encrypted like all traffic of an encrypted cluster); each agent applies what it
 * receives. The caller gets one result per member; each agent's metadata carries the fingerprints of its keys,
 * so `gossip keys list` shows how far a rotation has reached. Go memberlist peers ignore these messages.
 *
 * Wire format: type byte {@link CONTROL_MESSAGE}, then UTF-8 JSON, at most {@link MAX_CONTROL_BYTES}.
 */
import { createHash } from 'node:crypto';
import { DemoError } from '../errors.js';

/** Type byte of a control message (the key/value store uses 0x01 and 0x02). */
export const CONTROL_MESSAGE = 0x10;
/** Largest control message decoded. */
export const MAX_CONTROL_BYTES = 4096;

/** An operation sent to every agent. */
export type ControlOp =
  | { readonly op: 'force-leave'; readonly node: string; readonly incarnation: number }
  | { readonly op: 'key-install' | 'key-use' | 'key-remove'; readonly key: string };

const KEY_OPS = new Set(['key-install', 'key-use', 'key-remove']);

/** Encodes `op` for the wire. */
export function encodeControl(op: ControlOp): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(op));
  const out = new Uint8Array(json.length + 1);
  out[0] = CONTROL_MESSAGE;
  out.set(json, 1);
  return out;
}

/** Decodes a control message; throws `ERR_KV_DECODE`-like `ERR_AGENT_OP` on anything malformed. */
export function decodeControl(bytes: Uint8Array): ControlOp {
  const fail = (why: string): never => {
    throw new DemoError('ERR_AGENT_OP', `malformed control message: ${why}`);
  };
  if (bytes.length > MAX_CONTROL_BYTES) fail(`${bytes.length} bytes exceeds ${MAX_CONTROL_BYTES}`);
  if (bytes[0] !== CONTROL_MESSAGE) fail('wrong type byte');
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(1)));
  } catch {
    return fail('not UTF-8 JSON');
  }
  if (typeof v !== 'object' || v === null) return fail('not an object');
  const o = v as Record<string, unknown>;
  if (o.op === 'force-leave') {
    if (typeof o.node !== 'string' || o.node.length === 0 || o.node.length > 512) fail('bad node');
    if (typeof o.incarnation !== 'number' || !Number.isSafeInteger(o.incarnation) || o.incarnation < 0) fail('bad incarnation');
    return { op: 'force-leave', node: o.node as string, incarnation: o.incarnation as number };
  }
  if (typeof o.op === 'string' && KEY_OPS.has(o.op)) {
    if (typeof o.key !== 'string' || o.key.length > 64) fail('bad key');
    return { op: o.op as 'key-install', key: o.key as string };
  }
  return fail(`unknown op ${JSON.stringify(o.op)}`);
}

/**
 * A key's public fingerprint: the first 8 hex digits of its SHA-256. Shown by `gossip keys list` and carried in
 * agent metadata; it identifies a key without revealing it.
 */
export function keyFingerprint(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** The outcome of an operation on one member. */
export interface OpResult {
  readonly node: string;
  readonly ok: boolean;
  /** The member runs no agent, so nothing was sent to it. */
  readonly skipped?: boolean;
  readonly error?: string;
}
