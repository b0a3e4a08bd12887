import { describe, expect, it } from 'vitest';
import { jsonLine, renderMarkdown, scenarioTable } from './report.js';
import type { RunSummary, ScenarioOutcome } from './runner.js';
import { SCENARIOS } from './scenarios/index.js';

const crash = SCENARIOS.find((s) => s.name === 'crash')!;
const outcome: ScenarioOutcome = {
  scenario: crash,
  hosts: 32,
  goHosts: 0,
  ts: { pass: true, figures: { allDeadMs: 5600, falseDeaths: 0 }, summary: 'dead on all 31 in 5.6 s' },
  go: { pass: false, figures: { allDeadMs: null, falseDeaths: 2 }, summary: 'not dead everywhere' },
  durationMs: 9000,
};

describe('report', () => {
  it('given an outcome, then the JSON line starts with scenario, hosts and pass, TS figures flat and Go nested', () => {
    const line = jsonLine(outcome);
    expect(line).not.toContain('\n');
    const parsed = JSON.parse(line);
    expect(Object.keys(parsed).slice(0, 3)).toEqual(['scenario', 'hosts', 'pass']);
    expect(parsed).toMatchObject({ scenario: 'crash', hosts: 32, pass: true, allDeadMs: 5600, go: { pass: false, allDeadMs: null, falseDeaths: 2 } });
  });

  it('given an outcome, then the table puts TS and Go side by side with their verdicts', () => {
    const table = scenarioTable(outcome);
    expect(table).toMatch(/verdict\s+PASS\s+FAIL/);
    expect(table).toMatch(/allDeadMs\s+5600\s+—/);
  });

  it('given a run, then CHAOS.md holds the TS/Go table, says where Go fails and we pass, and the cleanup result', () => {
    const summary: RunSummary = {
      outcomes: [outcome],
      hosts: 32,
      go: 4,
      startedAt: new Date('2026-12-02T23:30:00Z'),
      durationMs: 600_000,
      loadBefore: '9.1 8.0 7.5',
      loadAfter: '10.2 9.0 8.0',
      stale: { namespaces: [], links: [], pids: [], rules: [] },
      leftovers: { namespaces: [], links: [], pids: [], rules: [] },
      notes: [],
    };
    const md = renderMarkdown(summary, 'pnpm chaos all --hosts 32 --go 4 --report');
    expect(md).toContain('| scenario | target | TS | Go v0.2.2 |');
    expect(md).toContain('✅ dead on all 31 in 5.6 s');
    expect(md).toContain('❌ not dead everywhere');
    expect(md).toContain('Where Go fails and we pass: **crash**');
    expect(md).toContain('nothing left (0 namespaces, 0 links, 0 nftables tables, 0 processes)');
    expect(md).toContain('loaded machine');
  });
});
