// pnpm --filter @gossip/interop bench:go --n=32 --preset=lan --scenario=all
// Builds and runs the Go memberlist benchmark harness and prints its JSON report.
import { parseArgs } from 'node:util';
import { runGoBench, type GoBenchScenario } from '../src/index.js';

// pnpm forwards a literal `--` on some invocations: drop it so the flags still parse.
const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    n: { type: 'string', default: '8' },
    preset: { type: 'string', default: 'lan' },
    scenario: { type: 'string', default: 'all' },
    'idle-seconds': { type: 'string', default: '20' },
    'fp-seconds': { type: 'string', default: '20' },
    reps: { type: 'string', default: '1' },
    'idle-warmup': { type: 'string', default: '0' },
  },
});

const report = await runGoBench({
  n: Number(values.n),
  preset: values.preset as 'lan' | 'local',
  scenario: values.scenario as GoBenchScenario,
  idleSeconds: Number(values['idle-seconds']),
  idleWarmupSeconds: Number(values['idle-warmup']),
  fpSeconds: Number(values['fp-seconds']),
  reps: Number(values.reps),
});
console.log(JSON.stringify(report, null, 2));
