/**
 * Routes behind the CLI's cluster commands: info, join, leave, force-leave, keys and monitor. Everything but the
 * GETs of info and monitor changes state (or, for the keyring, reveals secrets) and goes through the guard.
 */
import type { ServerResponse } from 'node:http';
import { type LogRecord, LOG_LEVELS, type CliLogLevel } from '../agent/logger.js';
import { decodeAgentMeta, metaText } from '../agent/member-json.js';
import { type KeyAction, forceLeave, isKeyError, listKeys, rotateKey } from '../agent/operations.js';
import { isDemoError } from '../errors.js';
import { VERSION } from '../version.js';
import { readJsonObject, sendError, sendErrorAndClose, sendJson } from './respond.js';
import type { RequestContext, Route } from './router.js';
import { kvSummary, memberCounts } from './routes-data.js';
import { MAX_EVENT_STREAMS, SSE_HEARTBEAT_MS } from './sse.js';

/** Largest JSON body of an operation. */
const MAX_OP_BODY_BYTES = 16 * 1024;
/** Most seeds one join request may name. */
const MAX_JOIN_SEEDS = 64;

/** Maps an operation's typed failures to HTTP answers. */
async function op(ctx: RequestContext, run: () => Promise<void> | void): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (isDemoError(err, 'ERR_HTTP_TOO_LARGE')) return sendErrorAndClose(ctx.req, ctx.res, 413, err.code, err.message);
    if (isDemoError(err, 'ERR_HTTP_BAD_REQUEST')) return sendError(ctx.res, 400, err.code, err.message);
    if (isDemoError(err, 'ERR_AGENT_OP')) return sendError(ctx.res, 409, err.code, err.message);
    if (isKeyError(err)) return sendError(ctx.res, 400, 'ERR_AGENT_OP', (err as Error).message);
    throw err;
  }
}

/** Counters and gauges from the Prometheus text, as `{ "name{labels}": value }`. */
function metricValues(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^([^#\s][^\s]*)\s+(\S+)$/.exec(line);
    if (m !== null && m[1] !== undefined) out[m[1]] = Number(m[2]);
  }
  return out;
}

function info({ res, agent }: RequestContext): void {
  const self = agent.node.localNode();
  sendJson(res, 200, {
    version: VERSION,
    node: { ...agent.memberJson(self), address: self.address },
    config: agent.options.config ?? {},
    encrypted: agent.keyring !== undefined,
    healthScore: agent.node.healthScore(),
    members: memberCounts(agent),
    kv: kvSummary(agent),
    uptimeMs: Date.now() - agent.startedAt,
    metrics: metricValues(agent.metrics.toPrometheus()),
  });
}

async function join(ctx: RequestContext): Promise<void> {
  await op(ctx, async () => {
    const body = await readJsonObject(ctx.req, MAX_OP_BODY_BYTES);
    const addrs = body.addrs;
    if (!Array.isArray(addrs) || addrs.length === 0 || addrs.length > MAX_JOIN_SEEDS || !addrs.every((a) => typeof a === 'string' && /^\S{1,300}$/.test(a))) {
      return sendError(ctx.res, 400, 'ERR_HTTP_BAD_REQUEST', `body must be { "addrs": ["host:port", ...] } with 1 to ${MAX_JOIN_SEEDS} addresses`);
    }
    try {
      const joined = await ctx.agent.join(addrs as string[]);
      sendJson(ctx.res, 200, { joined });
    } catch (err) {
      sendError(ctx.res, 502, 'ERR_AGENT_OP', `no seed answered: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}

function leave({ res, agent }: RequestContext): void {
  sendJson(res, 200, { leaving: true, node: agent.name });
  // Answer first: the command then leaves the cluster gracefully and exits, closing this API.
  res.once('finish', () => agent.requestStop('leave requested over the HTTP API'));
}

async function forceLeaveRoute(ctx: RequestContext): Promise<void> {
  await op(ctx, async () => sendJson(ctx.res, 200, { results: await forceLeave(ctx.agent, ctx.params[0] ?? '') }));
}

function keys(ctx: RequestContext): Promise<void> {
  return op(ctx, () => {
    const members = ctx.agent.node.members().map((m) => {
      const text = metaText(m.meta);
      return { name: m.name, keys: text.metaEncoding === 'utf8' ? decodeAgentMeta(text.meta).keys : undefined };
    });
    sendJson(ctx.res, 200, listKeys(ctx.agent, members));
  });
}

async function keyAction(ctx: RequestContext): Promise<void> {
  await op(ctx, async () => {
    const body = await readJsonObject(ctx.req, MAX_OP_BODY_BYTES);
    if (typeof body.key !== 'string') return sendError(ctx.res, 400, 'ERR_HTTP_BAD_REQUEST', 'body must be { "key": "<base64>" }');
    sendJson(ctx.res, 200, { results: await rotateKey(ctx.agent, ctx.params[0] as KeyAction, body.key) });
  });
}

function writeSse(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function monitor({ req, res, url, agent, api }: RequestContext): void {
  const level = url.searchParams.get('level') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) return sendError(res, 400, 'ERR_HTTP_BAD_REQUEST', `level must be one of ${LOG_LEVELS.join(', ')}`);
  if (!api.streams.tryOpen(res)) return sendError(res, 503, 'ERR_BUSY', `too many streams (at most ${MAX_EVENT_STREAMS})`);
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
  res.write(': monitoring\n\n');
  const offLogs = agent.logs.subscribe(level as CliLogLevel, (record: LogRecord) => writeSse(res, 'log', record));
  const offFeed = agent.feed.subscribe((event) => writeSse(res, event.kind, event));
  const heartbeat = setInterval(() => res.write(': ping\n\n'), SSE_HEARTBEAT_MS);
  heartbeat.unref();
  const close = (): void => {
    clearInterval(heartbeat);
    offLogs();
    offFeed();
  };
  req.on('close', close);
  res.on('close', close);
}

/** The operation routes; pass them to `Agent.start({ routes })`. */
export function operationRoutes(): readonly Route[] {
  return [
    { path: /^\/info$/, methods: { GET: info } },
    { path: /^\/join$/, methods: { POST: join } },
    { path: /^\/leave$/, methods: { POST: leave } },
    { path: /^\/force-leave\/([^/]+)$/, methods: { POST: forceLeaveRoute } },
    { path: /^\/keys$/, methods: { GET: keys }, guardReads: true },
    { path: /^\/keys\/(install|use|remove)$/, methods: { POST: keyAction } },
    { path: /^\/monitor$/, methods: { GET: monitor } },
  ];
}
