import { describe, expect, it } from 'vitest';
import { parseDemoArgs } from './demo.js';

function usage(fn: () => unknown): string {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, 'expected an ERR_USAGE error').toMatchObject({ code: 'ERR_USAGE' });
  return (thrown as Error).message;
}

describe('gossip demo flags', () => {
  it('given demo flags, then defaults are 5 nodes, 60 s, HTTP from 7480, Local preset; out-of-range values are refused', () => {
    expect(parseDemoArgs([])).toMatchObject({ nodes: 5, durationMs: 60_000, httpPort: 7480, preset: 'local', help: false });
    expect(parseDemoArgs(['--nodes', '3', '--duration', '20s', '--http-port', '0'])).toMatchObject({ nodes: 3, durationMs: 20_000, httpPort: 0 });
    expect(usage(() => parseDemoArgs(['--nodes', '1']))).toMatch(/--nodes must be an integer from 2 to 16/);
    expect(usage(() => parseDemoArgs(['--nodes', 'five']))).toMatch(/--nodes/);
    expect(usage(() => parseDemoArgs(['--preset', 'wan']))).toMatch(/--preset must be one of local, lan/);
  });});
