/** `/v1/demo` routes: the in-process demo cluster's status, kill and revive (404 outside demo mode). */
import { DemoError, isDemoError } from '../errors.js';
import { sendError, sendJson } from './respond.js';
import type { Handler, RequestContext, Route } from './router.js';

function demoOnly(handler: (ctx: RequestContext, demo: NonNullable<RequestContext['api']['demo']>) => Promise<void> | void): Handler {
  return (ctx) => {
    const demo = ctx.api.demo;
    if (demo === undefined) return sendError(ctx.res, 404, 'ERR_NOT_DEMO', 'not running in demo mode (gossip demo)');
    return handler(ctx, demo);
  };
}

const act = demoOnly(async ({ res, params, agent }, demo) => {
  const [name = '', action] = params;
  if (name === agent.name && action === 'kill') {
    return sendError(res, 409, 'ERR_DEMO_NODE', `${agent.name} serves this API; kill it from another node's dashboard`);
  }
  try {
    await (action === 'kill' ? demo.kill(name) : demo.revive(name));
    return sendJson(res, 200, { nodes: demo.status() });
  } catch (err) {
    if (isDemoError(err, 'ERR_DEMO_NODE')) return sendError(res, 409, err.code, err.message);
    throw err instanceof Error ? err : new DemoError('ERR_DEMO_NODE', String(err));
  }
});

/** The demo routes. */
export const DEMO_ROUTES: readonly Route[] = [
  { path: /^\/demo$/, methods: { GET: demoOnly(({ res }, demo) => sendJson(res, 200, { nodes: demo.status() })) } },
  { path: /^\/demo\/nodes\/([^/]+)\/(kill|revive)$/, methods: { POST: act } },
];
