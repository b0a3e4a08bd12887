/**
 * One chaos run: builds the testbed (stale leftovers of an earlier run removed first), starts the TS cluster and
 * its all-Go twin, runs each scenario on both side by side (the same faults at the same moments), and tears
 * everything down whatever happens — scenario failure, runner error or Ctrl-C — then checks nothing is left.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { type AgentPrograms, resolvePrograms } from './agents.js';
import { Cluster } from './cluster.js';
import { ChaosError } from './errors.js';
import { EventLog } from './events.js';
import { pollUntil } from './exec.js';
import type { Host } from './host.js';
import { createBridge, findLeftovers, type Leftovers, raiseNeighbourLimits, removeEverything } from './netns.js';
import { Rng } from './random.js';
import { SCENARIOS, type Scenario, type ScenarioResult } from './scenarios/index.js';
import { secs } from './scenarios/analysis.js';

/** Options of {@link runChaos}. */
export interface RunOptions {
  /** Scenario names, in the order to run (mixed ones are moved last). */
  readonly scenarios: readonly string[];
  /** TS hosts (and all-Go twin hosts). */
  readonly hosts: number;
  /** Go hosts mixed into the TS cluster for the mixed scenarios. */
  readonly go: number;
  /** Also run every scenario on an all-Go cluster of the same size. */
  readonly twin: boolean;
  /** Short durations (CI). */
  readonly quick: boolean;
  readonly seed: number;
  readonly signal: AbortSignal;
  /** Progress lines. */
  readonly progress: (line: string) => void;
  /** Called as each scenario finishes. */
  readonly onOutcome?: (outcome: ScenarioOutcome) => void;
  /** Appends every observation of each scenario here, as JSON lines (for diagnosis). */
  readonly eventsFile?: string;
}

/** One scenario's verdicts. */
export interface ScenarioOutcome {
  readonly scenario: Scenario;
  readonly hosts: number;
  /** Go hosts in the TS cluster (mixed scenarios). */
  readonly goHosts: number;
  readonly ts: ScenarioResult;
  /** The all-Go twin's result, or why there is none. */
  readonly go: ScenarioResult | string;
  readonly durationMs: number;
}

/** The whole run. */
export interface RunSummary {
  readonly outcomes: ScenarioOutcome[];
  readonly hosts: number;
  readonly go: number;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly loadBefore: string;
  readonly loadAfter: string;
  /** What an earlier run had left behind (removed at start). */
  readonly stale: Leftovers;
  /** What is left after cleanup (empty when clean). */
  readonly leftovers: Leftovers;
  /** Notes for the report (a twin that could not run, resets). */
  readonly notes: string[];
}

/** Whether a run passed: every TS (and mixed) scenario passed and nothing was left behind. */
export function runPassed(summary: RunSummary): boolean {
  return summary.outcomes.every((o) => o.ts.pass) && isClean(summary.leftovers);
}

/** True when no namespace, link or process is left. */
export function isClean(l: Leftovers): boolean {
  return l.namespaces.length === 0 && l.links.length === 0 && l.pids.length === 0 && l.rules.length === 0;
}

function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

/** Resolves scenario names (`all` = every one) or throws `ERR_CHAOS_USAGE`. */
export function selectScenarios(names: readonly string[]): Scenario[] {
  const wanted = names.includes('all') ? SCENARIOS.map((s) => s.name) : names;
  const unknown = wanted.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) throw new ChaosError('ERR_CHAOS_USAGE', `unknown scenario ${unknown.join(', ')} (one of: all, ${SCENARIOS.map((s) => s.name).join(', ')})`);
  const picked = SCENARIOS.filter((s) => wanted.includes(s.name));
  return [...picked.filter((s) => s.mixed !== true), ...picked.filter((s) => s.mixed === true)];
}

/** Brings `cluster` back to all hosts running, no faults, converged; restarts it from scratch if it will not. */
async function ensureHealthy(cluster: Cluster, signal: AbortSignal, report: (l: string) => void): Promise<void> {
  await cluster.clearFaults();
  await cluster.start();
  // A cluster that a scenario left split (memberlist never heals a partition by itself) would wait out any bound:
  // 20 s, then a fresh start costs less.
  if ((await cluster.waitConverged(20_000, signal, cluster.hosts)) !== undefined) return;
  report(`${cluster.label} did not converge within 20 s after the previous scenario: every host restarted`);
  await cluster.stopAll(false);
  await cluster.start();
  if ((await cluster.waitConverged(90_000, signal, cluster.hosts)) === undefined) {
    throw new ChaosError('ERR_CHAOS_AGENT', `${cluster.label}: the cluster does not converge even after a restart`);
  }
}

