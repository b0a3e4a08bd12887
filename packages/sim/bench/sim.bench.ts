/**
 * `pnpm bench` for @gossip/sim: how fast and how big a simulated cluster is. Each case forms an N-node cluster
 * (LAN preset, 0.5 ms + 0.5 ms jitter links, no faults), then runs simulated minutes and measures them:
 *   storm:N      a join storm onto one seed until every node sees every node alive; the first minute after
 *                convergence still drains the storm's broadcast queues, so three minutes are run and the last two
 *                are the steady state.
 *   converged:N  every node starts with every other node listed alive (`Simulation.startConverged`): the state a
 *                finished join storm leaves, without its traffic, which at N = 10,000 would be about 2·10⁹ gossip
 *                deliveries. Two minutes are run.
 * Default cases: storm:1000,converged:1000,converged:10000 (override with GOSSIP_SIM_BENCH_CASES). The 1,000-node
 * pair shows the two formations reach the same steady state.
 * Reports wall-clock seconds per simulated minute, heap per node (after a forced GC) and heap per member entry
 * (heap / N², since every node holds the whole member list). A run that exceeds the heap budget
 * (GOSSIP_SIM_BENCH_HEAP_MB, default 75% of free memory, at most 16,000) or the wall budget
 * (GOSSIP_SIM_BENCH_WALL_S, default 900) stops with the figures it reached. The 10,000-node case needs about
 * 12 GB of heap: the bench script raises V8's limit to 18 GB. Prints a table and writes bench-results/sim.json at
 * the repository root.
 *
 * There is no Go counterpart to compare with: memberlist has no simulator; the nearest anchor is that its
 * `nodeState` costs roughly 150-250 bytes per member entry, which the per-entry figure can be set beside.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Simulation } from '../src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

type Formation = 'storm' | 'converged';
const cases = (process.env.GOSSIP_SIM_BENCH_CASES ?? 'storm:1000,converged:1000,converged:10000').split(',').map((c): {
  formation: Formation;
  nodes: number;
} => {
  const [formation, size] = c.trim().split(':');
  if ((formation !== 'storm' && formation !== 'converged') || !Number.isInteger(Number(size))) {
    throw new Error(`GOSSIP_SIM_BENCH_CASES: expected storm:N or converged:N, got ${JSON.stringify(c)}`);
  }
  return { formation, nodes: Number(size) };
});
const heapBudgetMb = Number(process.env.GOSSIP_SIM_BENCH_HEAP_MB ?? Math.min(16_000, Math.round((freemem() / 1e6) * 0.75)));
const wallBudgetS = Number(process.env.GOSSIP_SIM_BENCH_WALL_S ?? 900);

interface Row {
  formation: Formation;
  nodes: number;
  completed: boolean;
  stoppedBecause?: string;
  /** Storm: virtual seconds from the first join to convergence. */
  formedVirtualS?: number;
  /** Wall seconds to form the cluster (storm: joins until convergence; converged: the preload). */
  formedWallS?: number;
  /** Storm: UDP packets and megabytes (UDP + streams) the cluster sent until it converged. */
  formedPackets?: number;
  formedMegabytes?: number;
  /** Storm only: wall seconds for the first simulated minute after convergence (the storm's queues draining). */
  wallSecondsDrainMinute?: number;
  /** Wall seconds of each measured simulated minute (steady state). */
  wallSecondsPerMinute?: number[];
  /** Their mean: wall-clock seconds per simulated minute. */
  wallSecondsPerSimulatedMinute?: number;
  /** For runs that stopped: virtual ms reached and wall seconds spent. */
  stoppedAtVirtualMs?: number;
  stoppedAfterWallS?: number;
  /** For runs that stopped: heap the converged cluster would need at the largest completed run's bytes/entry. */
  projectedHeapGb?: number;
  heapMbTotal?: number;
  heapKbPerNode?: number;
  heapBytesPerMemberEntry?: number;
  packetsPerNodePerSecond?: number;
  avgMembersKnown?: number;
}

class BudgetExceeded extends Error {}

/** Heap per member entry measured at 1,000-10,000 nodes (about 119 B), with headroom for the preload's peak. */
const BYTES_PER_ENTRY_ESTIMATE = 135;

function heapMb(): number {
  return process.memoryUsage().heapUsed / 1e6;
}

const seconds = (fromMs: number): number => Number(((performance.now() - fromMs) / 1000).toFixed(2));

