/** `gossip members`: the member table of a running agent (its `GET /v1/members`), filtered like serf's. */
import type { MemberJson } from '../agent/member-json.js';
import { parseChoice, parseFlagsAndArgs, usageError } from '../args.js';
import { apiJson } from '../client.js';
import type { Io } from '../io.js';
import { CLIENT_FLAGS, CLIENT_FLAGS_USAGE, clientOptions } from './client-flags.js';
import { parseTags } from '../agent/config.js';

/** `gossip members --help`. */
export const MEMBERS_USAGE = `Usage: gossip members [options]

Lists the members a running agent knows about.

Options:
  --status STATUS    only members in this state: alive, suspect, failed or left
  --tag KEY=VALUE    only members with this tag; VALUE is a regular expression (repeatable: all must match)
  --name REGEX       only members whose name matches
  --format FORMAT    table (default) or json
  --detailed         also incarnation, HTTP address, time in state and raw metadata
  --json             same as --format json
${CLIENT_FLAGS_USAGE}`;

const FLAGS = {
  ...CLIENT_FLAGS,
  status: { type: 'string' },
  tag: { type: 'string', multiple: true },
  name: { type: 'string' },
  format: { type: 'string' },
  detailed: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** serf's word for each state: `failed` is memberlist's `dead`. */
const STATUS_OF: Readonly<Record<MemberJson['state'], string>> = { alive: 'alive', suspect: 'suspect', dead: 'failed', left: 'left' };

function regex(flag: string, source: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch (err) {
    return usageError(`--${flag}: not a regular expression: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Keeps the members matching every given filter. */
export function filterMembers(members: readonly MemberJson[], filters: { status?: string; tags?: Record<string, string>; name?: string }): MemberJson[] {
  const name = filters.name === undefined ? undefined : regex('name', filters.name);
  const tags = Object.entries(filters.tags ?? {}).map(([k, v]) => [k, regex('tag', v)] as const);
  return members.filter(
    (m) =>
      (filters.status === undefined || STATUS_OF[m.state] === filters.status) &&
      (name === undefined || name.test(m.name)) &&
      tags.every(([k, re]) => Object.hasOwn(m.tags, k) && re.test(m.tags[k] ?? '')),
  );
}

function formatAge(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 3_600_000)}h`;
}

/** Renders members as an aligned text table (serf's columns; more with `detailed`). */
export function formatMemberTable(members: readonly MemberJson[], detailed = false): string {
  const header = ['NAME', 'ADDRESS', 'STATUS', 'TAGS', ...(detailed ? ['INCARNATION', 'HTTP', 'AGE', 'META'] : [])];
  const rows = members.map((m) => [
    m.name,
    `${m.addr.includes(':') ? `[${m.addr}]` : m.addr}:${m.port}`,
    STATUS_OF[m.state],
    Object.entries(m.tags).map(([k, v]) => `${k}=${v}`).join(',') || '-',
    ...(detailed ? [String(m.incarnation), m.http ?? '-', formatAge(m.stateAgeMs), m.metaEncoding === 'base64' ? `base64:${m.meta}` : m.meta || '-'] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Runs `gossip members`. Exit 1 when the agent cannot be reached. */
export async function runMembers(argv: readonly string[], io: Io): Promise<number> {
  const { values: v, positionals } = parseFlagsAndArgs(argv, FLAGS);
  if (v.help === true) {
    io.out(MEMBERS_USAGE);
    return 0;
  }
  if (positionals.length > 0) usageError(`Unexpected argument '${positionals[0]}'`);
  const format = v.json === true ? 'json' : parseChoice('format', v.format ?? 'table', ['table', 'json'] as const);
  const status = v.status === undefined ? undefined : parseChoice('status', v.status, ['alive', 'suspect', 'failed', 'left'] as const);
  const filters = { status, tags: parseTags(v.tag ?? []), name: v.name };
  filterMembers([], filters); // Bad expressions are usage errors before anything is sent.
  const members = filterMembers(await apiJson<MemberJson[]>(clientOptions(v), 'GET', '/members'), filters);
  io.out(format === 'json' ? JSON.stringify(members, null, 2) : formatMemberTable(members, v.detailed === true));
  return 0;
}
