/**
 * The JSON shape of a member in the HTTP API and the event feed, and the agent's node metadata: a small JSON
 * object (`{"http":…,"tags":{…},"keys":[…]}`) that Go memberlist peers see as plain bytes, within memberlist's
 * 512-byte metadata limit.
 */
import { type Member, type MemberState } from 'gossip';
import { DemoError } from '../errors.js';

/** A member as the HTTP API returns it. */
export interface MemberJson {
  readonly name: string;
  readonly addr: string;
  readonly port: number;
  /** As this node sees it; `left` also when an operator forced a failed member out (`gossip force-leave`). */
  readonly state: MemberState;
  readonly incarnation: number;
  /** Metadata as UTF-8 text when it is valid UTF-8, else base64 (see `metaEncoding`). */
  readonly meta: string;
  readonly metaEncoding: 'utf8' | 'base64';
  /** How long ago this node saw the member enter its current state (ms). */
  readonly stateAgeMs: number;
  /** The member's HTTP API address, when it is a `gossip agent` that advertised one in its metadata. */
  readonly http?: string;
  /** The member's tags (`gossip agent --tag k=v`); `{}` for members without agent metadata. */
  readonly tags: Readonly<Record<string, string>>;
  /** Round-trip time of this node's last successful probe of the member (ms), once there was one. */
  readonly rttMs?: number;
  /** How long ago that probe was (ms). */
  readonly probedAgoMs?: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** memberlist's `MetaMaxSize`: the most metadata bytes a node may advertise. */
export const META_MAX_BYTES = 512;

/** What a `gossip agent` puts in its node metadata. */
export interface AgentMeta {
  /** `host:port` of its HTTP API. */
  http?: string;
  /** Operator tags. */
  tags?: Record<string, string>;
  /** Fingerprints of its keyring's keys, primary first (see `keyFingerprint`), for `gossip keys list`. */
  keys?: string[];
}

/**
 * Encodes agent metadata. Throws `ERR_USAGE` past {@link META_MAX_BYTES}, saying how many bytes the tags take,
 * since tags are what an operator controls.
 */
export function encodeAgentMeta(meta: AgentMeta): Uint8Array {
  const bytes = new TextEncoder().encode(JSON.stringify(meta));
  if (bytes.length > META_MAX_BYTES) {
    const tagBytes = new TextEncoder().encode(JSON.stringify(meta.tags ?? {})).length;
    throw new DemoError('ERR_USAGE', `node metadata would be ${bytes.length} bytes, over memberlist's ${META_MAX_BYTES}-byte limit (tags take ${tagBytes}): use fewer or shorter tags`);
  }
  return bytes;
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

/** Decodes agent metadata from a member's metadata text; fields that are not ours are left out. */
export function decodeAgentMeta(text: string): AgentMeta {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {}; // Not ours (e.g. a Go memberlist node's own metadata).
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { http, tags, keys } = parsed as Record<string, unknown>;
  const out: AgentMeta = {};
  if (typeof http === 'string' && http.length <= 64) out.http = http;
  if (isStringRecord(tags)) out.tags = tags;
  if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) out.keys = keys;
  return out;
}

/** A member's metadata as text, or base64 when it is not UTF-8. */
export function metaText(meta: Uint8Array): { meta: string; metaEncoding: 'utf8' | 'base64' } {
  try {
    return { meta: strictUtf8.decode(meta), metaEncoding: 'utf8' };
  } catch {
    return { meta: Buffer.from(meta).toString('base64'), metaEncoding: 'base64' };
  }
}

/**
 * Converts a member snapshot to its JSON form. `now` is the node's clock (`createNode` uses the system clock,
 * `performance.now()`), the time line `stateChangedAt` is on. `forcedLeft` reports a failed member an operator
 * forced out as `left`.
 */
export function memberToJson(m: Member, now: number = performance.now(), forcedLeft = false): MemberJson {
  const text = metaText(m.meta);
  const agent = text.metaEncoding === 'utf8' ? decodeAgentMeta(text.meta) : {};
  return {
    name: m.name,
    addr: m.addr,
    port: m.port,
    state: forcedLeft && m.state === 'dead' ? 'left' : m.state,
    incarnation: m.incarnation,
    ...text,
    stateAgeMs: Math.max(0, Math.round(now - m.stateChangedAt)),
    ...(agent.http ? { http: agent.http } : {}),
    tags: agent.tags ?? {},
  };
}
