import type { Io } from '@gossip/agent';
import { describe, expect, it } from 'vitest';
import { demoMain } from './main.js';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe('the demo app command', () => {
  it('given `gossip --help`, then demo comes first, followed by the agent commands', async () => {
    const io = capture();
    expect(await demoMain(['--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/demo .*\n.*agent .*\n.*members/);
  });

  it('given `gossip demo --help`, then it prints its usage and exits 0', async () => {
    const io = capture();
    expect(await demoMain(['demo', '--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/^Usage: gossip demo/);
  });

  it.each([[['demo', '--nodes', '0']], [['demo', '--duration', 'tomorrow']]])(
    'given a bad demo flag (%j), then a clear message and a hint go to stderr and the exit status is 2',
    async (argv) => {
      const io = capture();
      expect(await demoMain(argv, io)).toBe(2);
      expect(io.stderr[0]).toMatch(/^gossip demo: /);
      expect(io.stderr[1]).toBe('Run `gossip demo --help` for usage.');
    },
  );
});
