import { waitFor } from '@gossip/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../agent/agent.js';
import { createCliLogger } from '../agent/logger.js';
import type { FeedEvent } from '../agent/feed.js';
import type { MemberJson } from '../agent/member-json.js';
import { SseReader } from '../sse-reader.js';

type Sse = { event: string; data: FeedEvent };
type Json = Record<string, unknown>;

const logger = createCliLogger('silent');

/**
 * Reads server-sent events from `url` into `events` (so the caller can watch them arrive) until `until` returns
 * true for the collected events; gives up after 10 s.
 */
async function readEvents(url: string, until: (events: Sse[]) => boolean, events: Sse[] = []): Promise<Sse[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 10_000);
  const res = await fetch(url, { signal: ac.signal });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const sse = new SseReader();
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      for (const { event, data } of sse.push(chunk)) events.push({ event, data: data as FeedEvent });
      if (until(events)) break;
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return events;
}

describe('HTTP API of a plain agent', () => {
  let a: Agent;
  let b: Agent;
  let base: string;

  beforeAll(async () => {
    a = await Agent.start({ name: 'api-a', bind: '127.0.0.1:0', http: '127.0.0.1:0', preset: 'local', logger });
    b = await Agent.start({ name: 'api-b', bind: '127.0.0.1:0', http: '127.0.0.1:0', preset: 'local', logger });
    await b.join([a.node.localNode().address]);
    base = `http://${a.http!.address}`;
    await waitFor(() => a.node.numMembers() === 2);
  });
  afterAll(async () => {
    await Promise.all([a.stop({ leave: false }), b.stop({ leave: false })]);
  });

  it('given two joined agents, when GET /members, then both are listed alive with address, incarnation and meta', async () => {
    const res = await fetch(`${base}/v1/members`);
    expect(res.status).toBe(200);
    const members = (await res.json()) as MemberJson[];
    expect(members.map((m) => [m.name, m.state])).toEqual([['api-a', 'alive'], ['api-b', 'alive']]);
    expect(members[1]).toMatchObject({ addr: '127.0.0.1', port: b.node.localNode().port, incarnation: 1, metaEncoding: 'utf8', http: b.http!.address });
    expect(JSON.parse(members[1]!.meta)).toEqual({ http: b.http!.address });
    // Both have been alive since the suite started: the age is on the node's clock, not an index or epoch.
    expect(members[0]!.stateAgeMs).toBeGreaterThan(0);
    expect(members[0]!.stateAgeMs).toBeLessThan(60_000);
  });

  it('given PUT /kv/:key on one agent, then GET /kv/:key on the other returns it once gossiped, and DELETE removes it everywhere', async () => {
    const put = await fetch(`${base}/v1/kv/${encodeURIComponent('a key/with slash')}`, { method: 'PUT', body: 'héllo' });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ key: 'a key/with slash', value: 'héllo', stamp: { node: 'api-a' } });
    const other = `http://${b.http!.address}/v1/kv/${encodeURIComponent('a key/with slash')}`;
    await waitFor(async () => (await fetch(other)).status === 200);
    expect(await (await fetch(other)).json()).toMatchObject({ value: 'héllo' });

    const list = (await (await fetch(`http://${b.http!.address}/v1/kv`)).json()) as Json;
    expect(list).toMatchObject({ node: 'api-b', items: [{ key: 'a key/with slash', value: 'héllo' }] });
    expect(list.digest).toBe(a.store.digest());

    expect((await fetch(other, { method: 'DELETE' })).status).toBe(200);
    await waitFor(async () => (await fetch(`${base}/v1/kv/${encodeURIComponent('a key/with slash')}`)).status === 404);
    expect((await fetch(other, { method: 'DELETE' })).status).toBe(404);
  });

  it('given invalid writes, then 400 for a bad key, 413 for a huge body, 405 for other methods, 404 for unknown routes', async () => {
    const tooLong = await fetch(`${base}/v1/kv/${'k'.repeat(200)}`, { method: 'PUT', body: 'v' });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ error: { code: 'ERR_KV_INVALID' } });
    expect((await fetch(`${base}/v1/kv/big`, { method: 'PUT', body: 'v'.repeat(600) })).status).toBe(400);
    expect((await fetch(`${base}/v1/kv/huge`, { method: 'PUT', body: 'v'.repeat(100_000) })).status).toBe(413);
    expect((await fetch(`${base}/v1/kv/x`, { method: 'POST', body: 'v' })).status).toBe(405);
    expect((await fetch(`${base}/v1/kv/%E0%A4%A`)).status).toBe(400);
    expect((await fetch(`${base}/v1/kv/`, { method: 'PUT', body: 'v' })).status).toBe(400);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/v1/demo`)).status).toBe(404);
  });

  it('given a store at capacity, when PUT of a new key, then 507 with a JSON error and nothing is applied; updates still succeed', async () => {
    const full = await Agent.start({ name: 'api-full', bind: '127.0.0.1:0', http: '127.0.0.1:0', preset: 'local', logger, kvLimits: { maxEntries: 1 } });
    try {
      const api = `http://${full.http!.address}/v1/kv`;
      expect((await fetch(`${api}/one`, { method: 'PUT', body: '1' })).status).toBe(200);
      const refused = await fetch(`${api}/two`, { method: 'PUT', body: '2' });
      expect(refused.status).toBe(507);
      expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await refused.json()).toMatchObject({ error: { code: 'ERR_KV_FULL', message: expect.stringMatching(/maximum of 1/) } });
      expect((await fetch(`${api}/two`)).status).toBe(404);
      expect((await fetch(`${api}/one`, { method: 'PUT', body: 'updated' })).status).toBe(200);
      const health = (await (await fetch(`http://${full.http!.address}/v1/health`)).json()) as Json;
      expect(health.kv).toMatchObject({ keys: 1, maxEntries: 1, maxReplicaEntries: 2, refusedFull: 0 });
    } finally {
      await full.stop({ leave: false });
    }
  });

  it('given GET /health, then it reports the health score, member counts and the store', async () => {
    const health = (await (await fetch(`${base}/v1/health`)).json()) as Json;
    expect(health).toMatchObject({ node: 'api-a', healthScore: 0, members: { alive: 2, suspect: 0, dead: 0, left: 0 }, demo: false });
    expect(health.kv).toMatchObject({ keys: expect.any(Number), digest: expect.stringMatching(/^[0-9a-f]{12}$/) });
  });

  it('given GET /metrics, then it is Prometheus text with memberlist and key/value series', async () => {
    const res = await fetch(`${base}/v1/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^# TYPE gossip_members gauge$/m);
    expect(text).toMatch(/^gossip_members\{state="alive"\} 2$/m);
    expect(text).toMatch(/^gossip_health_score 0$/m);
    expect(text).toMatch(/^memberlist_/m);
    expect(text).toMatch(/^# HELP memberlist_udp_sent_total Bytes sent in datagrams\.$/m);
    expect(text).toMatch(/^# TYPE memberlist_udp_sent_total counter$/m);
    for (const line of text.trim().split('\n')) {
      expect(line).toMatch(/^(# HELP \S+ .+|# TYPE \S+ (counter|gauge|summary)|[a-zA-Z_:][\w:]*(\{[^}]*\})? -?[\d.e+-]+|.* (NaN|[+-]Inf))$/);
    }
  });

  it('given GET /events, then history is replayed (joins) and live key/value changes stream as SSE', async () => {
    const url = `${base}/v1/events`;
    const seen: Sse[] = [];
    const done = readEvents(url, (evs) => evs.some((e) => e.data.kind === 'kv' && e.data.key === 'live'), seen);
    // Subscribed once the history replay has arrived: only then can the live change below reach this stream.
    await waitFor(() => seen.length > 0, 10_000, 'the SSE history replay');
    await fetch(`${base}/v1/kv/live`, { method: 'PUT', body: 'now' });
    const events = await done;
    expect(events.find((e) => e.data.kind === 'member' && e.data.member.name === 'api-b')?.data).toMatchObject({ kind: 'member', type: 'join' });
    expect(events.find((e) => e.data.kind === 'kv' && e.data.key === 'live')?.data).toMatchObject({ value: 'now', origin: 'local', time: expect.any(Number) });
  });

  it('given GET /, then the dashboard page and its assets are served without any external reference', async () => {
    const html = await (await fetch(`${base}/`)).text();
    expect(html).toMatch(/<title>gossip/);
    expect(html).not.toMatch(/https?:\/\//);
    const js = await fetch(`${base}/dashboard.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toMatch(/EventSource\('\/v1\/events'\)/);
    expect((await fetch(`${base}/dashboard.css`)).status).toBe(200);
  });
});
