/**
 * The agent's HTTP API and dashboard (node:http, no framework). Every API route lives under `/v1/` (the table is
 * in the package README); the dashboard's files are served at `/`. Each request goes through, in order:
 * the dashboard's files; the route table (404 for unknown paths, 405 with `Allow` for a wrong method); the
 * state-change guard (Host, Origin, token: see `guard.ts`) for anything but GET; then the handler.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { joinHostPort, splitHostPort } from 'gossip';
import type { Agent } from '../agent/agent.js';
import { DemoError } from '../errors.js';
import { dashboardAsset } from './assets.js';
import type { DemoControl } from './demo-control.js';
import { refuseStateChange } from './guard.js';
import { refuseRequest, sendError, sendText } from './respond.js';
import { DATA_ROUTES } from './routes-data.js';
import { DEMO_ROUTES } from './routes-demo.js';
import { operationRoutes } from './routes-ops.js';
import { type ApiContext, type Route, StreamSlots, matchRoute } from './router.js';
import { MAX_EVENT_STREAMS } from './sse.js';

export type { DemoControl, DemoNodeStatus } from './demo-control.js';

/** Every API route lives under this prefix; the dashboard's files are served outside it. */
export const API_PREFIX = '/v1';

/** Options of {@link HttpApi.listen}. */
export interface HttpApiOptions {
  /** Demo mode: the dashboard may kill and revive the in-process cluster's nodes. */
  readonly demo?: DemoControl;
  /** Token required (`Authorization: Bearer …`) by state-changing routes; none requires none. */
  readonly token?: string;
  /** Host names (besides loopback names and the agent's IPs) that state-changing requests may use. */
  readonly allowedHosts?: readonly string[];
  /** More routes; matched after the built-in ones. */
  readonly routes?: readonly Route[];
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
   * API requests get 503.
   */
  static async listen(address: string, agent: () => Agent | undefined, options: HttpApiOptions = {}): Promise<HttpApi> {
    const { host, port } = splitHostPort(address);
    const routes = [...DATA_ROUTES, ...DEMO_ROUTES, ...operationRoutes(), ...(options.routes ?? [])];
    const streams = new StreamSlots(MAX_EVENT_STREAMS);
    // Filled once the port is known (port 0 picks one); requests cannot arrive before.
    const ready: { api?: ApiContext } = {};
    const server = createServer((req, res) => {
      if (ready.api === undefined) return sendError(res, 503, 'ERR_UNAVAILABLE', 'the API is starting');
      void route(req, res, agent(), ready.api, routes).catch((err: unknown) => {
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
    const bound = joinHostPort(host, (server.address() as AddressInfo).port);
    const allowedHosts = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
    ready.api = { address: bound, demo: options.demo, token: options.token, allowedHosts, streams };
    return new HttpApi(server, bound);
  }

  /** Stops listening and drops open connections (event streams included). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

const READ_METHODS = new Set(['GET', 'HEAD']);

async function route(req: IncomingMessage, res: ServerResponse, agent: Agent | undefined, api: ApiContext, routes: readonly Route[]): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://agent.invalid');
  const fullPath = url.pathname;
  const method = req.method ?? 'GET';

  const asset = dashboardAsset(fullPath);
  if (asset !== undefined) {
    if (method !== 'GET') return refuseRequest(req, res, 405, 'ERR_METHOD', `${method} not allowed on ${fullPath}`, { allow: 'GET' });
    return sendText(res, 200, asset.body, asset.type);
  }
  if (!fullPath.startsWith(`${API_PREFIX}/`)) return refuseRequest(req, res, 404, 'ERR_NOT_FOUND', `no route for ${method} ${fullPath} (the API is under ${API_PREFIX}/)`);
  const match = matchRoute(routes, method, fullPath.slice(API_PREFIX.length));
  if (match.kind === 'none') return refuseRequest(req, res, 404, 'ERR_NOT_FOUND', `no route for ${method} ${fullPath}`);
  if (match.kind === 'method') return refuseRequest(req, res, 405, 'ERR_METHOD', `${method} not allowed on ${fullPath}`, { allow: match.allow });
  if (match.kind === 'bad-encoding') return refuseRequest(req, res, 400, 'ERR_KV_INVALID', 'path is not valid percent-encoded UTF-8');
  if (!READ_METHODS.has(method) || match.route.guardReads === true) {
    const refusal = refuseStateChange(req, api.address, api.token, api.allowedHosts);
    if (refusal !== undefined) return refuseRequest(req, res, refusal.status, refusal.code, refusal.message);
  }
  if (agent === undefined || agent.stopped) return refuseRequest(req, res, 503, 'ERR_UNAVAILABLE', 'the node is not running');
  return match.handler({ req, res, url, params: match.params, agent, api });
}
