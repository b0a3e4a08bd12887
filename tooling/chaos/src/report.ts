/** What a run prints: a table per scenario, one JSON line per scenario, and CHAOS.md. */
import type { Leftovers } from './netns.js';
import { isClean, type RunSummary, type ScenarioOutcome } from './runner.js';
import type { Figure, ScenarioResult } from './scenarios/index.js';

function cell(f: Figure | undefined): string {
  if (f === undefined || f === null) return '—';
  return String(f);
}

function verdict(r: ScenarioResult | string): string {
  return typeof r === 'string' ? `n/a (${r})` : r.pass ? 'PASS' : 'FAIL';
}

/** A plain-text table of one scenario: every figure, TS and Go side by side. */
export function scenarioTable(o: ScenarioOutcome): string {
  const go = typeof o.go === 'string' ? undefined : o.go;
  const keys = [...new Set([...Object.keys(o.ts.figures), ...Object.keys(go?.figures ?? {})])];
  const tsHead = o.goHosts > 0 ? `TS+Go (${o.hosts}+${o.goHosts})` : `TS (${o.hosts})`;
  const rows: string[][] = [
    ['', tsHead, typeof o.go === 'string' ? 'Go v0.2.2' : `Go v0.2.2 (${o.hosts})`],
    ['verdict', verdict(o.ts), verdict(o.go)],
    ...keys.map((k) => [k, cell(o.ts.figures[k]), go === undefined ? '' : cell(go.figures[k])]),
    ['summary', o.ts.summary, go?.summary ?? ''],
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]): string => r.map((v, c) => v.padEnd(widths[c] ?? 0)).join('  ').trimEnd();
  return [`== ${o.scenario.name}: ${o.scenario.title}`, `   target: ${o.scenario.target}`, ...rows.map((r) => `   ${line(r)}`)].join('\n');
}

/** The one JSON line of a scenario: `{ scenario, hosts, pass, ...TS figures, go: { pass, ...figures } }`. */
export function jsonLine(o: ScenarioOutcome): string {
  const go = typeof o.go === 'string' ? { skipped: o.go } : { pass: o.go.pass, ...o.go.figures };
  return JSON.stringify({ scenario: o.scenario.name, hosts: o.hosts, ...(o.goHosts > 0 ? { goHosts: o.goHosts } : {}), pass: o.ts.pass, ...o.ts.figures, durationMs: o.durationMs, go });
}

function leftoverText(l: Leftovers): string {
  return isClean(l)
    ? 'nothing left (0 namespaces, 0 links, 0 nftables tables, 0 processes)'
    : `LEFT BEHIND: namespaces ${l.namespaces.join(' ') || '0'}; links ${l.links.join(' ') || '0'}; tables ${l.rules.join(', ') || '0'}; pids ${l.pids.join(' ') || '0'}`;
}

function mdCell(r: ScenarioResult | string): string {
  if (typeof r === 'string') return `n/a (${r})`;
  return `${r.pass ? '✅' : '❌'} ${r.summary}`.replace(/\|/g, '\\|');
}

const COST_ROWS: Array<[string, string]> = [
  ['idleCpuMeanPct', 'idle CPU per host, mean (% of a core)'],
  ['idleCpuMaxPct', 'idle CPU per host, max'],
  ['idleRssMeanMiB', 'idle RSS per host, mean (MiB)'],
  ['idleRssMaxMiB', 'idle RSS per host, max'],
  ['churnCpuMeanPct', 'CPU per host under churn, mean'],
  ['churnCpuMaxPct', 'CPU per host under churn, max'],
  ['churnRssMeanMiB', 'RSS per host under churn, mean'],
  ['churnRssMaxMiB', 'RSS per host under churn, max'],
];

