/**
 * Issue #12 item 6: the HTTP API against hostile or careless clients — oversized bodies (with and without a
 * Content-Length), wrong methods, cross-site and DNS-rebinding requests, missing tokens, too many streams.
 * Raw sockets where fetch would hide what happens on the wire.
 */
import { type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../agent/agent.js';
import { createCliLogger } from '../agent/logger.js';
import { MAX_BODY_BYTES } from './routes-data.js';
import { MAX_EVENT_STREAMS } from './sse.js';

const logger = createCliLogger('silent');

interface RawConnection {
  readonly socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves when the server closed the connection (FIN or reset). */
  readonly closed: Promise<void>;
}

function rawConnect(address: string): Promise<RawConnection> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => resolve({ socket, received: () => text, closed }));
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    const closed = new Promise<void>((done) => {
      socket.once('end', () => done());
      socket.once('close', () => done());
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HTTP API hardening', () => {
  let agent: Agent;
  let secured: Agent;
  let address: string;
  let base: string;

  beforeAll(async () => {
    agent = await Agent.start({ name: 'hard-a', bind: '127.0.0.1:0', http: '127.0.0.1:0', preset: 'local', logger });
    secured = await Agent.start({ name: 'hard-b', bind: '127.0.0.1:0', http: '127.0.0.1:0', preset: 'local', logger, httpToken: 's3cret-token', httpAllowedHosts: ['gossip.example'] });
    address = agent.http!.address;
    base = `http://${address}`;
  });
  afterAll(async () => {
    await Promise.all([agent.stop({ leave: false }), secured.stop({ leave: false })]);
  });

  it('given a PUT announcing a 100 MB body, then 413 comes back before any of the body is sent, and the connection closes', async () => {
    const c = await rawConnect(address);
    c.socket.write(`PUT /v1/kv/big HTTP/1.1\r\nHost: ${address}\r\nContent-Length: 100000000\r\n\r\n`);
    await until(() => c.received().includes('\r\n\r\n'));
    expect(c.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(c.received()).toMatch(/\r\nconnection: close\r\n/i);
    await c.closed;
    expect(c.received()).toMatch(/"code": "ERR_HTTP_TOO_LARGE"/);
    expect(agent.store.get('big')).toBeUndefined();
  });

  it('given a chunked PUT that keeps sending past the limit, then 413 arrives while it is still sending, and the connection closes', async () => {
    const c = await rawConnect(address);
    c.socket.write(`PUT /v1/kv/chunked HTTP/1.1\r\nHost: ${address}\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = `4000\r\n${'x'.repeat(0x4000)}\r\n`;
    let sent = 0;
    while (!c.received().includes('\r\n\r\n') && sent < 64 * MAX_BODY_BYTES && !c.socket.destroyed) {
      c.socket.write(chunk);
      sent += 0x4000;
      await new Promise((r) => setTimeout(r, 1));
    }
    await until(() => c.received().includes('\r\n\r\n'));
    expect(c.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(sent).toBeLessThan(16 * MAX_BODY_BYTES);
    await c.closed;
    expect(agent.store.get('chunked')).toBeUndefined();
  });

  it('given a body over the limit through fetch (chunked stream or Content-Length), then the client reads a 413, not a reset', async () => {
    const big = new Uint8Array(MAX_BODY_BYTES * 4);
    expect((await fetch(`${base}/v1/kv/len`, { method: 'PUT', body: big })).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(MAX_BODY_BYTES / 2));
        controller.close();
      },
    });
    const res = await fetch(`${base}/v1/kv/stream`, { method: 'PUT', body: stream, duplex: 'half' });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'ERR_HTTP_TOO_LARGE' } });
  });

  it.each([
    ['POST', '/v1/members', 'GET'],
    ['DELETE', '/v1/health', 'GET'],
    ['PUT', '/v1/events', 'GET'],
    ['POST', '/v1/kv', 'GET'],
    ['PATCH', '/v1/kv/some-key', 'GET, PUT, DELETE'],
    ['GET', '/v1/demo/nodes/node-1/kill', 'POST'],
    ['POST', '/', 'GET'],
  ])('given %s on the known path %s, then 405 with Allow: %s', async (method, path, allow) => {
    const res = await fetch(`${base}${path}`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect(await res.json()).toMatchObject({ error: { code: 'ERR_METHOD' } });
  });

  it('given unknown paths, then 404 whatever the method', async () => {
    expect((await fetch(`${base}/v1/nope`)).status).toBe(404);
    expect((await fetch(`${base}/members`, { method: 'POST' })).status).toBe(404);
  });

  it('given a state-changing request from another site (Origin), then 403 and nothing changes; from the dashboard itself, it goes through', async () => {
    const foreign = await fetch(`${base}/v1/kv/csrf`, { method: 'PUT', body: 'x', headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { code: 'ERR_HTTP_FORBIDDEN' } });
    expect((await fetch(`${base}/v1/kv/csrf`, { method: 'PUT', body: 'x', headers: { origin: 'null' } })).status).toBe(403);
    expect(agent.store.get('csrf')).toBeUndefined();
    expect((await fetch(`${base}/v1/kv/csrf`, { method: 'PUT', body: 'x', headers: { origin: base } })).status).toBe(200);
    // Reads stay open to any origin (the dashboard of another node links here).
    expect((await fetch(`${base}/v1/members`, { headers: { origin: 'http://evil.example' } })).status).toBe(200);
  });

  it('given a Host that is not the agent or a loopback name (DNS rebinding), then state changes get 403; loopback names pass', async () => {
    const port = address.slice(address.lastIndexOf(':') + 1);
    const send = async (host: string): Promise<string> => {
      const c = await rawConnect(address);
      c.socket.write(`DELETE /v1/kv/rebind HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      await c.closed;
      return c.received().slice(0, 12);
    };
    agent.store.set('rebind', 'v');
    expect(await send(`attacker.example:${port}`)).toBe('HTTP/1.1 403');
    expect(await send(`10.1.2.3:${port}`)).toBe('HTTP/1.1 403');
    expect(agent.store.get('rebind')?.value).toBe('v');
    expect(await send(`localhost:${port}`)).toBe('HTTP/1.1 200');
    agent.store.set('rebind', 'v');
    expect(await send(`127.0.0.1:${port}`)).toBe('HTTP/1.1 200');
  });

  it('given a host name the operator allowed, then state changes through it pass the Host check; others still do not', async () => {
    const address2 = secured.http!.address;
    const port = address2.slice(address2.lastIndexOf(':') + 1);
    const send = async (host: string): Promise<string> => {
      const c = await rawConnect(address2);
      c.socket.write(`PUT /v1/kv/named HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer s3cret-token\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx`);
      await c.closed;
      return c.received().slice(0, 12);
    };
    expect(await send(`GOSSIP.example:${port}`)).toBe('HTTP/1.1 200');
    expect(await send(`other.example:${port}`)).toBe('HTTP/1.1 403');
  });

  it('given an agent with an API token, then state changes need it (401 without), reads do not', async () => {
    const api = `http://${secured.http!.address}/v1`;
    const none = await fetch(`${api}/kv/t`, { method: 'PUT', body: 'x' });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'ERR_HTTP_UNAUTHORIZED' } });
    expect((await fetch(`${api}/kv/t`, { method: 'PUT', body: 'x', headers: { authorization: 'Bearer wrong-token!' } })).status).toBe(401);
    expect((await fetch(`${api}/kv/t`, { method: 'PUT', body: 'x', headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(200);
    expect((await fetch(`${api}/kv/t`)).status).toBe(200);
  });

  it(`given ${MAX_EVENT_STREAMS} open event streams, then one more gets 503 until one closes`, async () => {
    const streams = await Promise.all(
      Array.from({ length: MAX_EVENT_STREAMS }, async () => {
        const ac = new AbortController();
        const res = await fetch(`${base}/v1/events`, { signal: ac.signal });
        expect(res.status).toBe(200);
        return { ac, res };
      }),
    );
    const refused = await fetch(`${base}/v1/events`);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: { code: 'ERR_BUSY' } });
    for (const s of streams) s.ac.abort();
    let status = 0;
    const deadline = Date.now() + 5_000;
    while (status !== 200 && Date.now() < deadline) {
      const ac = new AbortController();
      const res = await fetch(`${base}/v1/events`, { signal: ac.signal });
      status = res.status;
      ac.abort();
      if (status !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(200);
  });
});