async function benchOne(formation: Formation, n: number): Promise<Row> {
  const started = performance.now();
  const sim = new Simulation({ seed: `bench-${n}`, trace: false });
  let polls = 0;
  const guard = (): void => {
    if (++polls % 512 !== 0) return;
    if (heapMb() > heapBudgetMb) throw new BudgetExceeded(`heap above ${heapBudgetMb} MB`);
    if ((performance.now() - started) / 1000 > wallBudgetS) throw new BudgetExceeded(`wall time above ${wallBudgetS} s`);
  };
  const row: Row = { formation, nodes: n, completed: false };
  const names = await sim.addNodes(n);
  const stop = (err: unknown): Row => {
    row.stoppedBecause = err instanceof Error ? err.message : String(err);
    row.stoppedAtVirtualMs = Number(sim.now().toFixed(1));
    row.stoppedAfterWallS = seconds(started);
    row.avgMembersKnown = Math.round(names.reduce((s, x) => s + sim.memberlist(x).numMembers(), 0) / n);
    row.heapMbTotal = Math.round(heapMb());
    return row;
  };
  try {
    if (formation === 'storm') {
      // The join storm, driven under the budget guard (joinAll would run it unguarded).
      const seed = sim.node(names[0]!).address;
      let settled = 0;
      let failed: Error | undefined;
      for (const name of names.slice(1)) {
        sim.memberlist(name).join([seed]).then(
          () => settled++,
          (err: unknown) => {
            settled++;
            failed ??= err instanceof Error ? err : new Error('join failed', { cause: err });
          },
        );
      }
      await sim.waitFor(() => (guard(), settled === n - 1), { maxMs: 600_000, what: 'join storm' });
      if (failed !== undefined) throw failed;
      const convergedIn = await sim.waitFor(() => (guard(), sim.converged()), { maxMs: 600_000, what: 'convergence' });
      row.formedVirtualS = Number((convergedIn / 1000).toFixed(2));
      row.formedWallS = seconds(started);
      const traffic = sim.network.stats();
      row.formedPackets = traffic.packetsSent;
      row.formedMegabytes = Number(((traffic.bytesSent + traffic.streamBytes) / 1e6).toFixed(1));
      // The first minute after convergence still drains the storm's broadcast queues.
      const t = performance.now();
      await sim.runFor(60_000);
      row.wallSecondsDrainMinute = seconds(t);
    } else {
      // Every node will hold every member: refuse up front rather than let V8 die half-way through the preload.
      const neededMb = (n * n * BYTES_PER_ENTRY_ESTIMATE) / 1e6;
      if (neededMb > heapBudgetMb) throw new BudgetExceeded(`needs ≈ ${Math.round(neededMb)} MB of heap, budget ${heapBudgetMb} MB`);
      const t = performance.now();
      sim.startConverged();
      row.formedWallS = seconds(t);
      if (heapMb() > heapBudgetMb) throw new BudgetExceeded(`heap above ${heapBudgetMb} MB`);
    }
  } catch (err) {
    return stop(err);
  }
  const packetsBefore = sim.network.stats().packetsSent;
  row.wallSecondsPerMinute = [];
  for (let minute = 0; minute < 2; minute++) {
    const t = performance.now();
    await sim.runFor(60_000);
    row.wallSecondsPerMinute.push(seconds(t));
  }
  row.wallSecondsPerSimulatedMinute = Number((row.wallSecondsPerMinute.reduce((a, b) => a + b, 0) / 2).toFixed(2));
  row.packetsPerNodePerSecond = Number(((sim.network.stats().packetsSent - packetsBefore) / n / 120).toFixed(2));
  if (!sim.converged()) {
    return stop(new Error('the cluster did not stay converged through the measured minutes'));
  }
  gc();
  const heap = process.memoryUsage().heapUsed;
  row.heapMbTotal = Math.round(heap / 1e6);
  row.heapKbPerNode = Math.round(heap / n / 1024);
  row.heapBytesPerMemberEntry = Math.round(heap / (n * n));
  row.avgMembersKnown = Math.round(names.reduce((s, x) => s + sim.memberlist(x).numMembers(), 0) / n);
  row.completed = true;
  await sim.shutdown();
  return row;
}

const rows: Row[] = [];
for (const c of cases) {
  console.error(`simulating ${c.nodes} nodes (${c.formation})...`);
  const row = await benchOne(c.formation, c.nodes);
  const perEntry = rows.filter((r) => r.completed).at(-1)?.heapBytesPerMemberEntry;
  if (!row.completed && perEntry !== undefined) row.projectedHeapGb = Number(((perEntry * c.nodes * c.nodes) / 1e9).toFixed(1));
  rows.push(row);
  gc();
}

const fmt = (v: number | undefined, digits = 1): string => (v === undefined ? '—' : v.toFixed(digits));
console.log('\n@gossip/sim — simulated cluster cost (LAN preset; formed, then two measured simulated minutes)\n');
console.log(
  '| nodes | formed by | forming: virtual s / wall s | wall s per simulated min | heap MB | heap KB/node | heap B/member entry | packets/node/s | note |',
);
console.log('|---:|---|---:|---:|---:|---:|---:|---:|---|');
for (const r of rows) {
  const notes: string[] = [];
  if (r.formedPackets !== undefined) notes.push(`forming sent ${r.formedPackets} packets, ${r.formedMegabytes} MB`);
  if (r.wallSecondsDrainMinute !== undefined) notes.push(`first minute after convergence (queues draining): ${fmt(r.wallSecondsDrainMinute, 2)} s`);
  if (!r.completed) {
    notes.push(
      `stopped (${r.stoppedBecause}) at ${r.stoppedAtVirtualMs} ms virtual after ${r.stoppedAfterWallS} s wall, ` +
        `nodes knew ${r.avgMembersKnown} members on average; converged it would need ≈ ${r.projectedHeapGb ?? '?'} GB of heap`,
    );
  }
  console.log(
    `| ${r.nodes} | ${r.formation === 'storm' ? 'join storm' : 'started converged'} | ${fmt(r.formedVirtualS)} / ${fmt(r.formedWallS)} | ${fmt(r.wallSecondsPerSimulatedMinute, 2)} | ${r.heapMbTotal ?? '—'} | ${r.heapKbPerNode ?? '—'} | ${r.heapBytesPerMemberEntry ?? '—'} | ${fmt(r.packetsPerNodePerSecond, 2)} | ${notes.join('; ')} |`,
  );
}

const outDir = join(fileURLToPath(new URL('../../../', import.meta.url)), 'bench-results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'sim.json'),
  `${JSON.stringify({ benchmark: '@gossip/sim', date: new Date().toISOString(), node: process.version, heapBudgetMb, wallBudgetS, rows }, null, 2)}\n`,
);
console.log(`\nwrote ${join(outDir, 'sim.json')}`);
