/** The demo app's `gossip` command: every command of `@gossip/agent` plus `gossip demo`. */
import { COMMANDS, type Command, type Io, main } from '@gossip/agent';
import { DEMO_USAGE, runDemo } from './commands/demo.js';

/** The published commands plus the demo tour, first in `gossip --help` as the place to start. */
export const DEMO_COMMANDS: Readonly<Record<string, Command>> = {
  demo: { run: runDemo, usage: DEMO_USAGE, summary: 'start a local N-node cluster, open its dashboard and watch it work' },
  ...COMMANDS,
};

/** Runs the command line `argv` with {@link DEMO_COMMANDS}; resolves with the exit status. */
export function demoMain(argv: readonly string[], io: Io): Promise<number> {
  return main(argv, io, DEMO_COMMANDS);
}
