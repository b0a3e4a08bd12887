/**
 * The built command as an operator runs it: two `node dist/cli.js agent` processes on loopback, a key written on
 * one and read on the other, `gossip members`, a graceful leave on SIGINT; a bad flag exits 2.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@gossip/test-support';
import { beforeAll, describe, expect, it } from 'vitest';

const PKG = fileURLToPath(new URL('..', import.meta.url));
const CLI = `${PKG}dist/cli.js`;

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[], killAfterMs: number): Run {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: PKG, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const guard = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal });
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

describe('the gossip command, built', () => {
  beforeAll(() => {
    // Test what a user runs: the bundle, rebuilt from the current sources.
    execFileSync(process.execPath, [fileURLToPath(import.meta.resolve('tsup/dist/cli-default.js')), '--silent'], { cwd: PKG, stdio: 'pipe' });
  }, 60_000);

  it('given two `gossip agent`s joined on loopback, then a key written on one is read on the other, `gossip members` lists both, and SIGINT leaves cleanly', async () => {
    const a = run(['agent', '--name', 'cli-a', '--bind', '127.0.0.1:0', '--http', '127.0.0.1:0', '--preset', 'local', '--log-level', 'warn'], 30_000);
    await waitFor(() => /HTTP API and dashboard: http:\/\/(\S+)\//.test(a.stdout()), 10_000);
    const gossipA = /gossiping on (\S+)/.exec(a.stdout())![1]!;
    const httpA = /HTTP API and dashboard: http:\/\/(\S+)\//.exec(a.stdout())![1]!;
    const b = run(['agent', '--name', 'cli-b', '--bind', '127.0.0.1:0', '--http', '127.0.0.1:0', '--join', gossipA, '--preset', 'local'], 30_000);
    await waitFor(() => /HTTP API and dashboard: http:\/\/(\S+)\//.test(b.stdout()), 10_000);
    const httpB = /HTTP API and dashboard: http:\/\/(\S+)\//.exec(b.stdout())![1]!;
    try {
      expect((await fetch(`http://${httpA}/v1/kv/shared`, { method: 'PUT', body: 'across processes' })).status).toBe(200);
      await expect.poll(async () => (await fetch(`http://${httpB}/v1/kv/shared`)).status, { timeout: 10_000, interval: 50 }).toBe(200);
      const members = execFileSync(process.execPath, [CLI, 'members', '--http', httpB], { encoding: 'utf8' });
      expect(members).toMatch(/^NAME +ADDRESS +STATUS +TAGS$/m);
      expect(members).toMatch(/^cli-a +127\.0\.0\.1:\d+ +alive +-$/m);
      expect(members).toMatch(/^cli-b +127\.0\.0\.1:\d+ +alive +-$/m);
    } finally {
      b.child.kill('SIGINT');
      expect((await b.exit).code).toBe(0);
    }
    expect(b.stderr()).toMatch(/INFO  joined cluster/);
    await expect.poll(async () => ((await (await fetch(`http://${httpA}/v1/members`)).json()) as { name: string; state: string }[]).find((m) => m.name === 'cli-b')?.state, { timeout: 10_000 }).toBe('left');
    a.child.kill('SIGTERM');
    expect((await a.exit).code).toBe(0);
  }, 40_000);

  it('given a bad flag, then the binary prints the problem and exits 2', async () => {
    const r = run(['agent', '--nmae', 'x'], 10_000);
    const { code } = await r.exit;
    expect(code).toBe(2);
    expect(r.stderr()).toMatch(/gossip agent: Unknown option '--nmae'/);
  });
});
