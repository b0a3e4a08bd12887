/**
 * The agent's HTTP API and dashboard (node:http, no framework):
 *
 * | route | |
 * |---|---|
 * | `GET /v1/members` | members as this node sees them |
 * | `GET /v1/kv`, `GET/PUT/DELETE /v1/kv/:key` | the replicated store (PUT body = the value, UTF-8) |
 * | `GET /v1/events` | server-sent events: membership, key/value changes, demo narration |
 * | `GET /v1/health` | Lifeguard health score, member counts, store summary |
 * | `GET /v1/metrics` | Prometheus text format |
 * | `GET /v1/demo`, `POST /v1/demo/nodes/:name/kill\|revive` | demo mode only |
 * | `GET /` | the dashboard |
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { joinHostPort, splitHostPort } from 'gossip';
import type { Agent } from '../agent/agent.js';
import { memberToJson } from '../agent/member-json.js';
import { DemoError, isDemoError } from '../errors.js';
import { dashboardAsset } from './assets.js';
import { readBody, sendError, sendJson, sendText } from './respond.js';
import { serveEvents } from './sse.js';

/** One node of an in-process demo cluster, as `GET /demo` reports it. */
export interface DemoNodeStatus {
  readonly name: string;
  /** Whether the node is running (not killed). */
  readonly running: boolean;
  /** Gossip address `ip:port`. */
  readonly gossip: string;
  /** HTTP API address, while running. */
  readonly http?: string;
  /** Fingerprint of its replica (equal digests = same contents), while running. */
  readonly digest?: string;
  /** Live keys in its replica, while running. */
  readonly keys?: number;
  /** Its Lifeguard health score (0 is healthy), while running. */
  readonly healthScore?: number;
}

/** What the dashboard may do to an in-process demo cluster. */
export interface DemoControl {
  /** Every node of the demo. */
  status(): DemoNodeStatus[];
  /** Crashes a node: its sockets close without a leave message. */
  kill(name: string): Promise<void>;
  /** Restarts a killed node on the same address; it rejoins. */
  revive(name: string): Promise<void>;
}

/** Every API route lives under this prefix; the dashboard's files are served outside it. */
export const API_PREFIX = '/v1/';

/** Largest PUT body read (values are limited further by the store). */
const MAX_BODY_BYTES = 64 * 1024;
/** Most concurrent `/events` streams per agent. */
const MAX_EVENT_STREAMS = 32;

function memberCounts(agent: Agent): Record<'alive' | 'suspect' | 'dead' | 'left', number> {
  const counts = { alive: 0, suspect: 0, dead: 0, left: 0 };
  for (const m of agent.node.allMembers()) counts[m.state]++;
  return counts;
}

function metricsText(agent: Agent): string {
  const m = agent.metrics;
  m.setGauge(['gossip', 'health', 'score'], agent.node.healthScore());
  for (const [state, n] of Object.entries(memberCounts(agent))) m.setGauge(['gossip', 'members'], n, { state });
  m.setGauge(['gossip', 'kv', 'keys'], agent.store.size);
  m.setGauge(['gossip', 'kv', 'tombstones'], agent.store.tombstones);
  return m.toPrometheus();
}

/** The HTTP API of one agent. */
export class HttpApi {
  private constructor(
    private readonly server: Server,
    /** `ip:port` the API listens on. */
    readonly address: string,
  ) {}

