// @module-tag go
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGoProgram } from '@gossip/gotools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@gossip/test-support';
import { readExactly, startNode, type Node } from './net-test-helpers.js';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '../../../../tooling/transport-bench');

/**
 * Against Go memberlist's own NetTransport (Debian v0.2.2): proves the socket-level contract — one port number
 * for UDP and TCP, UDP sent from the listening socket — holds between the two implementations. Tagged `go`:
 * skipped without Go, a failure with GOSSIP_REQUIRE_GO=1 (CI installs Go).
 */
describe('UdpTcpTransport against Go memberlist NetTransport', () => {
  let go: ChildProcessWithoutNullStreams;
  let goAddress = '';
  let ts: Node;

  beforeAll(async () => {
    const binary = await buildGoProgram(benchDir, 'transport-bench');
    go = spawn(binary, ['-mode', 'echo']);
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: go.stdout }).once('line', resolve);
      go.once('error', reject);
    });
    goAddress = `127.0.0.1:${(JSON.parse(firstLine) as { port: number }).port}`;
    ts = await startNode();
  }, 120_000);

  afterAll(async () => {
    go?.stdin.end();
    await ts?.transport.shutdown();
    if (go && go.exitCode === null) await new Promise((r) => go.once('exit', r));
  });

  it('given a Go node echoing datagrams to their source, when TS sends one, then the echo reaches the TS gossip port', async () => {
    await ts.transport.sendPacket(goAddress, new Uint8Array([0x01, 0x02, 0x03]));
    await waitFor(() => ts.packets.length === 1);
    expect(Array.from(ts.packets[0]!.data)).toEqual([1, 2, 3]);
    expect(ts.packets[0]!.from).toBe(goAddress);
  });

  it('given a Go node, when it dials back the source of our datagram, then it reaches our TCP listener on the same port', async () => {
    await ts.transport.sendPacket(goAddress, new TextEncoder().encode('dial-me'));
    await waitFor(() => ts.streams.length === 1);
    const stream = ts.streams.shift()!;
    expect(new TextDecoder().decode(await readExactly(stream, 13))).toBe('hello from go');
    expect(await stream.read()).toBeNull();
    await stream.close();
  });

  it('given a Go stream responder, when TS dials and sends a 3 MiB frame, then the same bytes come back and EOF', async () => {
    const body = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 13) & 0xff);
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, body.length);
    const stream = await ts.transport.dial(goAddress);
    stream.setDeadline(performance.now() + 20_000);
    await stream.write(header);
    await stream.write(body);
    const back = await readExactly(stream, body.length);
    expect(Buffer.from(back).equals(Buffer.from(body))).toBe(true);
    expect(await stream.read()).toBeNull();
    await stream.close();
  });
});
