/**
 * `pnpm bench`'s simulator targets (issue #13): partitions that heal by themselves, an isolated node that does
 * not kill the healthy, mass failures still detected, Lifeguard against slowed and stalled nodes, and loss on
 * packets and streams. Every target runs on 5 seeds (GOSSIP_SIM_TARGET_SEEDS to change); the CI scenario tests
 * run one seed of the cheap ones. GOSSIP_SIM_TARGETS picks targets (comma-separated names below, `default`, or
 * `all`; a trailing `*` matches a prefix). GOSSIP_SIM_TARGET_SEED_FROM starts the seeds elsewhere than 1. Prints one
 * line per run and a summary, and writes bench-results/sim-targets.json at the repository root (GOSSIP_SIM_TARGETS_OUT names another file) after
 * every run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LifeguardVariant, flappingNode, lifeguardRun, lossyCluster, massCrash, partitionHeal } from '../test/targets.js';

// GOSSIP_SIM_TARGET_SEED_FROM lets separate processes share one target's seeds (e.g. 1-3 here, 4-5 there).
const firstSeed = Number(process.env.GOSSIP_SIM_TARGET_SEED_FROM ?? 1);
const seeds = Array.from({ length: Number(process.env.GOSSIP_SIM_TARGET_SEEDS ?? 5) }, (_, i) => `target-${firstSeed + i}`);
const NO_RECONNECT = { reconnect: { intervalMs: 0, timeoutMs: 0 } };

type Runner = (seed: string) => Promise<Record<string, unknown>>;
const targets: Record<string, Runner> = {
  'partition-30s': (seed) => partitionHeal({ seed, cutMs: 30_000 }).then((r) => ({ ...r })),
  'partition-2min': (seed) => partitionHeal({ seed, cutMs: 120_000 }).then((r) => ({ ...r })),
  'partition-30min': (seed) => partitionHeal({ seed, cutMs: 30 * 60_000 }).then((r) => ({ ...r })),
  'partition-2min-no-reconnect': (seed) =>
    partitionHeal({ seed, cutMs: 120_000, tunables: NO_RECONNECT, maxHealMs: 600_000 }).then((r) => ({ ...r })),
  flapping: (seed) => flappingNode({ seed }).then((r) => ({ ...r })),
  'flapping-no-isolation-awareness': (seed) => flappingNode({ seed, tunables: { isolationAwareness: false } }).then((r) => ({ ...r })),
  'mass-crash-30pct': (seed) => massCrash({ seed }).then((r) => ({ ...r })),
  'loss-10pct-100-tcp-pings': (seed) => lossyCluster({ seed }).then((r) => ({ ...r })),
  'loss-10pct-100-tcp-pings-off': (seed) => lossyCluster({ seed, variant: 'off' }).then((r) => ({ ...r })),
};
/**
 * Lifeguard targets, `lifeguard-<n>-<fault>-<variant>`: `on` is the default configuration, `off` plain SWIM (the
 * paper's baseline: Lifeguard and gossip's additions off); `on-no-additions` and `off-with-additions` separate
 * Lifeguard's effect from gossip's own additions (test/targets.ts, LifeguardVariant).
 */
const VARIANTS: readonly LifeguardVariant[] = ['on', 'off', 'on-no-additions', 'off-with-additions'];
// 99 sits just below memberlist's retransmit step: `retransmitMult × ceil(log10(n + 1))` sends each broadcast 8
// times in clusters of 10-99 nodes and 12 times from 100 (BENCHMARKS.md, "Lifeguard on and off").
for (const n of [50, 99, 100]) {
  for (const fault of ['slow', 'stall', 'lossy'] as const) {
    for (const variant of VARIANTS) {
      targets[`lifeguard-${n}-${fault}-${variant}`] = (seed) => lifeguardRun({ seed, n, fault, variant }).then((r) => ({ ...r }));
    }
  }
}

/**
 * The 10-minute runs of 50-100 nodes under Lifeguard faults and 10% loss and the 30-minute cut take 0.1-8 min of
 * wall time each (×5 seeds; plain SWIM at 99-100 nodes is the slowest): they run on request, by name or prefix
 * (`lifeguard-50-*`) or with `GOSSIP_SIM_TARGETS=all` (every variant: hours), the rest by default.
 */
const EXTENDED = new Set(['partition-30min', ...Object.keys(targets).filter((t) => t.startsWith('lifeguard-') || t.startsWith('loss-'))]);
const requested = process.env.GOSSIP_SIM_TARGETS ?? 'default';
const chosen = (
  requested === 'all'
    ? Object.keys(targets)
    : requested === 'default'
      ? Object.keys(targets).filter((t) => !EXTENDED.has(t))
      : requested.split(',').flatMap((t) => {
          // A trailing `*` picks every target with that prefix, e.g. `lifeguard-50-*`.
          const name = t.trim();
          return name.endsWith('*') ? Object.keys(targets).filter((k) => k.startsWith(name.slice(0, -1))) : [name];
        })
).map((s) => s.trim());
for (const name of chosen) if (!(name in targets)) throw new Error(`GOSSIP_SIM_TARGETS: unknown target ${name}`);

const results: { target: string; seed: string; wallSeconds: number; result: Record<string, unknown> }[] = [];
const root = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
const out = join(root, 'bench-results', process.env.GOSSIP_SIM_TARGETS_OUT ?? 'sim-targets.json');
/** Written after every run, so a long run that is stopped keeps the figures it reached. */
function save(): void {
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  const summary = { schema: 1, seeds, loadAtStart, loadNow: load(), wallSeconds: Math.round((Date.now() - started) / 1000), results };
  writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
}
const started = Date.now();
function load(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
const loadAtStart = load();
for (const target of chosen) {
  for (const seed of seeds) {
    const t0 = performance.now();
    // `undefined` (e.g. "never healed") would vanish from the JSON: record it as null.
    const result: Record<string, number | null> = {};
    for (const [k, v] of Object.entries(await (targets[target] as Runner)(seed))) result[k] = typeof v === 'number' ? v : null;
    const wallSeconds = Math.round((performance.now() - t0) / 100) / 10;
    results.push({ target, seed, wallSeconds, result });
    const shown = Object.entries(result)
      .map(([k, v]) => `${k}=${v === null ? 'never' : Math.round(v)}`)
      .join(' ');
    process.stderr.write(`[sim targets] ${target} ${seed}: ${shown} (${wallSeconds} s wall, load ${load()})\n`);
    save();
  }
}
process.stderr.write(`[sim targets] ${results.length} runs in ${Math.round((Date.now() - started) / 1000)} s, load ${loadAtStart} → ${load()}\n`);

