/**
 * The partition, isolation and Lifeguard targets of issue #13 as runnable scenarios, shared by the CI scenario
 * tests (the runs that take under a minute of wall time) and `pnpm bench`'s simulator section (the rest, 5 seeds
 * each; figures in BENCHMARKS.md). Each returns what it measured; the caller decides what to assert.
 */
import type { MemberlistTunables } from '@gossip/core';
import { pushPullScale } from '@gossip/core';
import { GOSSIP_ADDITIONS_OFF, LIFEGUARD_OFF, PLAIN_SWIM, Simulation, type TraceEvent, detectionBounds } from '../src/index.js';

/** Every scenario's common knobs. */
export interface ScenarioOptions {
  readonly seed: string;
  /** Tunables on top of the LAN preset (e.g. reconnect off, isolation awareness off). */
  readonly tunables?: Partial<MemberlistTunables>;
}

/** A converged cluster of `n` nodes named node-0…, membership events recorded (joins left out: they cost memory). */
async function converged(n: number, options: ScenarioOptions, faults?: ConstructorParameters<typeof Simulation>[0]['faults']) {
  const sim = new Simulation({
    seed: options.seed,
    trace: (e: TraceEvent) => e.type !== 'join' && e.type !== 'update',
    ...(options.tunables === undefined ? {} : { tunables: options.tunables }),
    ...(faults === undefined ? {} : { faults }),
  });
  const names = await sim.addNodes(n);
  sim.startConverged();
  await sim.runFor(5_000);
  return { sim, names };
}

/** Deaths declared about members outside `faulty`, by observers outside `faulty` (third parties), since `from`. */
function healthyDeaths(sim: Simulation, faulty: ReadonlySet<string>, from: number): TraceEvent[] {
  return sim.trace.filter({ type: 'leave', state: 'dead', since: from }).filter((e) => !faulty.has(e.member) && !faulty.has(e.observer));
}

/** The push/pull interval every node of an `n`-node cluster runs at (memberlist scales it with size). */
export function scaledPushPullMs(tunables: MemberlistTunables, n: number): number {
  return pushPullScale(tunables.pushPullIntervalMs, n);
}

/** Result of {@link partitionHeal}. */
export interface PartitionHealResult {
  /** Virtual ms from the heal until every node lists every node alive, or `undefined` if not within `maxHealMs`. */
  readonly healedInMs: number | undefined;
  /** `pushPullIntervalMs + reconnect.intervalMs` of the configuration (the target bound). */
  readonly boundMs: number;
  /** Nodes each side had declared dead by the heal (a cut that short may heal before anyone died). */
  readonly deadAtHeal: number;
}

/** `n` nodes (default 64) cut 50/50 for `cutMs`, then healed: how long until everyone lists everyone alive. */
export async function partitionHeal(options: ScenarioOptions & { cutMs: number; n?: number; maxHealMs?: number }): Promise<PartitionHealResult> {
  const n = options.n ?? 64;
  const { sim, names } = await converged(n, options);
  const t = sim.baseTunables();
  sim.partition(names.slice(0, n / 2), names.slice(n / 2));
  await sim.runFor(options.cutMs);
  const deadAtHeal = sim.memberlist(names[0] as string).allMembers().filter((m) => m.state === 'dead').length;
  sim.heal();
  let healedInMs: number | undefined;
  try {
    healedInMs = await sim.waitFor(() => sim.converged(), { maxMs: options.maxHealMs ?? 600_000, what: 'healing' });
  } catch {
    healedInMs = undefined;
  }
  await sim.shutdown();
  return { healedInMs, boundMs: t.pushPullIntervalMs + t.reconnect.intervalMs, deadAtHeal };
}

/** Result of {@link flappingNode}. */
export interface FlappingResult {
  /** Deaths of healthy members declared by healthy members (each observer counts), over the whole run. */
  readonly thirdPartyDeaths: number;
  /** Virtual ms from the last reconnect until every node lists every node alive, or `undefined`. */
  readonly settledInMs: number | undefined;
  /** One (scaled) push/pull interval: the target bound on settling. */
  readonly boundMs: number;
}

