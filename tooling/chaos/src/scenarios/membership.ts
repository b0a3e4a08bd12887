/** Joining and crashing: converge, crash (TS-only and mixed Go/TS). */
import type { Host } from '../host.js';
import { countEvents, deadBoundMs, firstEventMs, pickVictim, secs } from './analysis.js';
import type { Scenario, ScenarioContext, ScenarioResult } from './types.js';

/** Every host started at once, joining through three seeds. */
export const converge: Scenario = {
  name: 'converge',
  title: 'start every host at once; each joins through three seeds',
  target: 'every host lists every host alive within 30 s + 1 s per host',
  startsCluster: true,
  async run(ctx) {
    const c = ctx.cluster;
    const t0 = Date.now();
    await c.start();
    const startMs = Date.now() - t0;
    ctx.note(`${c.hosts.length} agents up after ${secs(startMs)}`);
    const ms = await c.waitConverged(30_000 + 1000 * c.hosts.length, ctx.signal);
    const total = ms === undefined ? null : startMs + ms;
    return {
      pass: ms !== undefined,
      figures: { startMs, convergedMs: total },
      summary: total === null ? 'not converged' : `all alive everywhere ${secs(total)} after the first start`,
    };
  },
};

/** SIGKILLs `victims` at once and measures how long until every survivor lists each one dead. */
async function crashHosts(ctx: ScenarioContext, victims: readonly Host[]): Promise<ScenarioResult> {
  const c = ctx.cluster;
  const survivors = c.running.filter((h) => !victims.includes(h));
  const t0 = Date.now();
  await Promise.all(victims.map((v) => v.kill()));
  ctx.note(`killed ${victims.map((v) => v.name).join(', ')}`);
  const bound = deadBoundMs(c.running.length + victims.length);
  const detect = await Promise.all(victims.map((v) => c.waitState(v.name, ['dead'], survivors, bound, ctx.signal)));
  const allDead = detect.every((d) => d !== undefined) ? Math.max(...detect.map((d) => d ?? 0)) : null;
  const firstSuspect = Math.min(...victims.map((v) => firstEventMs(c, ['suspect', 'dead'], v, t0) ?? Infinity));
  const falseDeaths = countEvents(c, 'dead', survivors, t0).events;
  await c.start([...victims]);
  const rejoin = await c.waitConverged(60_000, ctx.signal);
  const figures: Record<string, number | null> = {
    firstSuspectMs: Number.isFinite(firstSuspect) ? firstSuspect : null,
    allDeadMs: allDead,
    boundMs: bound,
    falseDeaths,
    rejoinMs: rejoin ?? null,
  };
  if (victims.length > 1) victims.forEach((v, i) => (figures[`allDeadMs_${v.kind}`] = detect[i] ?? null));
  return {
    pass: allDead !== null && falseDeaths === 0 && rejoin !== undefined,
    figures,
    summary: allDead === null ? `not dead everywhere within ${secs(bound)}` : `dead on all ${survivors.length} in ${secs(allDead)}, ${falseDeaths} false deaths`,
  };
}

/** One host crashes. */
export const crash: Scenario = {
  name: 'crash',
  title: 'SIGKILL one host; then restart it',
  target: 'every survivor lists it dead within the LAN bound (3 s + 24·max(1, log10 n) s + 10 s); no other host dies; it rejoins',
  run: (ctx) => crashHosts(ctx, [pickVictim(ctx.cluster.running, ctx.rng.int(0, 1000))]),
};

/** A TS host and a Go host crash together in a mixed cluster. */
export const mixedCrash: Scenario = {
  name: 'mixed-crash',
  title: 'mixed Go/TS cluster: SIGKILL one TS and one Go host at once',
  target: 'both dead on every survivor (TS and Go) within the LAN bound; no other host dies; both rejoin',
  mixed: true,
  run(ctx) {
    const running = ctx.cluster.running;
    const ts = pickVictim(
      running.filter((h) => h.kind === 'ts'),
      ctx.rng.int(0, 1000),
    );
    const go = running.filter((h) => h.kind === 'go');
    const goVictim = go[ctx.rng.int(0, go.length - 1)];
    return crashHosts(ctx, goVictim === undefined ? [ts] : [ts, goVictim]);
  },
};
