/**
 * Conversions between @gossip/wire's message objects and the JSON encoding/json produces for the Go structs in
 * tooling/wire-check (Go field names; []byte as base64, nil as null).
 */
import type { AckResp, Alive, ErrResp, IndirectPingReq, NackResp, Ping, PushNodeState, PushPull, Suspect } from '../../src/index.js';

type Json = Record<string, unknown>;

const b64 = (b: Uint8Array | null | undefined): string | null => (b === null || b === undefined ? null : Buffer.from(b).toString('base64'));
const bytes = (v: unknown): Uint8Array | null => (v === null || v === undefined ? null : new Uint8Array(Buffer.from(v as string, 'base64')));
const orEmpty = (v: unknown): Uint8Array => bytes(v) ?? new Uint8Array(0);
const nonEmpty = (v: unknown): Uint8Array | undefined => {
  const b = bytes(v);
  return b === null || b.length === 0 ? undefined : b;
};

/** Message kinds wire-check knows. */
export type GoKind = 'ping' | 'indirect' | 'ack' | 'nack' | 'err' | 'suspect' | 'alive' | 'dead';

/** A TS message as Go JSON. */
export function toGo(kind: GoKind, v: unknown): Json {
  switch (kind) {
    case 'ping': {
      const p = v as Ping;
      return { SeqNo: p.seqNo, Node: p.node, SourceAddr: b64(p.sourceAddr), SourcePort: p.sourcePort ?? 0, SourceNode: p.sourceNode ?? '' };
    }
    case 'indirect': {
      const p = v as IndirectPingReq;
      return {
        SeqNo: p.seqNo,
        Target: b64(p.target),
        Port: p.port,
        Node: p.node,
        Nack: p.nack,
        SourceAddr: b64(p.sourceAddr),
        SourcePort: p.sourcePort ?? 0,
        SourceNode: p.sourceNode ?? '',
      };
    }
    case 'ack': {
      const a = v as AckResp;
      return { SeqNo: a.seqNo, Payload: b64(a.payload) };
    }
    case 'nack':
      return { SeqNo: (v as NackResp).seqNo };
    case 'err':
      return { Error: (v as ErrResp).error };
    case 'suspect':
    case 'dead': {
      const s = v as Suspect;
      return { Incarnation: s.incarnation, Node: s.node, From: s.from };
    }
    case 'alive': {
      const a = v as Alive;
      return { Incarnation: a.incarnation, Node: a.node, Addr: b64(a.addr), Port: a.port, Meta: b64(a.meta), Vsn: b64(a.vsn) };
    }
  }
}

/** Go JSON of a message, as @gossip/wire's decoder represents it. */
export function fromGo(kind: GoKind, g: Json): unknown {
  switch (kind) {
    case 'ping':
      return {
        seqNo: g.SeqNo,
        node: g.Node,
        sourceAddr: nonEmpty(g.SourceAddr),
        sourcePort: (g.SourcePort as number) || undefined,
        sourceNode: (g.SourceNode as string) || undefined,
      };
    case 'indirect':
      return {
        seqNo: g.SeqNo,
        target: orEmpty(g.Target),
        port: g.Port,
        node: g.Node,
        nack: g.Nack,
        sourceAddr: nonEmpty(g.SourceAddr),
        sourcePort: (g.SourcePort as number) || undefined,
        sourceNode: (g.SourceNode as string) || undefined,
      };
    case 'ack':
      return { seqNo: g.SeqNo, payload: bytes(g.Payload) };
    case 'nack':
      return { seqNo: g.SeqNo };
    case 'err':
      return { error: g.Error };
    case 'suspect':
    case 'dead':
      return { incarnation: g.Incarnation, node: g.Node, from: g.From };
    case 'alive':
      return { incarnation: g.Incarnation, node: g.Node, addr: orEmpty(g.Addr), port: g.Port, meta: bytes(g.Meta), vsn: orEmpty(g.Vsn) };
  }
}

/** A TS message normalised the way decoding presents it (empty optional fields become undefined). */
export function normalise(kind: GoKind, v: unknown): unknown {
  return fromGo(kind, toGo(kind, v));
}

function stateToGo(s: PushNodeState): Json {
  return { Name: s.name, Addr: b64(s.addr), Port: s.port, Meta: b64(s.meta), Incarnation: s.incarnation, State: s.state, Vsn: b64(s.vsn) };
}

/** A push/pull as wire-check's JSON shape. */
export function pushPullToGo(pp: PushPull): Json {
  return { Header: { Join: pp.join }, States: pp.states.map(stateToGo), UserState: b64(pp.userState) };
}

/** wire-check's push/pull JSON as @gossip/wire decodes it. */
export function pushPullFromGo(g: Json): PushPull {
  const header = g.Header as Json;
  return {
    join: header.Join as boolean,
    states: (g.States as Json[]).map((s) => ({
      name: s.Name as string,
      addr: orEmpty(s.Addr),
      port: s.Port as number,
      meta: bytes(s.Meta),
      incarnation: s.Incarnation as number,
      state: s.State as number,
      vsn: orEmpty(s.Vsn),
    })),
    userState: orEmpty(g.UserState),
  };
}

/**
 * go-msgpack decodes an empty raw string into a nil []byte, so after a trip through Go an empty `meta` or
 * `payload` reads back as nil; Go treats both alike. Maps both to `null` for comparisons across the boundary.
 */
export function emptyAsNil<T>(v: T): T {
  if (Array.isArray(v)) return v.map(emptyAsNil) as T;
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = (k === 'meta' || k === 'payload') && x instanceof Uint8Array && x.length === 0 ? null : emptyAsNil(x);
  }
  return out as T;
}
