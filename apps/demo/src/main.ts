/** The `gossip` command's dispatcher: subcommands, help, and the exit-status contract (2 for usage errors). */
import { EXIT_USAGE } from './args.js';
import { AGENT_USAGE, runAgent } from './commands/agent.js';
import { DEMO_USAGE, runDemo } from './commands/demo.js';
import { MEMBERS_USAGE, runMembers } from './commands/members.js';
import { isDemoError } from './errors.js';
import type { Io } from './io.js';

/** `gossip --help`. */
export const MAIN_USAGE = `Usage: gossip <command> [options]

Cluster membership and failure detection (SWIM + Lifeguard), wire-compatible with
HashiCorp memberlist, with a replicated key/value store on top.

Commands:
  demo      start a local N-node cluster, open its dashboard and watch it work
  agent     run one node with a replicated key/value store and an HTTP API
  members   print the member table of a running agent

Run \`gossip <command> --help\` for a command's options.
Start here:  gossip demo`;

const COMMANDS: Readonly<Record<string, { run: (argv: readonly string[], io: Io) => Promise<number>; usage: string }>> = {
  agent: { run: runAgent, usage: AGENT_USAGE },
  demo: { run: runDemo, usage: DEMO_USAGE },
  members: { run: runMembers, usage: MEMBERS_USAGE },
};

/** Runs the command line `argv` (without `node` and the script); resolves with the exit status. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(MAIN_USAGE);
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.err(`gossip: unknown command ${JSON.stringify(name)}`);
    io.err('Commands: demo, agent, members. Run `gossip --help`.');
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (isDemoError(err, 'ERR_USAGE')) {
      io.err(`gossip ${name}: ${err.message}`);
      io.err(`Run \`gossip ${name} --help\` for usage.`);
      return EXIT_USAGE;
    }
    io.err(`gossip ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