  /**
   * Listens on `address` (`ip:port`, port 0 picks one). `agent` is read per request: until the node is up,
   * requests other than the dashboard get 503.
   */
  static async listen(address: string, agent: () => Agent | undefined, demo?: DemoControl): Promise<HttpApi> {
    const { host, port } = splitHostPort(address);
    const server = createServer((req, res) => {
      void route(req, res, agent(), demo).catch((err: unknown) => {
        if (!res.headersSent) sendError(res, 500, 'ERR_INTERNAL', err instanceof Error ? err.message : String(err));
        else res.destroy();
      });
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.message;
        reject(new DemoError('ERR_HTTP_LISTEN', `cannot serve HTTP on ${address}: ${why}`, { cause: err }));
      });
      server.listen(port, host, () => {
        server.removeAllListeners('error');
        // Accept failures after startup (e.g. out of file descriptors) must not crash the node.
        server.on('error', (err) => process.emitWarning(`HTTP API on ${address}: ${err.message}`));
        resolve();
      });
    });
    const bound = server.address() as AddressInfo;
    return new HttpApi(server, joinHostPort(host, bound.port));
  }

  /** Stops listening and drops open connections (event streams included). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function route(req: IncomingMessage, res: ServerResponse, agent: Agent | undefined, demo?: DemoControl): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://agent.invalid');
  const fullPath = url.pathname;
  const method = req.method ?? 'GET';

  const asset = method === 'GET' ? dashboardAsset(fullPath) : undefined;
  if (asset !== undefined) return sendText(res, 200, asset.body, asset.type);
  if (!fullPath.startsWith(API_PREFIX)) return sendError(res, 404, 'ERR_NOT_FOUND', `no route for ${method} ${fullPath} (the API is under ${API_PREFIX})`);
  const path = fullPath.slice(API_PREFIX.length - 1);
  if (agent === undefined || agent.stopped) return sendError(res, 503, 'ERR_UNAVAILABLE', 'the node is not running');

  if (path === '/members' && method === 'GET') {
    const all = url.searchParams.get('all') !== '0';
    const members = (all ? agent.node.allMembers() : agent.node.members()).map((m) => memberToJson(m));
    members.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
    return sendJson(res, 200, members);
  }
  if (path === '/health' && method === 'GET') {
    return sendJson(res, 200, {
      node: agent.name,
      healthScore: agent.node.healthScore(),
      members: memberCounts(agent),
      kv: {
        keys: agent.store.size,
        tombstones: agent.store.tombstones,
        digest: agent.store.digest(),
        maxEntries: agent.store.limits.maxEntries,
        maxReplicaEntries: agent.store.limits.maxReplicaEntries,
        refusedFull: agent.kvRefusedFull,
      },
      uptimeMs: Date.now() - agent.startedAt,
      demo: demo !== undefined,
    });
  }
  if (path === '/metrics' && method === 'GET') {
    return sendText(res, 200, metricsText(agent), 'text/plain; version=0.0.4; charset=utf-8');
  }
  if (path === '/events' && method === 'GET') {
    if (agent.feed.subscribers >= MAX_EVENT_STREAMS) return sendError(res, 503, 'ERR_BUSY', 'too many event streams');
    return serveEvents(req, res, agent.feed);
  }
  if (path === '/kv' && method === 'GET') {
    const items = agent.store.entries().map((r) => ({ key: r.key, value: r.value, stamp: r.stamp }));
    return sendJson(res, 200, { node: agent.name, digest: agent.store.digest(), items });
  }
  if (path.startsWith('/kv/')) {
    const key = decodePathSegment(path.slice(4));
    if (key === undefined) return sendError(res, 400, 'ERR_KV_INVALID', 'key is not valid percent-encoded UTF-8');
    return kvRoute(req, res, agent, key, method);
  }
  if (path === '/demo' || path.startsWith('/demo/')) return demoRoute(res, demo, path, method, agent.name);
  return sendError(res, 404, 'ERR_NOT_FOUND', `no route for ${method} ${fullPath}`);
}

function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

async function kvRoute(req: IncomingMessage, res: ServerResponse, agent: Agent, key: string, method: string): Promise<void> {
  try {
    if (method === 'GET') {
      const record = agent.store.get(key);
      if (record === undefined) return sendError(res, 404, 'ERR_NOT_FOUND', `no key ${JSON.stringify(key)}`);
      return sendJson(res, 200, { key, value: record.value, stamp: record.stamp });
    }
    if (method === 'PUT') {
      const record = agent.store.set(key, await readBody(req, MAX_BODY_BYTES));
      return sendJson(res, 200, { key, value: record.value, stamp: record.stamp });
    }
    if (method === 'DELETE') {
      const record = agent.store.delete(key);
      if (record === undefined) return sendError(res, 404, 'ERR_NOT_FOUND', `no key ${JSON.stringify(key)}`);
      return sendJson(res, 200, { key, deleted: true, stamp: record.stamp });
    }
    res.setHeader('allow', 'GET, PUT, DELETE');
    return sendError(res, 405, 'ERR_METHOD', `${method} not allowed on /kv/:key`);
  } catch (err) {
    if (isDemoError(err, 'ERR_KV_INVALID')) return sendError(res, 400, err.code, err.message);
    if (isDemoError(err, 'ERR_KV_FULL')) return sendError(res, 507, err.code, err.message);
    if (isDemoError(err, 'ERR_HTTP_TOO_LARGE')) return sendError(res, 413, err.code, err.message);
    throw err;
  }
}

async function demoRoute(
  res: ServerResponse,
  demo: DemoControl | undefined,
  path: string,
  method: string,
  self: string,
): Promise<void> {
  if (demo === undefined) return sendError(res, 404, 'ERR_NOT_DEMO', 'not running in demo mode (gossip demo)');
  if (path === '/demo' && method === 'GET') return sendJson(res, 200, { nodes: demo.status() });
  const match = /^\/demo\/nodes\/([^/]+)\/(kill|revive)$/.exec(path);
  if (match === null || method !== 'POST') return sendError(res, 404, 'ERR_NOT_FOUND', `no route for ${method} /v1${path}`);
  const name = decodePathSegment(match[1] ?? '') ?? '';
  if (name === self && match[2] === 'kill') {
    return sendError(res, 409, 'ERR_DEMO_NODE', `${self} serves this API; kill it from another node's dashboard`);
  }
  try {
    await (match[2] === 'kill' ? demo.kill(name) : demo.revive(name));
    return sendJson(res, 200, { nodes: demo.status() });
  } catch (err) {
    if (isDemoError(err, 'ERR_DEMO_NODE')) return sendError(res, 409, err.code, err.message);
    throw err instanceof Error ? err : new DemoError('ERR_DEMO_NODE', String(err));
  }
}
