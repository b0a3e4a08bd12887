/**
 * `pnpm bench` for @gossip/sim: how fast and how big a simulated cluster is. For each N (default 1,000 and
 * 10,000; override with GOSSIP_SIM_BENCH_SIZES=1000,5000): a join storm onto one seed until every node sees every
 * node alive, then two simulated minutes — the first still drains the storm, the second is steady state (LAN
 * preset, 0.5 ms + 0.5 ms jitter links, no faults).
 * Reports wall-clock seconds per simulated minute, heap per node (after a forced GC) and heap per member entry
 * (heap / N², since every node holds the whole member list). A run that exceeds the heap budget
 * (GOSSIP_SIM_BENCH_HEAP_MB, default 3,000) or the wall budget (GOSSIP_SIM_BENCH_WALL_S, default 900) stops
 * with the figures it reached. Prints a table and writes bench-results/sim.json at the repository root.
 *
 * There is no Go counterpart to compare with: memberlist has no simulator; the nearest anchor is that its
 * `nodeState` costs roughly 150-250 bytes per member entry, which the per-entry figure can be set beside.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Simulation } from '../src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const sizes = (process.env.GOSSIP_SIM_BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const heapBudgetMb = Number(process.env.GOSSIP_SIM_BENCH_HEAP_MB ?? 3000);
const wallBudgetS = Number(process.env.GOSSIP_SIM_BENCH_WALL_S ?? 900);

interface Row {
  nodes: number;
  completed: boolean;
  stoppedBecause?: string;
  joinStormVirtualS?: number;
  joinStormWallS?: number;
  /** Wall seconds for the first simulated minute after convergence (the storm's queues still draining). */
  wallSecondsFirstMinute?: number;
  /** Wall seconds per simulated minute in steady state (the second minute after convergence). */
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

function heapMb(): number {
  return process.memoryUsage().heapUsed / 1e6;
}

async function benchOne(n: number): Promise<Row> {
  const started = performance.now();
  const sim = new Simulation({ seed: `bench-${n}`, trace: false });
  let polls = 0;
  const guard = (): void => {
    if (++polls % 512 !== 0) return;
    if (heapMb() > heapBudgetMb) throw new BudgetExceeded(`heap above ${heapBudgetMb} MB`);
    if ((performance.now() - started) / 1000 > wallBudgetS) throw new BudgetExceeded(`wall time above ${wallBudgetS} s`);
  };
  const row: Row = { nodes: n, completed: false };
  const names = await sim.addNodes(n);
  try {
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
    row.joinStormVirtualS = Number((convergedIn / 1000).toFixed(2));
    row.joinStormWallS = Number(((performance.now() - started) / 1000).toFixed(1));
  } catch (err) {
    row.stoppedBecause = err instanceof Error ? err.message : String(err);
    row.stoppedAtVirtualMs = Number(sim.now().toFixed(1));
    row.stoppedAfterWallS = Number(((performance.now() - started) / 1000).toFixed(1));
    row.avgMembersKnown = Math.round(names.reduce((s, x) => s + sim.memberlist(x).numMembers(), 0) / n);
    row.heapMbTotal = Math.round(heapMb());
    return row;
  }
  // The first minute after convergence still drains the storm's broadcast queues; the second is steady state.
  let t = performance.now();
  await sim.runFor(60_000);
  row.wallSecondsFirstMinute = Number(((performance.now() - t) / 1000).toFixed(2));
  const packetsBefore = sim.network.stats().packetsSent;
  t = performance.now();
  await sim.runFor(60_000);
  row.wallSecondsPerSimulatedMinute = Number(((performance.now() - t) / 1000).toFixed(2));
  row.packetsPerNodePerSecond = Number(((sim.network.stats().packetsSent - packetsBefore) / n / 60).toFixed(2));
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
for (const n of sizes) {
  console.error(`simulating ${n} nodes...`);
  const row = await benchOne(n);
  const perEntry = rows.filter((r) => r.completed).at(-1)?.heapBytesPerMemberEntry;
  if (!row.completed && perEntry !== undefined) row.projectedHeapGb = Number(((perEntry * n * n) / 1e9).toFixed(1));
  rows.push(row);
  gc();
}

const fmt = (v: number | undefined, digits = 1): string => (v === undefined ? '—' : v.toFixed(digits));
console.log('\n@gossip/sim — simulated cluster cost (LAN preset: join storm, then two simulated minutes)\n');
console.log(
  '| nodes | join storm: virtual s / wall s | wall s, 1st simulated min | wall s per simulated min (steady) | heap MB | heap KB/node | heap B/member entry | packets/node/s | note |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of rows) {
  const note = r.completed
    ? ''
    : `stopped (${r.stoppedBecause}) at ${r.stoppedAtVirtualMs} ms virtual after ${r.stoppedAfterWallS} s wall, ` +
      `nodes knew ${r.avgMembersKnown} members on average; converged it would need ≈ ${r.projectedHeapGb ?? '?'} GB of heap`;
  console.log(
    `| ${r.nodes} | ${fmt(r.joinStormVirtualS)} / ${fmt(r.joinStormWallS)} | ${fmt(r.wallSecondsFirstMinute, 2)} | ${fmt(r.wallSecondsPerSimulatedMinute, 2)} | ${r.heapMbTotal ?? '—'} | ${r.heapKbPerNode ?? '—'} | ${r.heapBytesPerMemberEntry ?? '—'} | ${fmt(r.packetsPerNodePerSecond, 2)} | ${note} |`,
  );
}

const outDir = join(fileURLToPath(new URL('../../../', import.meta.url)), 'bench-results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'sim.json'),
  `${JSON.stringify({ benchmark: '@gossip/sim', date: new Date().toISOString(), node: process.version, heapBudgetMb, wallBudgetS, rows }, null, 2)}\n`,
);
console.log(`\nwrote ${join(outDir, 'sim.json')}`);
