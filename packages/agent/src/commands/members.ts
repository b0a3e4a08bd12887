/** `gossip members`: prints the member table of a running agent, read from its HTTP API. */
import type { MemberJson } from '../agent/member-json.js';
import { parseFlags, parseHostPort } from '../args.js';
import type { Io } from '../io.js';

/** `gossip members --help`. */
export const MEMBERS_USAGE = `Usage: gossip members [--http IP:PORT]

Prints the members a running agent knows about (its GET /v1/members).

Options:
  --http IP:PORT   the agent's HTTP API (default 127.0.0.1:7480, the first node of \`gossip demo\`)
  --json           print the raw JSON instead of a table
  -h, --help       show this help`;

const FLAGS = {
  http: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Renders members as an aligned text table. */
export function formatMemberTable(members: readonly MemberJson[]): string {
  const header = ['NAME', 'ADDRESS', 'STATE', 'INCARNATION', 'HTTP'];
  const rows = members.map((m) => [m.name, `${m.addr.includes(':') ? `[${m.addr}]` : m.addr}:${m.port}`, m.state, String(m.incarnation), m.http ?? '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Runs `gossip members`. Exit 1 when the agent cannot be reached. */
export async function runMembers(argv: readonly string[], io: Io): Promise<number> {
  const v = parseFlags(argv, FLAGS);
  if (v.help === true) {
    io.out(MEMBERS_USAGE);
    return 0;
  }
  const http = parseHostPort('http', v.http ?? '127.0.0.1:7480', false);
  let members: MemberJson[];
  try {
    const res = await fetch(`http://${http}/v1/members`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    members = (await res.json()) as MemberJson[];
  } catch (err) {
    io.err(`gossip members: cannot read http://${http}/v1/members: ${err instanceof Error ? err.message : String(err)}`);
    io.err('Is an agent running there? Start one with `gossip agent ... --http IP:PORT` or `gossip demo`.');
    return 1;
  }
  io.out(v.json === true ? JSON.stringify(members, null, 2) : formatMemberTable(members));
  return 0;
}
