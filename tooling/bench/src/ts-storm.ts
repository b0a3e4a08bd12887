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
  // Keys are compared by identity (nodes pass the MetricNames arrays): this sink sees every counter of 1,024 nodes.
  incrCounter(key: readonly string[], value: number, labels?: MetricLabels): void {
    if (key === MetricNames.joinRetry) {
      this.retries += value;
      tally(this.retryCodes, String(labels?.code ?? '?'), value);
    } else if (key === MetricNames.streamRefused) {
      tally(this.refusals, String(labels?.limit ?? '?'), value);
    } else if (key === MetricNames.streamDropped) {
      tally(this.streamDrops, String(labels?.code ?? '?'), value);
    } else if (key === MetricNames.handoffDropped) {
      this.handoffDrops += value;
    }
  }
  setGauge(): void {}
  addSample(): void {}
}

function tally(m: Map<string, number>, key: string, value: number): void {
  m.set(key, (m.get(key) ?? 0) + value);
}

const WATCH_EVERY_MS = 5000;

/**
 * Every 5 s until stopped, one progress line: connections the seed accepted, members it lists, the fewest and mean
 * members a node lists, and event-loop turns per second. Node.js accepts one connection per listening socket per
 * turn, so in a storm the turn rate bounds the seed's joins per second.
 */
function watchStorm(
  nodes: readonly LocalBenchNode[],
  seed: LocalBenchNode,
  start: number,
  joins: { readonly returned: number },
  progress: (line: string) => void,
): () => void {
  let turns = 0;
  let spinning = true;
  const spin = (): void => {
    turns++;
    if (spinning) setImmediate(spin);
  };
  setImmediate(spin);
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    let fewest = Infinity;
    let sum = 0;
    for (const node of nodes) {
      const m = node.list.numMembers();
      fewest = Math.min(fewest, m);
      sum += m;
    }
    const accepted = seed.transport.snapshot().tcpAccepts;
    progress(
      `storm +${((now - start) / 1000).toFixed(0)} s: ${joins.returned} joins returned; seed accepted ${accepted} connections, ` +
        `lists ${seed.list.numMembers()}; ` +
        `members per node fewest ${fewest}, mean ${Math.round(sum / nodes.length)}; ${Math.round((turns * 1000) / (now - last))} event-loop turns/s`,
    );
    turns = 0;
    last = now;
  }, WATCH_EVERY_MS);
  return () => {
    spinning = false;
    clearInterval(timer);
  };
}

/** The code of a join's last failure (the first cause of its JoinError, with its transport cause), or its own. */
function failureCode(reason: unknown): string {
  const causes = (reason as { causes?: { error?: unknown }[] } | undefined)?.causes;
  const e = causes?.[0]?.error ?? reason;
  const code = codeOf(e);
  const inner = codeOf((e as { cause?: unknown } | undefined)?.cause);
  return inner === '?' ? code : `${code}/${inner}`;
}

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : '?';
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
    const joins = { returned: 0 };
    const stopWatching = watchStorm(nodes, seed, start, joins, progress);
    const results = await Promise.allSettled(rest.map((node) => node.join(seed.address).finally(() => joins.returned++)));
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
    stopWatching();
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
