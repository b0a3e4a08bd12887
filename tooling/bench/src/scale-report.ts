/**
 * The scale table of BENCHMARKS.md (issue #15): join storms through one seed, TS and Go side by side per N. It is
 * rendered inside markers so that `pnpm bench -- --scale-only` can replace it in an existing BENCHMARKS.md.
 */
import type { ClusterReport, StormReport } from './report-types.js';
import type { ScaleCell } from './run-result.js';

export const SCALE_BEGIN = '<!-- scale:begin -->';
export const SCALE_END = '<!-- scale:end -->';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function formation(s: StormReport, boundNote: string): string {
  if (s.formed) return seconds(s.formationMs);
  const seen = s.nodeListsLocked === true ? 'node lists locked: some NumMembers call did not return' : `fewest members a node listed: ${s.minMembersSeen}`;
  return `**did not form** in ${seconds(s.formationMs)}${boundNote} (${seen})`;
}

function row(impl: string, n: number, load: number | undefined, report: ClusterReport | undefined): string {
  const s = report?.storm;
  if (report === undefined) return `| ${n.toLocaleString('en-US')} | ${impl} | not run | | | | | | | |`;
  if (s === undefined) {
    const why = (report.errors ?? ['no report']).join('; ').replaceAll('|', '/');
    return `| ${n.toLocaleString('en-US')} | ${impl} | error: ${why} | | | | | | | ${load ?? '?'} |`;
  }
  const held = s.holdSeconds > 0;
  const dash = '—';
  return [
    '',
    n.toLocaleString('en-US'),
    impl,
    formation(s, ''),
    `${seconds(s.joinsReturnedMs)}; ${s.failedJoins} failed`,
    String(s.failedAttempts),
    held ? s.cpuMsPerNodePerSecond.toFixed(2) : dash,
    held ? `${(s.rssBytesPerNode / 1024).toFixed(0)} KiB` : dash,
    held ? `${s.accusations} / ${s.suspectedByMoreThanOne}` : dash,
    held ? String(s.declaredDead) : dash,
    String(load ?? '?'),
    '',
  ]
    .join(' | ')
    .trim();
}

/** The section, markers included. */
export function renderScaleSection(cells: readonly ScaleCell[]): string[] {
  const times = cells.map((c) => c.startedAt.slice(0, 16).replace('T', ' ')).sort();
  const when = times.length === 0 ? '?' : times[0] === times[times.length - 1] ? times[0] : `${times[0]} to ${times[times.length - 1]}`;
  return [
    SCALE_BEGIN,
    '## Scale: join storm through one seed',
    '',
    `Run ${when} UTC. N nodes of one implementation in one process (real UDP/TCP sockets on loopback, LAN preset), ` +
      'created first (not timed); then all but node-000 call join(node-000) at the same moment. **Formation**: until every node ' +
      'lists all N members (memberlist `NumMembers`, ours `numMembers`; alive or suspect); bound 2 min (3 min at 2,048), ' +
      'checked once the joins have returned (a TS join attempt waits up to `joinTimeoutMs`, 30 s, so the join phase can outlast ' +
      'the bound). ' +
      '**Joins**: until the last join call returned, and how many rejected. **Failed join attempts**: push/pulls of join calls ' +
      'that failed — for Go v0.2.2, whose `Join` tries once, the failed joins; for TS, whose `join()` retries a busy seed with a ' +
      'jittered backoff (`joinAttempts`), every failed try, retried ones included. Then a **60 s window** on the formed cluster: ' +
      'process CPU ÷ N, process RSS at its end ÷ N (everything the process holds, runtime included), local suspicions of ' +
      '(healthy) nodes and how many nodes more than one peer suspected, and (observer, node) pairs declared dead. ' +
      'One implementation at a time, Go first; the load column is the 1-minute load average when that run started (2 cores, shared ' +
      'with other engineers\' work: read the figures as taken on a loaded machine).',
    '',
    '| N | impl | formation | joins returned | failed join attempts | idle CPU (ms/node/s) | RSS per node | suspicions / nodes suspected by > 1 | declared dead | load |',
    '|---:|---|---|---|---:|---:|---:|---|---:|---:|',
    ...cells.flatMap((c) => [row('Go', c.n, c.load.go, c.go), row('TS', c.n, c.load.ts, c.ts)].filter((_, i) => i === 1 || c.go !== undefined)),
    '',
    SCALE_END,
  ];
}

/** `markdown` with its scale section replaced by (or, if it has none, given before "## Findings") the new one. */
export function spliceScale(markdown: string, cells: readonly ScaleCell[]): string {
  const section = renderScaleSection(cells).join('\n');
  const begin = markdown.indexOf(SCALE_BEGIN);
  const end = markdown.indexOf(SCALE_END);
  if (begin >= 0 && end > begin) return markdown.slice(0, begin) + section + markdown.slice(end + SCALE_END.length);
  const findings = markdown.indexOf('\n## Findings');
  if (findings >= 0) return `${markdown.slice(0, findings + 1)}${section}\n\n${markdown.slice(findings + 1)}`;
  return `${markdown.trimEnd()}\n\n${section}\n`;
}
