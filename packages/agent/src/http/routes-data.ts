/**
 * Routes over the agent's data: members, health, metrics, the event stream and the key/value store. The JSON
 * shapes are the API's contract (see the README's table); fields may be added, never changed.
 */
import type { Agent } from '../agent/agent.js';
import { isDemoError } from '../errors.js';
import { readBody, sendError, sendErrorAndClose, sendJson, sendText } from './respond.js';
import type { RequestContext, Route } from './router.js';
import { MAX_EVENT_STREAMS, serveEvents } from './sse.js';

/** Largest PUT body read (values are limited further by the store). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Members by state, as this node sees them. */
export function memberCounts(agent: Agent): Record<'alive' | 'suspect' | 'dead' | 'left', number> {
  const counts = { alive: 0, suspect: 0, dead: 0, left: 0 };
  for (const m of agent.node.allMembers()) counts[m.state]++;
  return counts;
}

/** The store's summary in `/v1/health` and `/v1/info`. */
export function kvSummary(agent: Agent): Record<string, unknown> {
  return {
    keys: agent.store.size,
    tombstones: agent.store.tombstones,
    digest: agent.store.digest(),
    maxEntries: agent.store.limits.maxEntries,
    maxReplicaEntries: agent.store.limits.maxReplicaEntries,
    refusedFull: agent.kvRefusedFull,
  };
}

function metricsText(agent: Agent): string {
  const m = agent.metrics;
  m.setGauge(['gossip', 'health', 'score'], agent.node.healthScore());
  for (const [state, n] of Object.entries(memberCounts(agent))) m.setGauge(['gossip', 'members'], n, { state });
  m.setGauge(['gossip', 'kv', 'keys'], agent.store.size);
  m.setGauge(['gossip', 'kv', 'tombstones'], agent.store.tombstones);
  return m.toPrometheus();
}

function members({ res, url, agent }: RequestContext): void {
  const all = url.searchParams.get('all') !== '0';
  const list = (all ? agent.node.allMembers() : agent.node.members()).map((m) => agent.memberJson(m));
  list.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  sendJson(res, 200, list);
}

function health({ res, agent, api }: RequestContext): void {
  sendJson(res, 200, {
    node: agent.name,
    healthScore: agent.node.healthScore(),
    members: memberCounts(agent),
    kv: kvSummary(agent),
    uptimeMs: Date.now() - agent.startedAt,
    demo: api.demo !== undefined,
  });
}

function events({ req, res, agent, api }: RequestContext): void {
  if (!api.streams.tryOpen(res)) return sendError(res, 503, 'ERR_BUSY', `too many event streams (at most ${MAX_EVENT_STREAMS})`);
  serveEvents(req, res, agent.feed);
}

function kvList({ res, agent }: RequestContext): void {
  const items = agent.store.entries().map((r) => ({ key: r.key, value: r.value, stamp: r.stamp }));
  sendJson(res, 200, { node: agent.name, digest: agent.store.digest(), items });
}

/** Runs a key/value operation, mapping the store's typed errors to HTTP answers. */
async function kvOp(ctx: RequestContext, op: (key: string) => Promise<void> | void): Promise<void> {
  const { req, res, params } = ctx;
  try {
    await op(params[0] ?? '');
  } catch (err) {
    if (isDemoError(err, 'ERR_KV_INVALID')) return sendError(res, 400, err.code, err.message);
    if (isDemoError(err, 'ERR_KV_FULL')) return sendError(res, 507, err.code, err.message);
    if (isDemoError(err, 'ERR_HTTP_TOO_LARGE')) return sendErrorAndClose(req, res, 413, err.code, err.message);
    throw err;
  }
}

const kvKey: Route['methods'] = {
  GET: (ctx) =>
    kvOp(ctx, (key) => {
      const record = ctx.agent.store.get(key);
      if (record === undefined) return sendError(ctx.res, 404, 'ERR_NOT_FOUND', `no key ${JSON.stringify(key)}`);
      sendJson(ctx.res, 200, { key, value: record.value, stamp: record.stamp });
    }),
  PUT: (ctx) =>
    kvOp(ctx, async (key) => {
      const record = ctx.agent.store.set(key, await readBody(ctx.req, MAX_BODY_BYTES));
      sendJson(ctx.res, 200, { key, value: record.value, stamp: record.stamp });
    }),
  DELETE: (ctx) =>
    kvOp(ctx, (key) => {
      const record = ctx.agent.store.delete(key);
      if (record === undefined) return sendError(ctx.res, 404, 'ERR_NOT_FOUND', `no key ${JSON.stringify(key)}`);
      sendJson(ctx.res, 200, { key, deleted: true, stamp: record.stamp });
    }),
};

/** Members, health, metrics, events and the key/value store. */
export const DATA_ROUTES: readonly Route[] = [
  { path: /^\/members$/, methods: { GET: members } },
  { path: /^\/health$/, methods: { GET: health } },
  { path: /^\/metrics$/, methods: { GET: ({ res, agent }) => sendText(res, 200, metricsText(agent), 'text/plain; version=0.0.4; charset=utf-8') } },
  { path: /^\/events$/, methods: { GET: events } },
  { path: /^\/kv$/, methods: { GET: kvList } },
  { path: /^\/kv\/(.*)$/, methods: kvKey },
];
