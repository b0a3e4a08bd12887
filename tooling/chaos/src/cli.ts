#!/usr/bin/env node
/**
 * `pnpm chaos <scenario|all> [--hosts N] [--go M] [--json] [--report] [--quick] [--seed S] [--ts-only]`.
 * Exit 0 when every TS and mixed scenario passed and nothing was left behind; 1 otherwise; 2 on bad usage;
 * 130 on Ctrl-C (after cleanup).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ChaosError } from './errors.js';
import { run } from './exec.js';
import { checkAvailable, findLeftovers, removeEverything } from './netns.js';
import { jsonLine, renderMarkdown, scenarioTable } from './report.js';
import { isClean, runChaos, runPassed, selectScenarios } from './runner.js';
import { SCENARIOS } from './scenarios/index.js';

const USAGE = `Usage: pnpm chaos <scenario|all> [options]

Runs gossip agents in network namespaces (one host each, 198.18.0.0/15, no route out) and injects real
faults: nftables drops and loss, SIGSTOP/SIGCONT stalls, SIGKILL crashes. Needs root, iproute2 and nftables.

Scenarios: all, ${SCENARIOS.map((s) => s.name).join(', ')}

Options:
  --hosts N    TS hosts (and hosts of the all-Go twin cluster), 2..200 (default 6)
  --go M       Go hosts mixed into the TS cluster in the mixed-* scenarios (default 2; 0 skips them)
  --ts-only    no all-Go twin cluster side by side
  --json       only the JSON lines on stdout (progress on stderr)
  --report     write CHAOS.md at the repository root
  --quick      short durations (the CI subset)
  --seed S     seed for victims and stall lengths (default 1)
  --events F   append every observed member event to file F (JSON lines)
  -h, --help   this help`;

function int(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new ChaosError('ERR_CHAOS_USAGE', `--${name} must be an integer in ${min}..${max}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      hosts: { type: 'string' },
      go: { type: 'string' },
      'ts-only': { type: 'boolean' },
      json: { type: 'boolean' },
      report: { type: 'boolean' },
      quick: { type: 'boolean' },
      seed: { type: 'string' },
      events: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new ChaosError('ERR_CHAOS_USAGE', 'name a scenario or all');
  selectScenarios(positionals);
  const hosts = int('hosts', values.hosts, 6, 2, 200);
  const go = int('go', values.go, 2, 0, 50);
  const json = values.json === true;
  await checkAvailable();

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    process.stderr.write(interrupts === 1 ? '\nchaos: interrupted; cleaning up (Ctrl-C again to force)\n' : '\nchaos: forced exit; run again to remove leftovers\n');
    if (interrupts === 1) controller.abort();
    else process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const progress = (line: string): void => void process.stderr.write(`${line}\n`);
  try {
    const summary = await runChaos({
      scenarios: positionals,
      hosts,
      go,
      twin: values['ts-only'] !== true,
      quick: values.quick === true,
      seed: int('seed', values.seed, 1, 0, 2 ** 31),
      signal: controller.signal,
      progress,
      eventsFile: values.events,
      onOutcome: (o) => {
        if (!json) console.log(`${scenarioTable(o)}\n`);
        console.log(jsonLine(o));
      },
    });
    const clean = isClean(summary.leftovers);
    progress(`cleanup: ${clean ? 'nothing left behind' : `LEFT BEHIND ${JSON.stringify(summary.leftovers)}`}; load ${summary.loadBefore} → ${summary.loadAfter}; ${(summary.durationMs / 1000).toFixed(0)} s`);
    if (values.report === true) {
      const here = dirname(fileURLToPath(import.meta.url));
      const file = join(here, '..', '..', '..', 'CHAOS.md');
      const commit = (await run('git', ['-C', here, 'rev-parse', '--short', 'HEAD']).catch(() => 'unknown')).trim();
      writeFileSync(file, renderMarkdown(summary, `pnpm chaos ${process.argv.slice(2).join(' ')}`, commit));
      progress(`wrote ${file}`);
    }
    return runPassed(summary) ? 0 : 1;
  } catch (err) {
    if (controller.signal.aborted) {
      await removeEverything().catch(() => undefined);
      const l = await findLeftovers();
      progress(`cleanup after Ctrl-C: ${isClean(l) ? 'nothing left behind' : `LEFT BEHIND ${JSON.stringify(l)}`}`);
      return 130;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (err: unknown) => {
    if (err instanceof ChaosError && err.code === 'ERR_CHAOS_USAGE') {
      process.stderr.write(`chaos: ${err.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`chaos: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    await removeEverything().catch(() => undefined);
    process.exit(err instanceof ChaosError && err.code === 'ERR_CHAOS_UNAVAILABLE' ? 3 : 1);
  },
);
