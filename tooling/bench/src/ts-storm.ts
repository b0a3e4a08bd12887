/**
 * The scale scenario on TS nodes, field for field as tooling/bench/go/storm.go: a join storm of N nodes through
 * one seed (each node's own `join()`, with the library's retry), until every node lists all N; then a hold
 * window on the formed cluster counting suspicions, deaths, CPU and RSS.
 */
import { type MetricLabels, MetricNames, type MetricsSink } from '@gossip/core';
import type { StormReport } from './report-types.js';
import { round1 } from './stats.js';
import { nodeName, waitUntil, sleep } from './ts-cluster.js';
import { type BenchPreset, LocalBenchNode } from './ts-node.js';

const RETRY_KEY = MetricNames.joinRetry.join('.');
const REFUSED_KEY = MetricNames.streamRefused.join('.');
const STREAM_DROPPED_KEY = MetricNames.streamDropped.join('.');
const HANDOFF_DROPPED_KEY = MetricNames.handoffDropped.join('.');

/**
 * Counts the join retries of every node it is given to, by the failure that caused them, and the inbound streams
 * refused, by the limit that refused them (the rest of the metrics is dropped): the storm's progress lines say
 * why joins were turned away.
 */
class RetryCounter implements MetricsSink {
  retries = 0;
  readonly retryCodes = new Map<string, number>();
  readonly refusals = new Map<string, number>();
  readonly streamDrops = new Map<string, number>();
  handoffDrops = 0;
  incrCounter(key: readonly string[], value: number, labels?: MetricLabels): void {
    const k = key.join('.');
    if (k === RETRY_KEY) {
      this.retries += value;
      tally(this.retryCodes, String(labels?.code ?? '?'), value);
    } else if (k === REFUSED_KEY) {
      tally(this.refusals, String(labels?.limit ?? '?'), value);
    } else if (k === STREAM_DROPPED_KEY) {
      tally(this.streamDrops, String(labels?.code ?? '?'), value);
    } else if (k === HANDOFF_DROPPED_KEY) {
      this.handoffDrops += value;
    }
  }
  setGauge(): void {}
  addSample(): void {}
}

function tally(m: Map<string, number>, key: string, value: number): void {
  m.set(key, (m.get(key) ?? 0) + value);
}

/** The code of a join's last failure (the first cause of its JoinError), or its own code. */
function failureCode(reason: unknown): string {
  const causes = (reason as { causes?: { error?: { code?: unknown; cause?: { code?: unknown } } }[] }).causes;
  const e = causes?.[0]?.error ?? (reason as { code?: unknown });
  const inner = (e as { cause?: { code?: unknown } }).cause?.code;
  return `${String(e.code ?? '?')}${inner === undefined ? '' : `/${String(inner)}`}`;
}

function describe(m: Map<string, number>): string {
  return m.size === 0 ? 'none' : [...m].map(([k, v]) => `${k} ${v}`).join(', ');
}

/** Forms `n` nodes by a join storm through node-000 (bounded by `formTimeoutMs`), then watches them `holdMs`. */
export async function measureStorm(
  n: number,
  preset: BenchPreset,
  formTimeoutMs: number,
  holdMs: number,
  progress: (line: string) => void,
): Promise<StormReport> {
  const metrics = new RetryCounter();
  const nodes: LocalBenchNode[] = [];
  try {
    for (let i = 0; i < n; i++) nodes.push(await LocalBenchNode.create(nodeName(i), preset, undefined, { metrics }));
    const r: StormReport = {
      n,
      formed: false,
      formationMs: 0,
      joinsReturnedMs: 0,
      failedJoins: 0,
      failedAttempts: 0,
      minMembersSeen: 0,
      holdSeconds: 0,
      cpuMsPerNodePerSecond: 0,
      rssBytesPerNode: 0,
      accusations: 0,
      suspectedByMoreThanOne: 0,
      declaredDead: 0,
      processCpuSeconds: 0,
    };
    const [seed, ...rest] = nodes as [LocalBenchNode, ...LocalBenchNode[]];
    const start = Date.now();
    const results = await Promise.allSettled(rest.map((node) => node.join(seed.address)));
    r.joinsReturnedMs = Date.now() - start;
    r.failedJoins = results.filter((x) => x.status === 'rejected').length;
    // A failed join's last attempt is not followed by a retry, so it is not in the retry counter.
    r.failedAttempts = metrics.retries + r.failedJoins;
    progress(`storm: joins returned after ${r.joinsReturnedMs} ms, ${r.failedJoins} failed, ${metrics.retries} retries`);
    const lastFailures = new Map<string, number>();
    for (const x of results) if (x.status === 'rejected') tally(lastFailures, failureCode(x.reason), 1);
    progress(
      `storm: retries by cause: ${describe(metrics.retryCodes)}; failed joins by last cause: ${describe(lastFailures)}; ` +
        `streams refused by limit: ${describe(metrics.refusals)}; streams dropped: ${describe(metrics.streamDrops)}; ` +
        `datagram messages dropped at a full handoff queue: ${metrics.handoffDrops}`,
    );
    r.formed = await waitUntil(formTimeoutMs - (Date.now() - start), () => nodes.every((node) => node.list.numMembers() >= n));
    r.formationMs = Date.now() - start;
    r.minMembersSeen = Math.min(...nodes.map((node) => node.list.numMembers()));
    progress(`storm: formed=${r.formed} after ${r.formationMs} ms (fewest members seen ${r.minMembersSeen})`);
    if (!r.formed || holdMs <= 0) return r;
    const from = Date.now();
    const cpu0 = process.cpuUsage();
    await sleep(holdMs);
    const cpu = process.cpuUsage(cpu0);
    const to = Date.now();
    const elapsed = (to - from) / 1000;
    const total = process.cpuUsage();
    r.holdSeconds = round1(elapsed);
    r.cpuMsPerNodePerSecond = Math.round(((cpu.user + cpu.system) / 1000 / n / elapsed) * 100) / 100;
    r.processCpuSeconds = round1((total.user + total.system) / 1e6);
    r.rssBytesPerNode = round1(process.memoryUsage().rss / n);
    const accusers = new Map<string, Set<string>>();
    for (const node of nodes) {
      const w = node.observer.since(from, to);
      r.accusations += w.accusations.length;
      r.declaredDead += w.deaths.length;
      for (const a of w.accusations) {
        const by = accusers.get(a.target) ?? new Set<string>();
        by.add(node.name);
        accusers.set(a.target, by);
      }
    }
    r.suspectedByMoreThanOne = [...accusers.values()].filter((by) => by.size > 1).length;
    return r;
  } finally {
    await Promise.allSettled(nodes.map((node) => node.shutdown()));
  }
}
