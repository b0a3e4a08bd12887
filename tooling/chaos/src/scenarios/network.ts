/** Network faults from nftables: loss, partitions (both ways, one way), a UDP blackhole, a flapping host. */
import { sleep } from '../exec.js';
import { applyAll, CLEAN, dropAllInbound, dropFrom, type HostRules, inboundLoss } from '../faults.js';
import type { Host } from '../host.js';
import { countEvents, secs, victimAndHealthy, waitGone } from './analysis.js';
import type { Scenario, ScenarioContext, ScenarioResult } from './types.js';

/** How long a cluster gets to merge again after a partition heals. */
const HEAL_TIMEOUT_MS = 60_000;

function rulesFor(hosts: readonly Host[], rules: HostRules): Array<readonly [string, HostRules]> {
  return hosts.map((h) => [h.net.ns, rules] as const);
}

/** Cuts `victim` off from `others` both ways (or only its UDP), dropping at each receiver. */
function cutOff(victim: Host, others: readonly Host[], only?: 'udp'): Array<readonly [string, HostRules]> {
  return [[victim.net.ns, dropAllInbound(only)], ...rulesFor(others, dropFrom([victim.net.ip], only))];
}

/** Random loss on every host. */
export const loss: Scenario = {
  name: 'loss',
  title: '10 % packet loss on every link, both directions (nft numgen on every receiver), for 5 minutes',
  target: '0 hosts declared dead',
  async run(ctx) {
    const c = ctx.cluster;
    const hosts = c.running;
    const t0 = Date.now();
    await applyAll(rulesFor(hosts, inboundLoss(10)));
    try {
      await sleep(ctx.dur(300_000, 20_000), ctx.signal);
    } finally {
      await c.clearFaults();
    }
    await sleep(ctx.dur(6_000, 5_000), ctx.signal);
    const deaths = countEvents(c, 'dead', hosts, t0);
    const suspects = countEvents(c, 'suspect', hosts, t0);
    return {
      pass: deaths.events === 0,
      figures: { deadEvents: deaths.events, hostsDeclaredDead: deaths.subjects, suspectEvents: suspects.events, hostsSuspected: suspects.subjects },
      summary: `${deaths.subjects} declared dead, ${suspects.events} suspicions`,
    };
  },
};

/** Splits hosts in two halves, Go and TS spread over both (a mixed cluster's halves each hold both kinds). */
function halves(hosts: readonly Host[]): [Host[], Host[]] {
  const byKind = [...hosts.filter((h) => h.kind === 'ts'), ...hosts.filter((h) => h.kind === 'go')];
  const a: Host[] = [];
  const b: Host[] = [];
  byKind.forEach((h, i) => (i % 2 === 0 ? a : b).push(h));
  return [a, b];
}

