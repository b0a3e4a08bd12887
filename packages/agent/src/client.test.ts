import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { apiJson } from './client.js';

describe('the CLI client of the agent API', () => {
  it('given an agent that accepts but never answers, then the error names the address and says timeout', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const http = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(apiJson({ http, timeoutMs: 200 }, 'GET', '/members')).rejects.toMatchObject({
        code: 'ERR_AGENT_UNREACHABLE',
        message: expect.stringMatching(new RegExp(`^cannot reach the agent at http://${http}/v1/members: no answer within 0\\.2 s \\(timeout\\)`)),
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("given an agent error, then the agent's message and code are reported", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(409, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'ERR_AGENT_OP', message: 'b is alive, not failed' } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const http = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(apiJson({ http }, 'POST', '/force-leave/b')).rejects.toMatchObject({
        code: 'ERR_AGENT_REQUEST',
        message: `POST http://${http}/v1/force-leave/b: b is alive, not failed (HTTP 409 ERR_AGENT_OP)`,
      });
    } finally {
      server.close();
    }
  });
});
