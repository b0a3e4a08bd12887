/** The JSON shape of a member in the HTTP API and the event feed. */
import type { Member, MemberState } from 'gossip';

/** A member as the HTTP API returns it. */
export interface MemberJson {
  readonly name: string;
  readonly addr: string;
  readonly port: number;
  readonly state: MemberState;
  readonly incarnation: number;
  /** Metadata as UTF-8 text when it is valid UTF-8, else base64 (see `metaEncoding`). */
  readonly meta: string;
  readonly metaEncoding: 'utf8' | 'base64';
  /** How long ago this node saw the member enter its current state (ms). */
  readonly stateAgeMs: number;
  /** The member's HTTP API address, when it is a `gossip agent` that advertised one in its metadata. */
  readonly http?: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** What a `gossip agent` puts in its node metadata. */
export interface AgentMeta {
  /** `host:port` of its HTTP API. */
  http?: string;
}

/** Encodes agent metadata (small JSON, well under memberlist's 512-byte limit). */
export function encodeAgentMeta(meta: AgentMeta): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(meta));
}

function agentHttp(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) {
      const http = (parsed as AgentMeta).http;
      if (typeof http === 'string' && http.length <= 64) return http;
    }
  } catch {
    // Not ours (e.g. a Go memberlist node with binary metadata): nothing to show.
  }
  return undefined;
}

/**
 * Converts a member snapshot to its JSON form. `now` is the node's clock (`createNode` uses the system clock,
 * `performance.now()`), the time line `stateChangedAt` is on.
 */
export function memberToJson(m: Member, now: number = performance.now()): MemberJson {
  let meta: string;
  let metaEncoding: 'utf8' | 'base64' = 'utf8';
  try {
    meta = strictUtf8.decode(m.meta);
  } catch {
    meta = Buffer.from(m.meta).toString('base64');
    metaEncoding = 'base64';
  }
  const http = metaEncoding === 'utf8' ? agentHttp(meta) : undefined;
  return {
    name: m.name,
    addr: m.addr,
    port: m.port,
    state: m.state,
    incarnation: m.incarnation,
    meta,
    metaEncoding,
    stateAgeMs: Math.max(0, Math.round(now - m.stateChangedAt)),
    ...(http ? { http } : {}),
  };
}
