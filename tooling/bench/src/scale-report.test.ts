import { describe, expect, it } from 'vitest';
import type { ClusterReport, StormReport } from './report-types.js';
import type { ScaleCell } from './run-result.js';
import { SCALE_BEGIN, SCALE_END, renderScaleSection, spliceScale } from './scale-report.js';

const storm = (over: Partial<StormReport>): StormReport => ({
  n: 256,
  formed: true,
  formationMs: 4400,
  joinsReturnedMs: 900,
  failedJoins: 0,
  failedAttempts: 3,
  minMembersSeen: 256,
  holdSeconds: 60,
  cpuMsPerNodePerSecond: 0.31,
  rssBytesPerNode: 200 * 1024,
  accusations: 0,
  suspectedByMoreThanOne: 0,
  declaredDead: 0,
  processCpuSeconds: 10,
  ...over,
});
const report = (s: StormReport): ClusterReport => ({ implementation: 'x', n: s.n, preset: 'lan', reps: 1, wallSeconds: 1, storm: s });
const cell: ScaleCell = {
  n: 256,
  startedAt: '2026-12-02T23:00:00.000Z',
  load: { go: 1.5, ts: 2.5 },
  go: report(storm({ formed: false, formationMs: 120_000, minMembersSeen: 250, holdSeconds: 0, failedJoins: 7, failedAttempts: 7 })),
  ts: report(storm({})),
};

describe('the scale table', () => {
  it('given a Go storm that did not form and a TS one that did, then each row says so with its load', () => {
    const lines = renderScaleSection([cell]);
    const goRow = lines.find((l) => l.includes('| Go |'));
    const tsRow = lines.find((l) => l.includes('| TS |'));
    expect(goRow).toContain('**did not form** in 120.0 s (fewest members a node listed: 250)');
    expect(goRow).toContain('| 1.5 |');
    expect(tsRow).toContain('| 4.4 s |');
    expect(tsRow).toContain('| 0.31 | 200 KiB | 0 / 0 | 0 | 2.5 |');
  });

  it('given a file with a scale section, when splicing a new one, then only the section between the markers changes', () => {
    const before = `# B\n\n${SCALE_BEGIN}\nOLD-SECTION\n${SCALE_END}\n\n## Findings\n\ntext\n`;
    const after = spliceScale(before, [cell]);
    expect(after).not.toContain('OLD-SECTION');
    expect(after.startsWith('# B\n\n')).toBe(true);
    expect(after.endsWith(`${SCALE_END}\n\n## Findings\n\ntext\n`)).toBe(true);
  });

  it('given a file without one, when splicing, then the section goes right before the findings', () => {
    const after = spliceScale('# B\n\ntable\n\n## Findings\n\ntext\n', [cell]);
    expect(after.indexOf(SCALE_BEGIN)).toBeGreaterThan(after.indexOf('table'));
    expect(after.indexOf(SCALE_END)).toBeLessThan(after.indexOf('## Findings'));
  });
});
