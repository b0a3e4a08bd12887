/** Real-socket cost: each agent's CPU and RSS from /proc, idle and while other hosts churn. */
import { sleep } from '../exec.js';
import { type CostFigures, clockTicks, sampleAll, summarise } from '../procstat.js';
import type { Host } from '../host.js';
import type { Scenario, ScenarioContext } from './types.js';

async function measure(ctx: ScenarioContext, hosts: readonly Host[], ms: number, during?: (signal: AbortSignal) => Promise<void>): Promise<CostFigures> {
  const hz = await clockTicks();
  const pids = hosts.map((h) => h.pid).filter((p): p is number => p !== undefined);
  const before = sampleAll(pids);
  const t0 = Date.now();
  const stop = new AbortController();
  const background = during?.(AbortSignal.any([stop.signal, ctx.signal])).catch(() => undefined);
  await sleep(ms, ctx.signal);
  const after = sampleAll(pids);
  const seconds = (Date.now() - t0) / 1000;
  stop.abort();
  await background;
  return summarise(before, after, seconds, hz);
}

/** Idle, then churn. */
export const cost: Scenario = {
  name: 'cost',
  title: 'per-host CPU and RSS from /proc: idle 15 s, then 15 s while two other hosts crash and restart in a loop',
  target: 'measurement (no pass/fail threshold)',
  async run(ctx) {
    const c = ctx.cluster;
    const churners = c.running.slice(-2);
    const measured = c.running.filter((h) => !churners.includes(h));
    const idle = await measure(ctx, c.running, ctx.dur(15_000, 5_000));
    let restarts = 0;
    const churn = await measure(ctx, measured, ctx.dur(15_000, 8_000), async (signal) => {
      for (let i = 0; !signal.aborted; i++) {
        const h = churners[i % churners.length] as Host;
        await h.kill();
        await sleep(1000, signal);
        await c.start([h]);
        restarts++;
      }
    });
    await c.start(churners.filter((h) => !h.running));
    const converged = await c.waitConverged(60_000, ctx.signal);
    return {
      pass: converged !== undefined,
      figures: {
        idleCpuMeanPct: idle.cpuMeanPct,
        idleCpuMaxPct: idle.cpuMaxPct,
        idleRssMeanMiB: idle.rssMeanMiB,
        idleRssMaxMiB: idle.rssMaxMiB,
        churnRestarts: restarts,
        churnCpuMeanPct: churn.cpuMeanPct,
        churnCpuMaxPct: churn.cpuMaxPct,
        churnRssMeanMiB: churn.rssMeanMiB,
        churnRssMaxMiB: churn.rssMaxMiB,
      },
      summary: `idle ${idle.cpuMeanPct} % CPU, ${idle.rssMeanMiB} MiB; churn ${churn.cpuMeanPct} % CPU, ${churn.rssMeanMiB} MiB`,
    };
  },
};
