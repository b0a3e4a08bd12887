/**
 * The API's route table: each route is a path pattern (under `/v1`) with one handler per method, so a known path
 * asked with another method answers 405 with `Allow`, and only unknown paths answer 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Agent } from '../agent/agent.js';
import type { DemoControl } from './demo-control.js';

/** What every handler may use besides the request. */
export interface ApiContext {
  /** The API's own `ip:port`. */
  readonly address: string;
  /** Demo mode, if any. */
  readonly demo: DemoControl | undefined;
  /** The API token for state-changing routes, if configured. */
  readonly token: string | undefined;
  /** Host names state-changing requests may use besides loopback names and the agent's IPs (lower case). */
  readonly allowedHosts: ReadonlySet<string>;
  /** Open streaming responses (events, monitor), capped. */
  readonly streams: StreamSlots;
}

/** Counts open streaming responses against a cap shared by every streaming route. */
export class StreamSlots {
  private open = 0;

  constructor(readonly max: number) {}

  /** Takes a slot for `res` until it closes; false when all are taken. */
  tryOpen(res: ServerResponse): boolean {
    if (this.open >= this.max) return false;
    this.open++;
    res.once('close', () => this.open--);
    return true;
  }

  /** Slots in use. */
  get inUse(): number {
    return this.open;
  }
}

/** One request as a handler sees it. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** The pattern's capture groups, percent-decoded. */
  readonly params: readonly string[];
  readonly agent: Agent;
  readonly api: ApiContext;
}

/** A route handler. */
export type Handler = (ctx: RequestContext) => Promise<void> | void;

/** A path and its handlers by method. */
export interface Route {
  /** Matched against the path after `/v1`, anchored. */
  readonly path: RegExp;
  /** Handlers by HTTP method (upper case). */
  readonly methods: Readonly<Record<string, Handler>>;
  /**
   * Whether GET on this route is guarded like a state change (Host, Origin, token): for reads that reveal
   * secrets (the keyring).
   */
  readonly guardReads?: boolean;
}

/** The outcome of matching a request against the table. */
export type Match =
  | { readonly kind: 'found'; readonly route: Route; readonly handler: Handler; readonly params: string[] }
  | { readonly kind: 'method'; readonly allow: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'bad-encoding' };

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Finds the handler for `method` on `path` (already stripped of `/v1`). */
export function matchRoute(routes: readonly Route[], method: string, path: string): Match {
  for (const route of routes) {
    const m = route.path.exec(path);
    if (m === null) continue;
    const handler = Object.hasOwn(route.methods, method) ? route.methods[method] : undefined;
    if (handler === undefined) return { kind: 'method', allow: Object.keys(route.methods).join(', ') };
    const params = m.slice(1).map((p) => decode(p ?? ''));
    if (params.some((p) => p === undefined)) return { kind: 'bad-encoding' };
    return { kind: 'found', route, handler, params: params as string[] };
  }
  return { kind: 'none' };
}
