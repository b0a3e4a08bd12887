/** `gossip join`, `gossip leave`, `gossip force-leave`: cluster membership operations through a running agent. */
import type { OpResult } from '../agent/control.js';
import { parseFlagsAndArgs, usageError } from '../args.js';
import { apiJson } from '../client.js';
import type { Io } from '../io.js';
import { CLIENT_FLAGS, CLIENT_FLAGS_USAGE, clientOptions } from './client-flags.js';

/** `gossip join --help`. */
export const JOIN_USAGE = `Usage: gossip join [options] HOST:PORT...

Tells a running agent to join a cluster through the given members (any live one will do).

Options:
${CLIENT_FLAGS_USAGE}`;

/** `gossip leave --help`. */
export const LEAVE_USAGE = `Usage: gossip leave [options]

Tells a running agent to leave the cluster gracefully and shut down (its peers see it as left, not failed).

Options:
${CLIENT_FLAGS_USAGE}`;

/** `gossip force-leave --help`. */
export const FORCE_LEAVE_USAGE = `Usage: gossip force-leave [options] NAME

Marks a failed member as left on every agent of the cluster, so it is no longer reported as failed
(as serf's force-leave). Only a member the agent sees as failed can be forced out.

Options:
${CLIENT_FLAGS_USAGE}`;

/** Prints one line per member of an operation's results; exit 1 if any failed. */
export function reportResults(io: Io, what: string, results: readonly OpResult[]): number {
  const failed = results.filter((r) => !r.ok && r.skipped !== true);
  const skipped = results.filter((r) => r.skipped === true);
  io.out(`${what}: ${results.length - failed.length - skipped.length} of ${results.length} members`);
  for (const r of skipped) io.err(`  ${r.node}: skipped, ${r.error ?? 'not a gossip agent'}`);
  for (const r of failed) io.err(`  ${r.node}: ${r.error ?? 'failed'}`);
  return failed.length === 0 ? 0 : 1;
}

function parse(argv: readonly string[], usage: string, io: Io, arity: 'none' | 'one' | 'some') {
  const { values, positionals } = parseFlagsAndArgs(argv, CLIENT_FLAGS);
  if (values.help === true) {
    io.out(usage);
    return undefined;
  }
  if (arity === 'none' && positionals.length > 0) usageError(`Unexpected argument '${positionals[0]}'`);
  if (arity === 'one' && positionals.length !== 1) usageError('give exactly one member name');
  if (arity === 'some' && positionals.length === 0) usageError('give at least one HOST:PORT to join through');
  return { client: clientOptions(values), args: positionals };
}

/** Runs `gossip join`. */
export async function runJoin(argv: readonly string[], io: Io): Promise<number> {
  const p = parse(argv, JOIN_USAGE, io, 'some');
  if (p === undefined) return 0;
  const { joined } = await apiJson<{ joined: number }>({ ...p.client, timeoutMs: 30_000 }, 'POST', '/join', { addrs: p.args });
  io.out(`Successfully joined cluster by contacting ${joined} node${joined === 1 ? '' : 's'}.`);
  return 0;
}

/** Runs `gossip leave`. */
export async function runLeave(argv: readonly string[], io: Io): Promise<number> {
  const p = parse(argv, LEAVE_USAGE, io, 'none');
  if (p === undefined) return 0;
  const { node } = await apiJson<{ node: string }>(p.client, 'POST', '/leave');
  io.out(`Graceful leave of ${node} started: the agent leaves the cluster and shuts down.`);
  return 0;
}

/** Runs `gossip force-leave`. */
export async function runForceLeave(argv: readonly string[], io: Io): Promise<number> {
  const p = parse(argv, FORCE_LEAVE_USAGE, io, 'one');
  if (p === undefined) return 0;
  const name = p.args[0] ?? '';
  const { results } = await apiJson<{ results: OpResult[] }>({ ...p.client, timeoutMs: 15_000 }, 'POST', `/force-leave/${encodeURIComponent(name)}`);
  return reportResults(io, `Forced ${name} to leave`, results);
}
