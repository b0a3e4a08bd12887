/**
 * Issue #16's "done when", as a newcomer does it: from an empty folder, pack every publishable package, `npm
 * install` the tarballs (offline: nothing comes from a registry), then drive the installed `gossip` through npx:
 * --version, keygen, two agents tagged role=web joining each other, members filtered as JSON, info, monitor, a
 * full key rotation, force-leave of a crashed third agent, and leave. Loopback only; every process is killed
 * at the end whatever happens.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const PKG = fileURLToPath(new URL('..', import.meta.url));
const ENV = { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

interface Proc {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly exit: Promise<number | null>;
}

const procs: Proc[] = [];
let dir: string;

function start(args: string[]): Proc {
  const child = spawn(join(dir, 'node_modules/.bin/gossip'), args, { cwd: dir, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const proc = { child, stdout: () => out, stderr: () => err, exit };
  procs.push(proc);
  return proc;
}

/** `npx gossip …` in the install folder; resolves with stdout, rejects with stderr on a non-zero exit. */
function npx(args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('npx', ['gossip', ...args], { cwd: dir, env: ENV, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`npx gossip ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Member {
  name: string;
  state: string;
  tags: Record<string, string>;
}

describe('installing gossip from packed tarballs into an empty folder', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gossip-install-'));
    // The bundle a user gets must be the current sources (the libraries are built by the test pipeline).
    execFileSync(process.execPath, [fileURLToPath(import.meta.resolve('tsup/dist/cli-default.js')), '--silent'], { cwd: PKG, stdio: 'pipe' });
    const packages = readdirSync(join(REPO, 'packages'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(REPO, 'packages', d.name))
      .filter((p) => (JSON.parse(readFileSync(join(p, 'package.json'), 'utf8')) as { private?: boolean }).private !== true);
    for (const p of packages) execFileSync('pnpm', ['pack', '--pack-destination', dir], { cwd: p, stdio: 'pipe' });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'install-test', private: true }));
    const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
    expect(tarballs).toContain('gossip-agent-0.0.0.tgz');
    // --legacy-peer-deps: the metrics adapters' peers (prom-client, OpenTelemetry) are the user's choice, not
    // something this flow needs; the install stays offline (every tarball's own dependencies are among them).
    execFileSync('npm', ['install', '--offline', '--legacy-peer-deps', '--no-audit', '--no-fund', ...tarballs.map((t) => `./${t}`)], { cwd: dir, env: ENV, stdio: 'pipe' });
  }, 120_000);

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exit));
    rmSync(dir, { recursive: true, force: true });
  });

  it('given the installed command, then --version, keygen, two tagged agents, members, info, monitor, key rotation, force-leave and leave all work', async () => {
    expect(await npx(['--version'])).toMatch(/^gossip \d+\.\d+\.\d+/);
    const key1 = (await npx(['keygen'])).trim();
    expect(Buffer.from(key1, 'base64')).toHaveLength(32);

    // Two agents tagged role=web, the second joining the first; a third to crash later.
    const common = ['--bind', '127.0.0.1:0', '--http', '127.0.0.1:0', '--preset', 'local', '--encrypt', key1];
    const a = start(['agent', '--name', 'web-1', '--tag', 'role=web', ...common]);
    const httpOf = (p: Proc): Promise<string> => until('agent HTTP address', () => /HTTP API and dashboard: http:\/\/(\S+)\//.exec(p.stdout())?.[1], 20_000);
    const httpA = await httpOf(a);
    const gossipA = /gossiping on (\S+)/.exec(a.stdout())![1]!;
    const b = start(['agent', '--name', 'web-2', '--tag', 'role=web', ...common, '--join', gossipA]);
    const c = start(['agent', '--name', 'batch-1', '--tag', 'role=batch', ...common, '--join', gossipA]);
    const httpB = await httpOf(b);
    await httpOf(c);

    const members = async (...filters: string[]): Promise<Member[]> => JSON.parse(await npx(['members', '--http', httpA, '--format', 'json', ...filters])) as Member[];
    await until('three alive members', async () => ((await members('--status', 'alive')).length === 3 ? true : undefined));
    const web = await members('--status', 'alive', '--tag', 'role=web');
    expect(web.map((m) => [m.name, m.state, m.tags])).toEqual([
      ['web-1', 'alive', { role: 'web' }],
      ['web-2', 'alive', { role: 'web' }],
    ]);
    expect((await members('--name', 'batch-.*')).map((m) => m.name)).toEqual(['batch-1']);
    expect(await npx(['members', '--http', httpA])).toMatch(/^web-2 +127\.0\.0\.1:\d+ +alive +role=web$/m);

    // The dashboard ships in the package and is served by the installed agent.
    const page = await fetch(`http://${httpA}/`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<title>gossip/);

    const info = await npx(['info', '--http', httpB]);
    expect(info).toMatch(/name +=\s+web-2/);
    expect(info).toMatch(/incarnation = \d+/);
    expect(info).toMatch(/healthScore += 0/);

    // monitor follows A's log while the keys rotate across the cluster.
    const monitor = start(['monitor', '--http', httpA, '--log-level', 'debug']);
    await until('monitor to attach', () => (monitor.stderr().includes('Monitoring the agent') ? true : undefined), 10_000);
    const key2 = (await npx(['keygen'])).trim();
    expect(await npx(['keys', 'install', key2, '--http', httpA])).toMatch(/Installed the key: 3 of 3 members/);
    await until('every member to hold the new key', async () => ((await npx(['keys', 'list', '--http', httpB])).includes(`${key2}  [3/3]`) ? true : undefined));
    expect(await npx(['keys', 'use', key2, '--http', httpB])).toMatch(/Now using the key: 3 of 3 members/);
    expect(await npx(['keys', 'remove', key1, '--http', httpA])).toMatch(/Removed the key: 3 of 3 members/);
    const keys = await until('the old key gone everywhere', async () => {
      const list = await npx(['keys', 'list', '--http', httpA]);
      return list.includes(key1) ? undefined : list;
    });
    expect(keys).toMatch(new RegExp(`${key2.replace(/[+/=]/g, '\\$&')}  \\[3/3\\]  primary here  \\(primary on 3\\)`));
    await until('monitor to show the rotation', () => (monitor.stdout().includes('keyring changed') ? true : undefined), 10_000);
    monitor.child.kill('SIGINT');
    expect(await monitor.exit).toBe(0);
    // Still one cluster on the new key.
    expect((await members('--status', 'alive')).length).toBe(3);

    // force-leave: batch-1 crashes; once failed, an operator forces it out and every agent reports it left.
    c.child.kill('SIGKILL');
    await until('batch-1 to be failed', async () => ((await members('--status', 'failed')).length === 1 ? true : undefined), 40_000);
    expect(await npx(['force-leave', 'batch-1', '--http', httpB])).toMatch(/Forced batch-1 to leave: 2 of 2 members/);
    await until('batch-1 left on A', async () => ((await members('--status', 'left')).map((m) => m.name).join() === 'batch-1' ? true : undefined), 10_000);

    // leave: web-2 leaves gracefully and its process exits 0; web-1 sees it left.
    expect(await npx(['leave', '--http', httpB])).toMatch(/Graceful leave of web-2 started/);
    expect(await b.exit).toBe(0);
    let seen = 'nothing';
    await until('web-2 left on A', async () => {
      const state = (await members('--name', 'web-2'))[0]?.state;
      seen = state ?? 'absent';
      return state === 'left' ? true : undefined;
    }, 30_000).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; A last showed web-2 as ${seen}`);
    });

    // A stopped agent: the CLI says which address and why.
    a.child.kill('SIGTERM');
    expect(await a.exit).toBe(0);
    await expect(npx(['members', '--http', httpA])).rejects.toThrow(new RegExp(`cannot reach the agent at http://${httpA}/v1/members: connection refused \\(ECONNREFUSED\\)`));
  }, 180_000);
});