/** One node of `n` (default 64) cut off for 20 s and reconnected for 20 s, `cycles` times (default 8). */
export async function flappingNode(options: ScenarioOptions & { n?: number; cycles?: number }): Promise<FlappingResult> {
  const n = options.n ?? 64;
  const { sim, names } = await converged(n, options);
  const flapper = names[n - 1] as string;
  const from = sim.now();
  for (let i = 0; i < (options.cycles ?? 8); i++) {
    const cut = sim.partition([flapper]);
    await sim.runFor(20_000);
    cut.heal();
    if (i < (options.cycles ?? 8) - 1) await sim.runFor(20_000);
  }
  const boundMs = scaledPushPullMs(sim.baseTunables(), n);
  let settledInMs: number | undefined;
  try {
    settledInMs = await sim.waitFor(() => sim.converged(), { maxMs: 600_000, what: 'settling' });
  } catch {
    settledInMs = undefined;
  }
  const thirdPartyDeaths = healthyDeaths(sim, new Set([flapper]), from).length;
  await sim.shutdown();
  return { thirdPartyDeaths, settledInMs, boundMs };
}

/** Result of {@link massCrash}. */
export interface MassCrashResult {
  readonly crashed: number;
  /** Virtual ms from the crash until every survivor saw every victim dead, or `undefined`. */
  readonly allDeadInMs: number | undefined;
  /** Round-robin bound on the first suspicion plus the maximum suspicion timeout, for n nodes. */
  readonly boundMs: number;
  /** Deaths of survivors declared by anyone. */
  readonly healthyDeaths: number;
}

/** 30% of `n` (default 64) nodes crash at the same instant. */
export async function massCrash(options: ScenarioOptions & { n?: number; fraction?: number }): Promise<MassCrashResult> {
  const n = options.n ?? 64;
  const { sim, names } = await converged(n, options);
  const victims = names.slice(0, Math.round(n * (options.fraction ?? 0.3)));
  const from = sim.now();
  for (const v of victims) await sim.crash(v);
  const bounds = detectionBounds(sim.baseTunables(), n);
  let allDeadInMs: number | undefined;
  try {
    allDeadInMs = await sim.waitFor(() => victims.every((v) => sim.allSee(v, 'dead')), { maxMs: 600_000, what: 'mass crash' });
  } catch {
    allDeadInMs = undefined;
  }
  await sim.runFor(60_000);
  const deaths = healthyDeaths(sim, new Set(victims), from).length;
  await sim.shutdown();
  return {
    crashed: victims.length,
    allDeadInMs,
    boundMs: bounds.firstSuspicionMs + bounds.maxSuspicionMs,
    healthyDeaths: deaths,
  };
}

/** How the unhealthy 10% misbehave in {@link lifeguardRun}. */
export type LifeguardFault =
  /** Everything delivered to the node arrives 1-2 s late (a starved event loop; its timers run on time). */
  | 'slow'
  /** The whole process pauses for 1-2 s, runs for 1-2 s, pauses again (GC storms, an overcommitted VM). */
  | 'stall'
  /**
   * The node's network drops {@link LOSSY_NODE_RATE} of every packet and stream segment to or from it (a failing
   * NIC, a saturated host or a congested rack port), while the rest of the network is clean.
   */
  | 'lossy';

/** The share of its packets and stream segments a `lossy` node loses, each way. */
export const LOSSY_NODE_RATE = 0.5;

/**
 * What runs in {@link lifeguardRun}:
 * - `on`: the default configuration (Lifeguard plus gossip's additions: isolation awareness, second-hand
 *   suspicion verification, reconnect);
 * - `on-no-additions`: Lifeguard with gossip's additions off (`GOSSIP_ADDITIONS_OFF`), memberlist's behaviour;
 * - `off`: plain SWIM (`PLAIN_SWIM`), the Lifeguard paper's baseline;
 * - `off-with-additions`: Lifeguard off but gossip's additions on (`LIFEGUARD_OFF` alone).
 */
export type LifeguardVariant = 'on' | 'on-no-additions' | 'off' | 'off-with-additions';

const VARIANT_TUNABLES: Readonly<Record<LifeguardVariant, Partial<MemberlistTunables>>> = {
  on: {},
  'on-no-additions': GOSSIP_ADDITIONS_OFF,
  off: PLAIN_SWIM,
  'off-with-additions': LIFEGUARD_OFF,
};

/** Result of {@link lifeguardRun}. Healthy members are those neither slowed, stalled nor lossy. */
export interface LifeguardResult {
  /**
   * The paper's false positives: every `dead` declaration about a healthy member, by any observer (the
   * unhealthy ones included), counted even if later refuted.
   */
  readonly falseDeaths: number;
  /** Distinct (member, incarnation) among {@link falseDeaths}: about how many deaths were declared first-hand. */
  readonly falseDeathDeclarations: number;
  /** Those of {@link falseDeaths} observed by healthy members (the figure reported before 2026-12-03). */
  readonly thirdPartyDeaths: number;
  /** Distinct healthy members declared dead at least once. */
  readonly healthyDeclared: number;
  /** (observer, healthy member) pairs not alive or suspect at the end: deaths that were never undone. */
  readonly deadAtEnd: number;
  /** `dead` declarations about the slowed, stalled or lossy members, which never crashed (by any observer). */
  readonly unhealthyDeaths: number;
  /** `suspect` events about healthy members. */
  readonly healthySuspicions: number;
}