/** CHAOS.md: the TS/Go table, the cost table, every figure, and how the run was made. */
export function renderMarkdown(s: RunSummary, command: string, commit = 'unknown'): string {
  const out: string[] = [];
  out.push('# Chaos: real hosts, real faults', '');
  out.push(
    'Rendered by `pnpm chaos all --report` (tooling/chaos). Each host is a Linux network namespace on one bridge',
    '(198.18.0.0/15, no uplink, no default route) running one agent process: the `gossip agent` command for TS, a',
    'memberlist v0.2.2 program with the same observation API for Go (tooling/chaos/go-agent, Debian\'s sources). Both',
    "run memberlist's LAN timings (probe 1 s / 500 ms, suspicion multiplier 4, gossip every 200 ms to 3). Faults are",
    'nftables rules inside the namespaces (drops, `numgen random` loss), SIGSTOP/SIGCONT stalls and SIGKILL crashes.',
    "Every drop happens on the receiving host's input chain, as a network would drop: the sender's writes succeed.",
    'The all-Go cluster runs beside the TS one on the same bridge, taking the same faults at the same moments.',
    '',
  );
  out.push(`- Command: \`${command}\` at commit ${commit}`);
  out.push(`- Date: ${s.startedAt.toISOString()}; duration ${(s.durationMs / 60_000).toFixed(1)} min`);
  out.push(`- Hosts: ${s.hosts} TS and ${s.hosts} Go (side by side); ${s.go} Go hosts mixed into the TS cluster for the mixed scenarios`);
  out.push(`- Machine: ${s.loadBefore} load average before, ${s.loadAfter} after (1/5/15 min) on 2 cores shared with other work — figures were taken on a loaded machine, timings are upper bounds`);
  out.push(`- Cleanup: ${leftoverText(s.leftovers)}`);
  for (const n of s.notes) out.push(`- Note: ${n}`);
  out.push('', '## Scenarios', '', '| scenario | target | TS | Go v0.2.2 |', '|---|---|---|---|');
  for (const o of s.outcomes) {
    const name = o.goHosts > 0 ? `${o.scenario.name} (${o.hosts} TS + ${o.goHosts} Go)` : o.scenario.name;
    out.push(`| **${name}**: ${o.scenario.title} | ${o.scenario.target} | ${mdCell(o.ts)} | ${mdCell(o.go)} |`);
  }
  const goLoses = s.outcomes.filter((o) => o.ts.pass && typeof o.go !== 'string' && !o.go.pass);
  const tsLoses = s.outcomes.filter((o) => !o.ts.pass && typeof o.go !== 'string' && o.go.pass);
  out.push('');
  if (goLoses.length > 0) out.push(`Where Go fails and we pass: ${goLoses.map((o) => `**${o.scenario.name}** (Go: ${typeof o.go === 'string' ? '' : o.go.summary})`).join('; ')}.`, '');
  if (tsLoses.length > 0) out.push(`Where we fail and Go passes: ${tsLoses.map((o) => `**${o.scenario.name}** (TS: ${o.ts.summary})`).join('; ')}.`, '');
  const cost = s.outcomes.find((o) => o.scenario.name === 'cost');
  if (cost !== undefined) {
    const go = typeof cost.go === 'string' ? undefined : cost.go;
    out.push('## Cost per host (from /proc)', '', `| at ${cost.hosts} hosts | TS (\`gossip agent\`, Node.js) | Go v0.2.2 |`, '|---|---|---|');
    for (const [k, label] of COST_ROWS) out.push(`| ${label} | ${cell(cost.ts.figures[k])} | ${cell(go?.figures[k])} |`);
    out.push('', 'The TS agent is a whole Node.js process (V8 heap, HTTP API, key/value store); the Go agent only memberlist and a small HTTP server.', '');
  }
  out.push('## Every figure', '', 'Times in ms from the fault (or the heal); counts are events seen by any host.', '', '```text');
  for (const o of s.outcomes) out.push(scenarioTable(o), '');
  out.push('```', '');
  return out.join('\n');
}
