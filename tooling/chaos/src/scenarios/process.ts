/** Faults of the process rather than the network: stalls (SIGSTOP/SIGCONT) and a rolling restart. */
import { sleep } from '../exec.js';
import { countEvents, secs, victimAndHealthy } from './analysis.js';
import type { Scenario, ScenarioContext } from './types.js';

/** One host stalls repeatedly, as a process does under GC pauses or a frozen container. */
export const stall: Scenario = {
  name: 'stall',
  title: 'one host SIGSTOP/SIGCONT: stopped 1–2 s, running 1–2 s, for 60 s',
  target: 'it accuses 0 healthy hosts (no suspect event about any other host) and is never declared dead',
  async run(ctx) {
    const c = ctx.cluster;
    const { victim, healthy } = victimAndHealthy(ctx);
    const t0 = Date.now();
    const end = t0 + ctx.dur(60_000, 12_000);
    let cycles = 0;
    ctx.note(`stalling ${victim.name}`);
    try {
      while (Date.now() < end) {
        victim.signal('SIGSTOP');
        await sleep(ctx.rng.int(1000, 2000), ctx.signal);
        victim.signal('SIGCONT');
        cycles++;
        await sleep(ctx.rng.int(1000, 2000), ctx.signal);
      }
    } finally {
      victim.signal('SIGCONT');
    }
    // Suspicions raised at the last resume need a suspicion timeout to turn into deaths: wait one out.
    await sleep(ctx.dur(8_000, 6_000), ctx.signal);
    const accused = countEvents(c, 'suspect', healthy, t0);
    const victimDead = countEvents(c, 'dead', [victim], t0).events;
    const victimSuspected = countEvents(c, 'suspect', [victim], t0).events;
    const otherDeaths = countEvents(c, 'dead', healthy, t0).events;
    return {
      pass: accused.subjects === 0 && victimDead === 0 && otherDeaths === 0,
      figures: { cycles, accusedHealthy: accused.subjects, healthySuspectEvents: accused.events, victimSuspectEvents: victimSuspected, victimDeadEvents: victimDead, otherDeaths },
      summary: `${accused.subjects} healthy accused, stalled host dead ${victimDead}×`,
    };
  },
};

/** Every host in turn leaves (SIGINT), restarts on the same name and address, and rejoins. */
export const rollingRestart: Scenario = {
  name: 'rolling-restart',
  title: 'each host in turn: leave (SIGINT), restart with the same name and address, wait until alive everywhere',
  target: 'every host back alive on every host within 30 s of its restart; 0 dead events (only left)',
  async run(ctx) {
    const c = ctx.cluster;
    const hosts = [...c.running];
    const t0 = Date.now();
    const steps: number[] = [];
    let failed: string | undefined;
    let laggards = '';
    for (const h of hosts) {
      await h.stop();
      const t = Date.now();
      await c.start([h]);
      const ms = await c.waitState(h.name, ['alive'], c.running, 30_000, ctx.signal);
      if (ms === undefined) {
        failed = h.name;
        laggards = await describeLaggards(c, h.name);
        break;
      }
      steps.push(Date.now() - t);
    }
    const deaths = countEvents(c, 'dead', hosts, t0).events;
    const sorted = [...steps].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? null;
    return {
      pass: failed === undefined && deaths === 0,
      figures: { restarted: steps.length, totalMs: Date.now() - t0, medianRejoinMs: median, maxRejoinMs: sorted.at(-1) ?? null, falseDeaths: deaths, stuck: failed ?? null },
      summary: failed !== undefined ? `${failed} not alive everywhere within 30 s (${laggards})` : `${steps.length} restarts, ${deaths} dead events, median rejoin ${secs(median)}`,
    };
  },
};

/** Which running hosts do not list `subject` alive, and what they list instead (or that they did not answer). */
async function describeLaggards(c: ScenarioContext['cluster'], subject: string): Promise<string> {
  const views = await c.views();
  const lines: string[] = [];
  for (const [host, list] of views) {
    if (list === undefined) {
      lines.push(`${host.name}: no answer`);
      continue;
    }
    const m = list.find((x) => x.name === subject);
    if (m?.state !== 'alive') lines.push(`${host.name}: ${m === undefined ? 'not listed' : `${m.state} #${m.incarnation}`}`);
  }
  return lines.length === 0 ? 'alive everywhere by now' : lines.join(', ');
}
