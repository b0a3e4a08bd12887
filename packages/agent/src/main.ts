/** The `gossip` command's dispatcher: subcommands, help, and the exit-status contract (2 for usage errors). */
import { EXIT_USAGE } from './args.js';
import { AGENT_USAGE, runAgent } from './commands/agent.js';
import { FORCE_LEAVE_USAGE, JOIN_USAGE, LEAVE_USAGE, runForceLeave, runJoin, runLeave } from './commands/cluster.js';
import { INFO_USAGE, MONITOR_USAGE, runInfo, runMonitor } from './commands/info.js';
import { KEYGEN_USAGE, KEYS_USAGE, runKeygen, runKeys } from './commands/keys.js';
import { MEMBERS_USAGE, runMembers } from './commands/members.js';
import { VERSION } from './version.js';
import { isDemoError } from './errors.js';
import type { Io } from './io.js';

const VERSION_USAGE = 'Usage: gossip version (or gossip --version)';

function runVersion(argv: readonly string[], io: Io): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(VERSION_USAGE);
    return Promise.resolve(0);
  }
  io.out(`gossip ${VERSION} (@gossip/agent, memberlist wire protocol, Node.js ${process.versions.node})`);
  return Promise.resolve(0);
}

/** A subcommand of `gossip`. */
export interface Command {
  /** Runs the command with its arguments; resolves with the exit status. */
  readonly run: (argv: readonly string[], io: Io) => Promise<number>;
  /** Its `--help` text. */
  readonly usage: string;
  /** One line for `gossip --help`. */
  readonly summary: string;
}

/** The commands of the published `gossip` bin, in `gossip --help` order. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  agent: { run: runAgent, usage: AGENT_USAGE, summary: 'run one node with a replicated key/value store and an HTTP API' },
  members: { run: runMembers, usage: MEMBERS_USAGE, summary: 'list the members a running agent knows (filters: status, tag, name)' },
  join: { run: runJoin, usage: JOIN_USAGE, summary: 'tell a running agent to join a cluster' },
  leave: { run: runLeave, usage: LEAVE_USAGE, summary: 'tell a running agent to leave the cluster gracefully and stop' },
  'force-leave': { run: runForceLeave, usage: FORCE_LEAVE_USAGE, summary: 'mark a failed member as left on every agent' },
  info: { run: runInfo, usage: INFO_USAGE, summary: "show a running agent's configuration, health and counters" },
  monitor: { run: runMonitor, usage: MONITOR_USAGE, summary: "stream a running agent's log and events" },
  keys: { run: runKeys, usage: KEYS_USAGE, summary: 'list, install, use or remove encryption keys across the cluster' },
  keygen: { run: runKeygen, usage: KEYGEN_USAGE, summary: 'print a new random encryption key' },
  version: { run: runVersion, usage: VERSION_USAGE, summary: 'print the version' },
};

/** `gossip --help` for a set of commands. */
export function mainUsage(commands: Readonly<Record<string, Command>> = COMMANDS): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}   ${c.summary}`);
  return `Usage: gossip <command> [options]

Cluster membership and failure detection (SWIM + Lifeguard), wire-compatible with
HashiCorp memberlist, with a replicated key/value store on top.

Commands:
${lines.join('\n')}

Run \`gossip <command> --help\` for a command's options.`;
}

/**
 * Runs the command line `argv` (without `node` and the script); resolves with the exit status. `commands`
 * defaults to the published set; the demo app passes a superset (`gossip demo`).
 */
export async function main(argv: readonly string[], io: Io, commands: Readonly<Record<string, Command>> = COMMANDS): Promise<number> {
  const [first, ...rest] = argv;
  const name = first === '--version' || first === '-v' ? 'version' : first;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainUsage(commands));
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    io.err(`gossip: unknown command ${JSON.stringify(name)}`);
    io.err(`Commands: ${Object.keys(commands).join(', ')}. Run \`gossip --help\`.`);
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