/**
 * `n` nodes, 10% of them slowed or stalled 1-2 s or lossy (see {@link LifeguardFault}) for `durationMs` (default
 * 10 min), under one variant.
 */
export async function lifeguardRun(
  options: ScenarioOptions & { n: number; fault: LifeguardFault; variant: LifeguardVariant; durationMs?: number },
): Promise<LifeguardResult> {
  const tunables = { ...options.tunables, ...VARIANT_TUNABLES[options.variant] };
  const { sim, names } = await converged(options.n, { ...options, tunables });
  const faulty = new Set(names.filter((_, i) => i % 10 === 5));
  const from = sim.now();
  const until = from + (options.durationMs ?? 10 * 60_000);
  if (options.fault === 'slow') {
    for (const name of faulty) sim.slow(name, { minMs: 1000, maxMs: 2000 });
  } else if (options.fault === 'lossy') {
    for (const name of faulty) sim.network.setNodeFaults(sim.node(name).address, { lossRate: LOSSY_NODE_RATE });
  } else {
    // Each stalled node alternates 1-2 s pauses with 1-2 s of running, on its own seeded schedule.
    const random = sim.randomStream('stalls');
    for (const name of faulty) {
      const cycle = (): void => {
        if (sim.now() >= until) return;
        const pause = 1000 + random.next() * 1000;
        sim.stall(name, pause);
        sim.clock.setTimeout(cycle, pause + 1000 + random.next() * 1000);
      };
      sim.clock.setTimeout(cycle, random.next() * 2000);
    }
  }
  await sim.runFor(until - sim.now());
  const deaths = sim.trace.filter({ type: 'leave', state: 'dead', since: from });
  const healthyDeaths = deaths.filter((e) => !faulty.has(e.member));
  const suspicions = sim.trace.filter({ type: 'suspect', since: from }).filter((e) => !faulty.has(e.member));
  let deadAtEnd = 0;
  for (const observer of sim.running()) {
    for (const member of names) {
      if (faulty.has(member) || member === observer) continue;
      const state = sim.belief(observer, member)?.state;
      if (state !== 'alive' && state !== 'suspect') deadAtEnd++;
    }
  }
  await sim.shutdown();
  return {
    falseDeaths: healthyDeaths.length,
    falseDeathDeclarations: new Set(healthyDeaths.map((e) => `${e.member}#${e.incarnation}`)).size,
    thirdPartyDeaths: healthyDeaths.filter((e) => !faulty.has(e.observer)).length,
    healthyDeclared: new Set(healthyDeaths.map((e) => e.member)).size,
    deadAtEnd,
    unhealthyDeaths: deaths.length - healthyDeaths.length,
    healthySuspicions: suspicions.length,
  };
}

/** Result of {@link lossyCluster}. Every node is healthy here: every death is a false one. */
export interface LossyResult {
  /** Every `dead` declaration, by any observer (the paper's false positives). */
  readonly healthyDeaths: number;
  /** Distinct (member, incarnation) among them. */
  readonly deathDeclarations: number;
  readonly suspicions: number;
  readonly packetsLost: number;
  readonly streamSegmentsLost: number;
}

/**
 * `n` nodes (default 100), 10% uniform loss on packets and stream segments for `durationMs` (default 10 min),
 * TCP fallback pings on, under one {@link LifeguardVariant} (default `on`).
 */
export async function lossyCluster(
  options: ScenarioOptions & { n?: number; durationMs?: number; variant?: LifeguardVariant },
): Promise<LossyResult> {
  const tunables = { ...options.tunables, ...VARIANT_TUNABLES[options.variant ?? 'on'] };
  const { sim } = await converged(options.n ?? 100, { ...options, tunables }, { latencyMs: 0.5, jitterMs: 0.5, lossRate: 0.1 });
  const from = sim.now();
  await sim.runFor(options.durationMs ?? 10 * 60_000);
  const stats = sim.network.stats();
  const deaths = sim.trace.filter({ type: 'leave', state: 'dead', since: from });
  const result = {
    healthyDeaths: deaths.length,
    deathDeclarations: new Set(deaths.map((e) => `${e.member}#${e.incarnation}`)).size,
    suspicions: sim.trace.filter({ type: 'suspect', since: from }).length,
    packetsLost: stats.packetsDropped.loss,
    streamSegmentsLost: stats.streamSegmentsLost,
  };
  await sim.shutdown();
  return result;
}
