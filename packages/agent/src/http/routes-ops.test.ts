/** The operation routes behind the CLI (info, join, leave, force-leave, keys, monitor) against real agents on loopback. */
import { createNode, silentLogger } from 'gossip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../agent/agent.js';
import { keyFingerprint } from '../agent/control.js';
import { createCliLogger } from '../agent/logger.js';
import type { MemberJson } from '../agent/member-json.js';

const logger = createCliLogger('silent');
const oldKey = Buffer.alloc(16, 1).toString('base64');
const newKey = Buffer.alloc(32, 2).toString('base64');

async function eventually(check: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const start = (name: string, tags?: Record<string, string>): Promise<Agent> =>
  Agent.start({ name, bind: '127.0.0.1:0', http: '127.0.0.1:0', preset: 'local', logger, keys: [oldKey], tags, tunables: { retransmitMult: 4 } });

describe('operation routes of the HTTP API', () => {
  let a: Agent;
  let b: Agent;
  let c: Agent;
  let api: string;
  const post = (path: string, body?: unknown): Promise<Response> => fetch(`${api}${path}`, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) });

  beforeAll(async () => {
    [a, b, c] = await Promise.all([start('ops-a', { role: 'web' }), start('ops-b', { role: 'web' }), start('ops-c')]);
    api = `http://${a.http!.address}/v1`;
  });
  afterAll(async () => {
    await Promise.all([a, b, c].map((x) => x.stop({ leave: false })));
  });

  it('given POST /v1/join with seeds, then the agents form a cluster; a bad body is 400, an unreachable seed 502', async () => {
    const res = await post('/join', { addrs: [b.node.localNode().address, c.node.localNode().address] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ joined: 2 });
    await eventually(() => [a, b, c].every((x) => x.node.numMembers() === 3));
    expect((await post('/join', { addrs: [] })).status).toBe(400);
    expect((await post('/join', 'not an object')).status).toBe(400);
  });

  it('given GET /v1/members, then tags from the agents metadata are listed', async () => {
    const members = (await (await fetch(`${api}/members`)).json()) as MemberJson[];
    expect(members.map((m) => [m.name, m.tags])).toEqual([['ops-a', { role: 'web' }], ['ops-b', { role: 'web' }], ['ops-c', {}]]);
    // The Local preset probes every second: each peer soon has a round-trip time from our probes.
    await eventually(async () => {
      const list = (await (await fetch(`${api}/members`)).json()) as MemberJson[];
      return list.filter((m) => m.name !== 'ops-a').every((m) => typeof m.rttMs === 'number' && typeof m.probedAgoMs === 'number');
    });
  });

  it('given GET /v1/info, then node, incarnation, health score, counts and counters are reported', async () => {
    const info = (await (await fetch(`${api}/info`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ version: expect.any(String), encrypted: true, healthScore: 0, members: { alive: 3 }, node: { name: 'ops-a', incarnation: expect.any(Number), tags: { role: 'web' } } });
    expect(Object.keys(info.metrics as object).length).toBeGreaterThan(3);
  });

  it('given keys install, list, use and remove, then the rotation reaches every agent and list shows it', async () => {
    const install = await post('/keys/install', { key: newKey });
    expect(install.status).toBe(200);
    expect(((await install.json()) as { results: { ok: boolean }[] }).results).toEqual([
      { node: 'ops-a', ok: true },
      { node: 'ops-b', ok: true },
      { node: 'ops-c', ok: true },
    ]);
    await eventually(() => [a, b, c].every((x) => x.keyring!.keys().length === 2));
    const fp = keyFingerprint(Buffer.from(newKey, 'base64'));
    await eventually(async () => {
      const list = (await (await fetch(`${api}/keys`)).json()) as { fingerprints: { fingerprint: string; members: string[] }[] };
      return list.fingerprints.find((f) => f.fingerprint === fp)?.members.length === 3;
    });
    expect((await post('/keys/use', { key: newKey })).status).toBe(200);
    await eventually(() => [a, b, c].every((x) => Buffer.from(x.keyring!.primaryKey()).toString('base64') === newKey));
    expect((await post('/keys/remove', { key: newKey })).status).toBe(409);
    expect((await post('/keys/remove', { key: oldKey })).status).toBe(200);
    await eventually(() => [a, b, c].every((x) => x.keyring!.keys().length === 1));
    // Still one cluster, now on the new key only.
    b.store.set('after-rotation', 'yes');
    await eventually(() => c.store.get('after-rotation')?.value === 'yes');
    expect((await post('/keys/install', { key: 'short' })).status).toBe(409);
  }, 30_000);

  it('given GET /v1/keys from another site, then 403: the keyring is guarded like a state change', async () => {
    expect((await fetch(`${api}/keys`, { headers: { origin: 'http://evil.example' } })).status).toBe(403);
  });

  it('given GET /v1/monitor, then log lines and membership events stream live', async () => {
    const ac = new AbortController();
    const res = await fetch(`${api}/monitor?level=debug`, { signal: ac.signal });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    a.logger.info({ marker: 42 }, 'monitor test line');
    a.store.set('seen-by-monitor', '1');
    const deadline = Date.now() + 5_000;
    while (!(text.includes('monitor test line') && text.includes('seen-by-monitor')) && Date.now() < deadline) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    ac.abort();
    expect(text).toMatch(/event: log\ndata: .*"msg":"monitor test line"/);
    expect(text).toMatch(/event: kv\ndata: .*"seen-by-monitor"/);
    expect((await fetch(`${api}/monitor?level=loud`)).status).toBe(400);
  });

  it('given force-leave of a live member, then 409; of a failed one, then every agent reports it left', async () => {
    expect((await post('/force-leave/ops-c')).status).toBe(409);
    expect((await post('/force-leave/nobody')).status).toBe(409);
    await c.stop({ leave: false });
    await eventually(() => a.node.member('ops-c')?.state === 'dead' && b.node.member('ops-c')?.state === 'dead', 30_000);
    const res = await post('/force-leave/ops-c');
    expect(res.status).toBe(200);
    const stateOn = async (x: Agent): Promise<string | undefined> =>
      ((await (await fetch(`http://${x.http!.address}/v1/members`)).json()) as MemberJson[]).find((m) => m.name === 'ops-c')?.state;
    await eventually(async () => (await stateOn(a)) === 'left' && (await stateOn(b)) === 'left');
  }, 40_000);

  it('given POST /v1/leave, then the agent answers and asks to be stopped', async () => {
    const res = await fetch(`http://${b.http!.address}/v1/leave`, { method: 'POST' });
    expect(await res.json()).toEqual({ leaving: true, node: 'ops-b' });
    await expect(b.stopRequested).resolves.toMatch(/leave requested/);
  });
});

describe('operations in a cluster with a plain memberlist node (no agent)', () => {
  it('given a key install, then the plain node is sent nothing and reported as skipped', async () => {
    const agent = await start('mixed-agent');
    const received: Uint8Array[] = [];
    const plain = await createNode({ name: 'plain', bind: '127.0.0.1:0', preset: 'local', keys: [oldKey], logger: silentLogger, delegate: { notifyMsg: (m) => void received.push(m) } });
    try {
      await plain.join([agent.node.localNode().address]);
      await eventually(() => agent.node.numMembers() === 2);
      const res = await fetch(`http://${agent.http!.address}/v1/keys/install`, { method: 'POST', body: JSON.stringify({ key: newKey }) });
      expect(((await res.json()) as { results: unknown[] }).results).toEqual([
        { node: 'mixed-agent', ok: true },
        { node: 'plain', ok: false, skipped: true, error: expect.stringMatching(/not a gossip agent/) },
      ]);
      expect(received).toEqual([]);
    } finally {
      await plain.shutdown();
      await agent.stop({ leave: false });
    }
  });
});