async function partitionRun(ctx: ScenarioContext, fullMs: number, quickMs: number, oneWay: boolean): Promise<ScenarioResult> {
  const c = ctx.cluster;
  const all = c.running;
  const [a, b] = halves(all);
  const ips = (hs: readonly Host[]): string[] => hs.map((h) => h.net.ip);
  const t0 = Date.now();
  // Both ways: each side drops the other's traffic. One way: side A cannot send to side B (B still reaches A).
  await applyAll(oneWay ? rulesFor(b, dropFrom(ips(a))) : [...rulesFor(a, dropFrom(ips(b))), ...rulesFor(b, dropFrom(ips(a)))]);
  ctx.note(`${oneWay ? 'one-way ' : ''}partition ${a.length} | ${b.length}`);
  let splitMs: number | null = null;
  let healStartedAt = Date.now();
  try {
    const hold = ctx.dur(fullMs, quickMs);
    const [aSeesB, bSeesA] = await Promise.all([waitGone(c, b, a, hold, ctx.signal), waitGone(c, a, b, hold, ctx.signal)]);
    splitMs = aSeesB === null || bSeesA === null ? null : Math.max(aSeesB, bSeesA);
    await sleep(Math.max(0, t0 + hold - Date.now()), ctx.signal);
  } finally {
    healStartedAt = Date.now();
    await c.clearFaults();
  }
  ctx.note('healed the network');
  const healMs = await c.waitConverged(HEAL_TIMEOUT_MS, ctx.signal);
  // During the cut: the target. Once the first host is healed, the other side's (correct) deaths of this side's
  // hosts reach it by gossip before their refutations do: reported, not judged (every SWIM does this).
  const internal = sameSideDeaths(c, a, t0, healStartedAt) + sameSideDeaths(c, b, t0, healStartedAt);
  const atHeal = sameSideDeaths(c, a, healStartedAt, Date.now()) + sameSideDeaths(c, b, healStartedAt, Date.now());
  return {
    // One way, a side's own members are declared dead to it by the other side (whose gossip still arrives) until
    // they refute: SWIM cannot tell a one-way cut from a crash, so only the merge is a target there.
    pass: healMs !== undefined && (oneWay || internal === 0),
    figures: { sideA: a.length, sideB: b.length, splitMs, healMs: healMs ?? null, sameSideDeaths: internal, sameSideDeathsAtHeal: atHeal },
    summary:
      `${splitMs === null ? 'sides never fully split; ' : `split in ${secs(splitMs)}; `}` +
      `${healMs === undefined ? `not merged ${secs(HEAL_TIMEOUT_MS)} after the heal` : `merged ${secs(healMs)} after the heal`}` +
      `${internal > 0 ? `; ${internal} same-side deaths during the cut` : ''}` +
      `${atHeal > 0 ? `; ${atHeal} dead events about a same-side host at the heal (the other side's, arriving before the refutation)` : ''}`,
  };
}

/** Dead events about a host of `side` seen by a host of the same side between `since` and `until`. */
function sameSideDeaths(c: ScenarioContext['cluster'], side: readonly Host[], since: number, until: number): number {
  const names = new Set(side.map((h) => h.name));
  return c.log.query({ types: ['dead'], subjects: names, observers: names, since, until }).length;
}

/** 50/50 partition, then heal. */
export const partition: Scenario = {
  name: 'partition',
  title: '50/50 partition for 2 minutes, then heal',
  target: 'no host dies within its own side during the cut; after the heal, one cluster again (all alive everywhere) within 60 s',
  run: (ctx) => partitionRun(ctx, 120_000, 30_000, false),
};

/** Half the cluster cannot send to the other half. */
export const oneWay: Scenario = {
  name: 'oneway',
  title: 'one-way partition for 20 s: half A cannot send to half B (B still reaches A), then heal',
  target: 'one cluster again within 60 s of the heal (same-side deaths are reported: B, which still reaches A, declares A hosts dead to A)',
  run: (ctx) => partitionRun(ctx, 20_000, 15_000, true),
};

/** 50/50 partition of a mixed Go/TS cluster. */
export const mixedPartition: Scenario = {
  name: 'mixed-partition',
  title: 'mixed Go/TS cluster: 50/50 partition (both kinds on each side) for 40 s, then heal',
  target: 'no host dies within its own side during the cut; one cluster again within 60 s of the heal',
  mixed: true,
  run: (ctx) => partitionRun(ctx, 40_000, 30_000, false),
};

/** One host loses UDP. */
export const udpBlackholeScenario: Scenario = {
  name: 'blackhole',
  title: 'UDP-only blackhole of one host for 30 s (TCP still works)',
  target: 'the host is never declared dead (TCP fallback pings keep it alive); no other host dies',
  async run(ctx) {
    const c = ctx.cluster;
    const { victim, healthy: others } = victimAndHealthy(ctx);
    const t0 = Date.now();
    await applyAll(cutOff(victim, others, 'udp'));
    ctx.note(`UDP blackhole on ${victim.name}`);
    try {
      await sleep(ctx.dur(30_000, 15_000), ctx.signal);
    } finally {
      await c.clearFaults();
    }
    const victimDead = countEvents(c, 'dead', [victim], t0).events;
    const victimSuspect = countEvents(c, 'suspect', [victim], t0).events;
    const otherDeaths = countEvents(c, 'dead', others, t0).events;
    const converged = await c.waitConverged(60_000, ctx.signal);
    return {
      pass: victimDead === 0 && otherDeaths === 0 && converged !== undefined,
      figures: { victimDeadEvents: victimDead, victimSuspectEvents: victimSuspect, otherDeaths, convergedAfterMs: converged ?? null },
      summary: `blackholed host dead ${victimDead}×, suspected ${victimSuspect}×`,
    };
  },
};

/** One host's network goes down and up repeatedly. */
export const flapping: Scenario = {
  name: 'flapping',
  title: 'one host flaps: cut off 10 s, back 10 s, twice',
  target: 'no other host declared dead by a healthy host; the flapping host alive everywhere within 60 s of its last return',
  async run(ctx) {
    const c = ctx.cluster;
    const { victim, healthy: others } = victimAndHealthy(ctx);
    const t0 = Date.now();
    const down = ctx.dur(10_000, 6_000);
    try {
      for (let i = 0; i < 2; i++) {
        await applyAll(cutOff(victim, others));
        await sleep(down, ctx.signal);
        await applyAll([victim, ...others].map((h) => [h.net.ns, CLEAN] as const));
        await sleep(down, ctx.signal);
      }
    } finally {
      await c.clearFaults();
    }
    const back = await c.waitConverged(60_000, ctx.signal);
    const othersNames = new Set(others.map((h) => h.name));
    // The flapping host's own view is reported apart: cut off, it may give up on everyone; what matters is
    // whether healthy hosts come to believe it.
    const seenByHealthy = c.log.query({ types: ['dead'], subjects: othersNames, observers: othersNames, since: t0 }).length;
    const byFlapper = c.log.query({ types: ['dead'], subjects: othersNames, observers: new Set([victim.name]), since: t0 }).length;
    const victimDead = countEvents(c, 'dead', [victim], t0).events;
    return {
      pass: seenByHealthy === 0 && back !== undefined,
      figures: { flapperDeadEvents: victimDead, otherDeathsSeenByHealthy: seenByHealthy, othersDeclaredDeadByFlapper: byFlapper, backMs: back ?? null },
      summary: back === undefined ? 'flapping host not back within 60 s' : `${seenByHealthy} false deaths on healthy hosts (${byFlapper} in the flapper's view), back everywhere ${secs(back)} after its last return`,
    };
  },
};
