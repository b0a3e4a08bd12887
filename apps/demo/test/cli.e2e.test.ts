/**
 * The built command as a newcomer runs it: `node dist/cli.js demo --nodes 3 --duration 25s`. It must say what it
 * does, measure each step and exit 0 on its own; Ctrl-C must stop it cleanly too; a bad flag exits 2.
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

  it('given `gossip demo --nodes 3 --duration 25s`, then it narrates every step with timings and exits 0 by itself', async () => {
    const r = run(['demo', '--nodes', '3', '--duration', '25s', '--http-port', '0'], 50_000);
    await waitFor(() => /Dashboard: +http:\/\/127\.0\.0\.1:\d+\//.test(r.stdout()), 15_000);
    const url = /Dashboard: +(http:\/\/\S+)/.exec(r.stdout())![1]!;
    const health = (await (await fetch(`${url}v1/health`)).json()) as { node: string; demo: boolean };
    expect(health).toMatchObject({ node: 'node-1', demo: true });

    const { code } = await r.exit;
    const out = r.stdout();
    expect(code, `stdout:\n${out}\nstderr:\n${r.stderr()}`).toBe(0);
    const timed = String.raw`after \d+(\.\d+)? (ms|s)`;
    for (const line of [
      /^gossip demo: 3 nodes on 127\.0\.0\.1/m,
      new RegExp(`✓ join: node-2, node-3 joined through node-1; every node sees 3 alive ${timed}`),
      new RegExp(`✓ write: node-2 set greeting="hello from node-2"; on all 3 nodes ${timed}`),
      /✓ conflict: node-1 set color=blue and node-3 set color=orange at the same moment; all 3 nodes agree on "orange"/,
      /✗ crash: node-3 killed: sockets closed, no leave message/,
      new RegExp(`node-[12] suspects node-3 ${timed}`),
      new RegExp(`dead on all 2 survivors ${timed}`),
      /↻ revive: node-3 restarts on the same address and rejoins/,
      new RegExp(`alive on all 3 nodes ${timed} \\(it refuted its death: incarnation [2-9]`),
      /node-3 has the key written while it was down .*all 3 identical/,
      new RegExp(`✓ delete: node-1 deleted greeting; gone from all 3 nodes ${timed}`),
      /Tour done\./,
      /duration reached: stopping 3 nodes/,
      /stopped\. Bye\.$/m,
    ]) {
      expect(out).toMatch(line);
    }
  }, 65_000);

  it('given Ctrl-C (SIGINT) while the demo runs, then it stops the nodes and exits 0', async () => {
    const r = run(['demo', '--nodes', '2', '--duration', '0', '--http-port', '0'], 30_000);
    await waitFor(() => r.stdout().includes('✓ join'), 15_000);
    r.child.kill('SIGINT');
    const { code } = await r.exit;
    expect(code).toBe(0);
    expect(r.stdout()).toMatch(/SIGINT: stopping/);
    expect(r.stdout()).toMatch(/stopped\. Bye\.$/m);
  }, 40_000);

  it('given a bad flag, then the binary prints the problem and exits 2', async () => {
    const r = run(['demo', '--nodez', '3'], 10_000);
    const { code } = await r.exit;
    expect(code).toBe(2);
    expect(r.stderr()).toMatch(/gossip demo: Unknown option '--nodez'/);
  });
});
