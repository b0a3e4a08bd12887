import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Io } from './io.js';
import { main } from './main.js';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe('gossip command dispatch', () => {
  it.each([['agent'], ['members'], ['join'], ['leave'], ['force-leave'], ['info'], ['monitor'], ['keys'], ['keygen'], ['version']])('given `gossip %s --help`, then it prints its usage and exits 0', async (cmd) => {
    const io = capture();
    expect(await main([cmd, '--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(new RegExp(`^Usage: gossip ${cmd}`));
  });

  it('given `gossip --help`, then it lists the commands and exits 0; given no command, exit 2', async () => {
    const io = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/agent .*\n.*members .*\n.*join/);
    expect(await main([], capture())).toBe(2);
  });

  it('given an unknown command, then it says so on stderr and exits 2', async () => {
    const io = capture();
    expect(await main(['serve'], io)).toBe(2);
    expect(io.stderr[0]).toBe('gossip: unknown command "serve"');
  });

  it.each([
    [['agent', '--nmae', 'x']],
    [['members', '--http', 'nowhere']],
    [['members', 'extra']],
  ])('given a bad flag (%j), then a clear message and a hint go to stderr and the exit status is 2', async (argv) => {
    const io = capture();
    expect(await main(argv, io)).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr[0]).toMatch(new RegExp(`^gossip ${argv[0]}: `));
    expect(io.stderr[1]).toBe(`Run \`gossip ${argv[0]} --help\` for usage.`);
  });

  it('given `gossip members` pointed at a port where nothing listens, then it explains and exits 1', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    const io = capture();
    expect(await main(['members', '--http', `127.0.0.1:${port}`], io)).toBe(1);
    expect(io.stderr[0]).toBe(
      `gossip members: cannot reach the agent at http://127.0.0.1:${port}/v1/members: connection refused (ECONNREFUSED): nothing listens there. Is \`gossip agent\` running with --http 127.0.0.1:${port}?`,
    );
  });

  it('given --version or version, then the package version is printed', async () => {
    for (const argv of [['--version'], ['version']]) {
      const io = capture();
      expect(await main(argv, io)).toBe(0);
      expect(io.stdout[0]).toMatch(/^gossip \d+\.\d+\.\d+/);
    }
  });

  it('given keygen, then a fresh base64 AES-256 key is printed each time', async () => {
    const a = capture();
    const b = capture();
    await main(['keygen'], a);
    await main(['keygen'], b);
    expect(Buffer.from(a.stdout[0] ?? '', 'base64')).toHaveLength(32);
    expect(a.stdout[0]).not.toBe(b.stdout[0]);
  });

  it.each([
    [['join']],
    [['force-leave']],
    [['force-leave', 'a', 'b']],
    [['keys', 'rotate']],
    [['keys', 'install']],
    [['members', '--status', 'dead']],
    [['members', '--name', '(']],
    [['members', '--format', 'xml']],
    [['monitor', '--log-level', 'loud']],
  ])('given a bad client command line (%j), then exit 2 before anything is sent', async (argv) => {
    const io = capture();
    expect(await main([...argv, '--http', '127.0.0.1:9'], io)).toBe(2);
  });
});
