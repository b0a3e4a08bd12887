/**
 * `GET /events`: the agent's {@link Feed} as server-sent events. The history is replayed first (or only what
 * follows `Last-Event-ID` on a reconnect), then events stream live; a comment line every 15 s keeps proxies from
 * closing an idle stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Feed, FeedEvent } from '../agent/feed.js';

/** Most concurrent streaming responses (`/v1/events`, `/v1/monitor`) per agent; past it, 503. */
export const MAX_EVENT_STREAMS = 32;

/** Heartbeat interval of an idle stream. */
export const SSE_HEARTBEAT_MS = 15_000;

function frame(event: FeedEvent): string {
  return `id: ${event.id}\nevent: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Serves `feed` on `res` until the client goes away. */
export function serveEvents(req: IncomingMessage, res: ServerResponse, feed: Feed): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const lastId = Number(req.headers['last-event-id'] ?? 0);
  res.write('retry: 1000\n\n');
  for (const event of feed.since(Number.isSafeInteger(lastId) ? lastId : 0)) res.write(frame(event));
  const unsubscribe = feed.subscribe((event) => res.write(frame(event)));
  const heartbeat = setInterval(() => res.write(': ping\n\n'), SSE_HEARTBEAT_MS);
  heartbeat.unref();
  const close = (): void => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.on('close', close);
  res.on('close', close);
}