async function runOn(scenario: Scenario, cluster: Cluster, opts: RunOptions, seed: number): Promise<ScenarioResult> {
  const rng = new Rng(seed);
  try {
    return await scenario.run({
      cluster,
      rng,
      signal: opts.signal,
      dur: (full, quick) => (opts.quick ? quick : full),
      note: (m) => opts.progress(`  ${cluster.label} ${scenario.name}: ${m}`),
    });
  } catch (err) {
    if (opts.signal.aborted) throw err;
    const message = err instanceof Error ? err.message : String(err);
    return { pass: false, figures: { error: message }, summary: `error: ${message.split('\n')[0] ?? ''}` };
  }
}

async function waitClean(): Promise<Leftovers> {
  // Namespace teardown is asynchronous in the kernel (veths vanish a moment after their namespace): bounded wait.
  const clean = await pollUntil(async () => {
    const l = await findLeftovers();
    return isClean(l) ? l : undefined;
  }, 10_000, 250);
  return clean ?? findLeftovers();
}

/** Runs the scenarios; always cleans up. */
export async function runChaos(opts: RunOptions): Promise<RunSummary> {
  const scenarios = selectScenarios(opts.scenarios);
  const startedAt = new Date();
  const loadBefore = loadAverage();
  const notes: string[] = [];
  const outcomes: ScenarioOutcome[] = [];
  const stale = await removeEverything();
  if (!isClean(stale)) {
    opts.progress(`removed leftovers of an earlier run: ${stale.namespaces.length} namespaces, ${stale.links.length} links, ${stale.rules.length} nftables tables, ${stale.pids.length} processes`);
  }
  const clusters: Cluster[] = [];
  // Every host learns the address of every host of its cluster, plus the runner's.
  const perCluster = opts.hosts + opts.go + 1;
  const restoreNeighbourLimits = raiseNeighbourLimits(perCluster * (opts.hosts * (opts.twin ? 2 : 1) + opts.go + 1) + 1024);
  try {
    const needGo = opts.twin || (opts.go > 0 && scenarios.some((s) => s.mixed === true));
    let programs: AgentPrograms;
    try {
      programs = await resolvePrograms(needGo);
    } catch (err) {
      if (!needGo) throw err;
      notes.push(`Go hosts unavailable (${(err as Error).message}); TS only`);
      opts.progress(notes.at(-1) ?? '');
      programs = await resolvePrograms(false);
    }
    const goReady = programs.goBin !== undefined;
    await createBridge();
    const ts = new Cluster('ts', new EventLog(), programs);
    await ts.addHosts('t', 'ts', opts.hosts, 'ts');
    clusters.push(ts);
    let twin: Cluster | undefined;
    if (opts.twin && goReady) {
      twin = new Cluster('go', new EventLog(), programs);
      await twin.addHosts('g', 'go', opts.hosts, 'go');
      clusters.push(twin);
    }
    let mixedPeers: Host[] | undefined;
    for (const [i, scenario] of scenarios.entries()) {
      const seed = opts.seed + i;
      if (scenario.mixed === true) {
        if (!goReady || opts.go === 0) {
          notes.push(`${scenario.name} skipped: ${opts.go === 0 ? '--go 0' : 'Go unavailable'}`);
          opts.progress(notes.at(-1) ?? '');
          continue;
        }
        mixedPeers ??= await ts.addHosts('m', 'go', opts.go, 'mgo');
      }
      const inPlay = scenario.mixed === true ? [ts] : [ts, ...(twin ? [twin] : [])];
      opts.progress(`[${secs(Date.now() - startedAt.getTime())}] ${scenario.name}: ${scenario.title}`);
      const t0 = Date.now();
      await Promise.all(
        inPlay.map(async (c) => {
          if (scenario.startsCluster === true) await c.stopAll(false);
          else {
            await ensureHealthy(c, opts.signal, (line) => {
              notes.push(`before ${scenario.name}: ${line}`);
              opts.progress(`  ${line}`);
            });
          }
        }),
      );
      const [tsResult, goResult] = await Promise.all(inPlay.map((c) => runOn(scenario, c, opts, seed)));
      const outcome: ScenarioOutcome = {
        scenario,
        hosts: opts.hosts,
        goHosts: scenario.mixed === true ? opts.go : 0,
        ts: tsResult as ScenarioResult,
        go: goResult ?? (scenario.mixed === true ? 'mixed cluster' : 'no all-Go twin in this run'),
        durationMs: Date.now() - t0,
      };
      outcomes.push(outcome);
      if (opts.eventsFile !== undefined) {
        const lines = inPlay.flatMap((c) => c.log.query({ since: t0 }).map((e) => JSON.stringify({ scenario: scenario.name, cluster: c.label, ...e })));
        appendFileSync(opts.eventsFile, lines.map((l) => `${l}\n`).join(''));
      }
      opts.onOutcome?.(outcome);
    }
  } finally {
    await Promise.all(clusters.map((c) => c.stopAll(false).catch(() => undefined)));
    await removeEverything().catch(() => undefined);
    restoreNeighbourLimits();
  }
  const leftovers = await waitClean();
  return { outcomes, hosts: opts.hosts, go: opts.go, startedAt, durationMs: Date.now() - startedAt.getTime(), loadBefore, loadAfter: loadAverage(), stale, leftovers, notes };
}
